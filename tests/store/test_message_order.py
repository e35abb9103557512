"""The record ends the same whatever order Slack's events arrive in (bot/store/messages.apply).

After downtime, retries and backfill interleave: a delete can come before the message it deletes,
an edit before its original, an old copy after a newer edit. Every permutation of a small case is
applied, each to its own channel, on SQLite and PostgreSQL, and each must end in the same record.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.domain.messages import MessageChange, MessageDeleted, MessageEdited, NewMessage, Source
from bot.runtime import Runtime
from bot.store import messages as store
from bot.store.models import Message, MessageRevision, Reaction
from tests.factories import make_channel

TS = "1742061240.000100"  # 2025-03-15 17:54:00 UTC
POSTED = datetime(2025, 3, 15, 17, 54, tzinfo=UTC)
FIRST_EDIT, SECOND_EDIT = POSTED + timedelta(minutes=1), POSTED + timedelta(minutes=2)

ORIGINAL = NewMessage(ts=TS, text="rollback at 14:10", user_id="U1")
EDIT_1 = MessageEdited(NewMessage(ts=TS, text="rollback at 14:12", user_id="U1", edited_at=FIRST_EDIT))
EDIT_2 = MessageEdited(NewMessage(ts=TS, text="rollback done at 14:12", user_id="U1", edited_at=SECOND_EDIT))
DELETE = MessageDeleted(TS)
OLD_COPY = NewMessage(ts=TS, text="rollback at 14:12", user_id="U1", edited_at=FIRST_EDIT)  # a stale backfill


@dataclass(frozen=True)
class Reacted:
    emoji: str
    user: str


Event = MessageChange | Reacted
BOOM = Reacted("boom", "U2")


@dataclass(frozen=True)
class Record:
    """What the record says about the message, as a person would check it."""

    text: str
    edited_at: datetime | None
    versions: frozenset[str]  # every text it ever had, current one included
    deleted: bool
    pending: bool
    user_id: str | None
    reactions: frozenset[tuple[str, str]]
    on_timeline: bool


def _apply(rt: Runtime, channel_pk: int, events: Sequence[Event]) -> None:
    for event in events:  # one transaction each, as they arrive
        with rt.transaction() as s:
            if isinstance(event, Reacted):
                store.add_reaction_at(s, channel_pk, TS, event.emoji, event.user, rt.clock())
            else:
                source = Source.BACKFILL if event is OLD_COPY else Source.LIVE
                store.apply(s, channel_pk, event, source=source, now=rt.clock())


def _record(rt: Runtime, channel_pk: int) -> Record:
    with rt.transaction() as s:
        row = s.scalars(select(Message).where(Message.channel_pk == channel_pk, Message.ts == TS)).one()
        revisions = set(s.scalars(select(MessageRevision.text).where(MessageRevision.message_id == row.id)))
        reactions = {
            (r.name, r.user_id) for r in s.scalars(select(Reaction).where(Reaction.message_id == row.id))
        }
        shown = [m for m in store.captured_messages(s, channel_pk) if m.ts == TS and not m.deleted]
        return Record(
            text=row.text,
            edited_at=row.edited_at,
            versions=frozenset(revisions | {row.text}),
            deleted=row.deleted_at is not None,
            pending=row.pending,
            user_id=row.user_id,
            reactions=frozenset(reactions),
            on_timeline=bool(shown),
        )


RIGHT = Record(
    text="rollback done at 14:12",
    edited_at=SECOND_EDIT,
    versions=frozenset({"rollback at 14:10", "rollback at 14:12", "rollback done at 14:12"}),
    deleted=True,
    pending=False,
    user_id="U1",
    reactions=frozenset({("boom", "U2")}),
    on_timeline=False,
)


def _each_in_its_own_channel(rt: Runtime) -> Callable[[], int]:
    numbers = itertools.count(1)
    return lambda: make_channel(rt, f"C{next(numbers):05d}", "inc-db").pk


def test_every_order_of_message_edits_delete_and_reaction_ends_the_same(rt: Runtime) -> None:
    new_channel = _each_in_its_own_channel(rt)
    wrong = {}
    for order in itertools.permutations([ORIGINAL, EDIT_1, EDIT_2, DELETE, BOOM]):
        pk = new_channel()
        _apply(rt, pk, order)
        if (got := _record(rt, pk)) != RIGHT:
            wrong[tuple(type(e).__name__ for e in order)] = got
    assert wrong == {}, f"{len(wrong)} of 120 orders end differently, e.g. {next(iter(wrong.items()))}"


def test_without_the_delete_the_newest_edit_is_on_the_timeline_in_every_order(rt: Runtime) -> None:
    new_channel = _each_in_its_own_channel(rt)
    for order in itertools.permutations([ORIGINAL, EDIT_1, EDIT_2, BOOM]):
        pk = new_channel()
        _apply(rt, pk, order)
        got = _record(rt, pk)
        assert (got.text, got.deleted, got.on_timeline, got.versions) == (
            RIGHT.text,
            False,
            True,
            RIGHT.versions,
        )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from([ORIGINAL, EDIT_1, EDIT_2, DELETE, BOOM, OLD_COPY]), min_size=0, max_size=6
    ).flatmap(lambda extra: st.permutations([ORIGINAL, EDIT_1, EDIT_2, DELETE, BOOM, *extra]))
)
def test_redeliveries_and_stale_copies_change_nothing(rt: Runtime, events: list[Event]) -> None:
    """Slack redelivers and backfill re-reads: any event seen again, and an old copy arriving after
    a newer edit, in any order, leave the same record."""
    pk = make_channel(rt, f"C{abs(hash(tuple(map(repr, events)))) % 10**9:09d}", "inc-db").pk
    _apply(rt, pk, events)
    assert _record(rt, pk) == RIGHT


@dataclass(frozen=True)
class ReactionEvent:
    """reaction_added / reaction_removed, at the time Slack says it happened."""

    added: bool
    at: datetime


ADD, REMOVE, ADD_AGAIN = (
    ReactionEvent(True, POSTED + timedelta(minutes=3)),
    ReactionEvent(False, POSTED + timedelta(minutes=4)),
    ReactionEvent(True, POSTED + timedelta(minutes=5)),
)


def _react(rt: Runtime, channel_pk: int, events: Sequence[ReactionEvent]) -> frozenset[str]:
    """Apply the events after the message is stored; the marks the timeline then sees."""
    with rt.transaction() as s:
        store.apply(s, channel_pk, ORIGINAL, source=Source.LIVE, now=rt.clock())
    for event in events:
        with rt.transaction() as s:
            found = store.message_id(s, channel_pk, TS)
            assert found is not None
            if event.added:
                store.add_reaction(s, found, "white_check_mark", "U2", event.at)
            else:
                store.remove_reaction(s, found, "white_check_mark", "U2", event.at)
    with rt.transaction() as s:
        (shown,) = store.captured_messages(s, channel_pk)
        return shown.reactions


def test_a_reaction_ends_as_the_latest_add_or_remove_says_in_any_order(rt: Runtime) -> None:
    """A removal processed before its add (Slack retried the add) must not leave the mark standing."""
    new_channel = _each_in_its_own_channel(rt)
    for order in itertools.permutations([ADD, REMOVE]):
        assert _react(rt, new_channel(), order) == frozenset(), order
    for order in itertools.permutations([ADD, REMOVE, ADD_AGAIN]):
        assert _react(rt, new_channel(), order) == {"white_check_mark"}, order
