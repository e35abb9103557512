"""bot.store.messages on a migrated database (SQLite and PostgreSQL): keyed by (channel, ts), edits
keep revisions, deletes leave tombstones, a mark lasts while any reaction of its emoji does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.domain.messages import NewMessage
from bot.domain.timeline import CapturedMessage
from bot.runtime import Runtime
from bot.store import messages as store
from bot.store.models import Message, MessageRevision, Reaction
from tests.conftest import FrozenClock
from tests.factories import make_channel

TEAM = "T1"
TS = "1742061240.000100"  # 2025-03-15 17:54:00.0001 UTC
LATER = "1742061300.000200"


def _channel(rt: Runtime, channel_id: str = "C1", name: str = "inc-db") -> int:
    return make_channel(rt, channel_id, name, team_id=TEAM).pk


def _message(s: Session, channel_pk: int, ts: str = TS) -> Message:
    found = s.scalars(select(Message).where(Message.channel_pk == channel_pk, Message.ts == ts)).one_or_none()
    assert found is not None
    return found


def _revisions(s: Session, message_id: int) -> list[str]:
    rows = s.scalars(
        select(MessageRevision.text)
        .where(MessageRevision.message_id == message_id)
        .order_by(MessageRevision.id)
    )
    return list(rows)


def _revisions_of(rt: Runtime, message_id: int) -> list[str]:
    with rt.transaction() as s:
        return _revisions(s, message_id)


def _captured(rt: Runtime, channel_pk: int) -> dict[str, CapturedMessage]:
    with rt.transaction() as s:
        return {m.ts: m for m in store.captured_messages(s, channel_pk)}


# --- (channel, ts) is the key ----------------------------------------------------------------------


def test_a_message_stored_twice_is_one_row(rt: Runtime) -> None:
    pk = _channel(rt)
    msg = NewMessage(ts=TS, text="db is down", user_id="U1")
    with rt.transaction() as s:
        first = store.store_message(s, pk, msg, source="live", now=rt.clock())
    with rt.transaction() as s:
        again = store.store_message(s, pk, msg, source="backfill", now=rt.clock())
        count = s.scalar(select(func.count()).select_from(Message))
        stored = _message(s, pk)
    assert (first, again, count) == (True, False, 1)
    assert stored.source == "live"  # the first capture stays the record of how it came
    assert stored.posted_at == datetime(2025, 3, 15, 17, 54, 0, 100, tzinfo=UTC)
    assert _revisions_of(rt, stored.id) == []


def test_the_same_ts_in_another_channel_is_another_message(rt: Runtime) -> None:
    one, other = _channel(rt, "C1", "inc-a"), _channel(rt, "C2", "inc-b")
    with rt.transaction() as s:
        assert store.store_message(s, one, NewMessage(ts=TS, text="a"), source="live", now=rt.clock())
        assert store.store_message(s, other, NewMessage(ts=TS, text="b"), source="live", now=rt.clock())
    assert _captured(rt, one)[TS].text == "a"
    assert _captured(rt, other)[TS].text == "b"


def test_store_messages_counts_only_the_new_ones(rt: Runtime) -> None:
    pk = _channel(rt)
    page = [NewMessage(ts=TS, text="a"), NewMessage(ts=LATER, text="b")]
    with rt.transaction() as s:
        assert store.store_messages(s, pk, page[:1], source="live", now=rt.clock()) == 1
    with rt.transaction() as s:
        assert store.store_messages(s, pk, page, source="backfill", now=rt.clock()) == 1
    assert sorted(_captured(rt, pk)) == [TS, LATER]


# --- edits and deletes lose nothing ------------------------------------------------------------------


def test_edits_keep_every_earlier_text_as_a_revision(rt: Runtime, clock: FrozenClock) -> None:
    pk = _channel(rt)
    edited_at = datetime(2025, 3, 15, 18, 1, tzinfo=UTC)
    with rt.transaction() as s:
        store.store_message(s, pk, NewMessage(ts=TS, text="rollback at 14:10"), source="live", now=rt.clock())
    for text in ("rollback at 14:12", "rollback at 14:12", "rollback done at 14:12"):
        with rt.transaction() as s:
            store.apply_edit(
                s, pk, NewMessage(ts=TS, text=text, edited_at=edited_at), source="live", now=rt.clock()
            )
    with rt.transaction() as s:
        stored = _message(s, pk)
        assert stored.text == "rollback done at 14:12"
        assert stored.edited_at == edited_at
        # the unchanged "edit" added nothing
        assert _revisions(s, stored.id) == ["rollback at 14:10", "rollback at 14:12"]
    clock.advance(minutes=5)  # later than the last edit
    with rt.transaction() as s:
        store.apply_edit(
            s, pk, NewMessage(ts=TS, text="rollback done at 14:13"), source="live", now=rt.clock()
        )
    with rt.transaction() as s:
        assert _message(s, pk).text == "rollback done at 14:13"
        assert _message(s, pk).edited_at == rt.clock()  # an edit without its own time is dated now


def test_a_delete_leaves_a_tombstone_with_the_text(rt: Runtime) -> None:
    pk = _channel(rt)
    with rt.transaction() as s:
        store.store_message(s, pk, NewMessage(ts=TS, text="wrong channel"), source="live", now=rt.clock())
    with rt.transaction() as s:
        first = store.mark_deleted(s, pk, TS, rt.clock())
    with rt.transaction() as s:
        again = store.mark_deleted(s, pk, TS, rt.clock() + timedelta(minutes=5))
        missing = store.mark_deleted(s, pk, LATER, rt.clock())
        stored = _message(s, pk)
    assert (first, again, missing) == (True, False, False)
    assert stored.deleted_at == rt.clock()  # the first delete's time stays
    assert stored.text == "wrong channel"
    assert _captured(rt, pk)[TS].deleted is True


def test_a_backfilled_copy_does_not_bring_a_deleted_message_back(rt: Runtime) -> None:
    pk = _channel(rt)
    with rt.transaction() as s:
        store.store_message(s, pk, NewMessage(ts=TS, text="oops"), source="live", now=rt.clock())
        store.mark_deleted(s, pk, TS, rt.clock())
    with rt.transaction() as s:
        copy = NewMessage(ts=TS, text="oops, edited", reactions={"boom": ("U2",)})
        assert not store.store_message(s, pk, copy, source="backfill", now=rt.clock())
    captured = _captured(rt, pk)[TS]
    assert captured.deleted is True
    assert captured.text == "oops"


# --- reactions ------------------------------------------------------------------------------------


def test_a_mark_goes_when_the_last_reaction_of_its_emoji_goes(rt: Runtime) -> None:
    pk = _channel(rt)
    with rt.transaction() as s:
        store.store_message(s, pk, NewMessage(ts=TS, text="alert"), source="live", now=rt.clock())
        message_id = _message(s, pk).id
    with rt.transaction() as s:
        store.add_reaction(s, message_id, "rotating_light", "U1")
        store.add_reaction(s, message_id, "rotating_light", "U1")  # the same person twice is one
        store.add_reaction(s, message_id, "rotating_light", "U2")
        store.add_reaction(s, message_id, "eyes", "U2")
    assert _captured(rt, pk)[TS].reactions == {"rotating_light", "eyes"}

    with rt.transaction() as s:
        store.remove_reaction(s, message_id, "rotating_light", "U1")
    assert _captured(rt, pk)[TS].reactions == {"rotating_light", "eyes"}  # U2's is still there

    with rt.transaction() as s:
        store.remove_reaction(s, message_id, "rotating_light", "U2")
        store.remove_reaction(s, message_id, "boom", "U2")  # never there: nothing happens
    assert _captured(rt, pk)[TS].reactions == {"eyes"}


def test_a_backfilled_copy_brings_what_happened_while_the_bot_was_away(rt: Runtime) -> None:
    pk = _channel(rt)
    with rt.transaction() as s:
        live = NewMessage(ts=TS, text="deploy started at 14:10", user_id="U1")
        store.store_message(s, pk, live, source="live", now=rt.clock())
        store.add_reaction(s, _message(s, pk).id, "eyes", "U3")
    edited_at = datetime(2025, 3, 15, 18, 30, tzinfo=UTC)
    copy = NewMessage(
        ts=TS,
        text="deploy started at 14:02",
        user_id="U1",
        pinned=True,
        reply_count=4,
        edited_at=edited_at,
        reactions={"boom": ("U2", "U4"), "pushpin": ()},
    )
    with rt.transaction() as s:
        assert not store.store_message(s, pk, copy, source="backfill", now=rt.clock())
    with rt.transaction() as s:
        stored = _message(s, pk)
        assert (stored.text, stored.edited_at, stored.pinned, stored.reply_count) == (
            "deploy started at 14:02",
            edited_at,
            True,
            4,
        )
        assert _revisions(s, stored.id) == ["deploy started at 14:10"]
        who = set(s.execute(select(Reaction.name, Reaction.user_id).where(Reaction.message_id == stored.id)))
    # Slack's reactions array is the whole truth: the :eyes: removed while away is gone
    assert who == {("boom", "U2"), ("boom", "U4"), ("pushpin", "unknown")}


def test_a_copy_that_says_nothing_about_reactions_keeps_them_and_one_saying_none_clears_them(
    rt: Runtime,
) -> None:
    pk = _channel(rt)
    with rt.transaction() as s:
        store.store_message(s, pk, NewMessage(ts=TS, text="a", pinned=True), source="live", now=rt.clock())
        store.add_reaction(s, _message(s, pk).id, "boom", "U2")
    with rt.transaction() as s:
        # a reply page without `reactions`, an older copy that is not pinned and has fewer replies
        store.store_message(
            s, pk, NewMessage(ts=TS, text="a", reactions=None), source="backfill", now=rt.clock()
        )
    captured = _captured(rt, pk)[TS]
    assert captured.reactions == {"boom"}
    assert captured.pinned is True

    with rt.transaction() as s:  # one that says there are none clears them
        store.store_message(
            s, pk, NewMessage(ts=TS, text="a", reactions={}), source="backfill", now=rt.clock()
        )
    assert _captured(rt, pk)[TS].reactions == frozenset()


def test_set_pinned_pins_and_unpins(rt: Runtime) -> None:
    pk = _channel(rt)
    with rt.transaction() as s:
        store.store_message(s, pk, NewMessage(ts=TS, text="a"), source="live", now=rt.clock())
    with rt.transaction() as s:
        assert store.set_pinned(s, pk, TS, True)
        assert not store.set_pinned(s, pk, LATER, True)
    assert _captured(rt, pk)[TS].pinned is True
    with rt.transaction() as s:
        store.set_pinned(s, pk, TS, False)
    assert _captured(rt, pk)[TS].pinned is False


# --- what the timeline reads --------------------------------------------------------------------------


def test_captured_messages_round_trip_every_field(rt: Runtime) -> None:
    pk = _channel(rt)
    other = _channel(rt, "C2", "inc-other")
    parent = NewMessage(ts=TS, text="<@U2> look", user_id="U1", thread_ts=TS, reply_count=1)
    reply = NewMessage(ts=LATER, text="on it", user_id="U2", thread_ts=TS, files=("graph.png", "log.txt"))
    alert = NewMessage(
        ts="1742061360.000300",
        text="p99 > 2s",
        author_name="Grafana",
        subtype="bot_message",
        bot_id="B9",
        reactions={"rotating_light": ("U1",)},
        pinned=True,
    )
    with rt.transaction() as s:
        store.store_messages(s, pk, [parent, reply, alert], source="backfill", now=rt.clock())
        store.store_message(
            s, other, NewMessage(ts="1.000001", text="elsewhere"), source="live", now=rt.clock()
        )
        store.mark_deleted(s, pk, LATER, rt.clock())
    assert _captured(rt, pk) == {
        # a parent's own ts as thread_ts is stored as "not a reply"
        TS: CapturedMessage(ts=TS, text="<@U2> look", user_id="U1", thread_ts=None),
        LATER: CapturedMessage(
            ts=LATER, text="on it", user_id="U2", thread_ts=TS, files=("graph.png", "log.txt"), deleted=True
        ),
        "1742061360.000300": CapturedMessage(
            ts="1742061360.000300",
            text="p99 > 2s",
            author_name="Grafana",
            subtype="bot_message",
            bot_id="B9",
            reactions=frozenset({"rotating_light"}),
            pinned=True,
        ),
    }


def test_thread_reply_counts_count_stored_replies_per_thread(rt: Runtime) -> None:
    pk = _channel(rt)
    messages = [
        NewMessage(ts="100.000001", text="parent", thread_ts="100.000001", reply_count=2),
        NewMessage(ts="100.000002", text="r1", thread_ts="100.000001"),
        NewMessage(ts="100.000003", text="r2", thread_ts="100.000001"),
        NewMessage(ts="200.000001", text="lonely"),
        NewMessage(ts="300.000001", text="other parent", thread_ts="300.000001"),
        NewMessage(ts="300.000002", text="r", thread_ts="300.000001"),
    ]
    with rt.transaction() as s:
        store.store_messages(s, pk, messages, source="backfill", now=rt.clock())
        assert store.thread_reply_counts(s, pk) == {"100.000001": 2, "300.000001": 1}
