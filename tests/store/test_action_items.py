"""The action-item repository and reminder claims, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from bot.runtime import Runtime
from bot.store import action_items as store
from bot.store import messages as message_store
from bot.store.models import ActionItem

LEASE = timedelta(minutes=10)
KEY = {"kind": "channel", "target": "1", "week": "2025-W12"}


def _channel(rt: Runtime) -> int:
    with rt.transaction() as session:
        return message_store.upsert_channel(session, "T1", "C1", "inc-db", rt.clock()).id


def test_items_redates_and_counts(rt: Runtime) -> None:
    pk = _channel(rt)
    with rt.transaction() as session:
        item = store.add(
            session,
            channel_pk=pk,
            text="Add the alert",
            owner_user_id="U1",
            priority="P1",
            due_on=date(2025, 3, 20),
            created_by="U2",
            now=rt.clock(),
        )
        store.add_redate(
            session, item, to_on=date(2025, 3, 27), reason="slipped", by_user_id="U1", now=rt.clock()
        )
        store.add_redate(
            session, item, to_on=date(2025, 4, 3), reason="again", by_user_id="U1", now=rt.clock()
        )
        store.count_seen(session, [item.id])
    with rt.transaction() as session:
        row = store.row(session, item.id)
        assert row is not None
        assert (row.due_on, row.redates, row.reminders_seen, row.channel_id) == (date(2025, 4, 3), 2, 1, "C1")
        assert [r.reason for r in store.redates(session, item.id)] == ["slipped", "again"]
        assert store.open_count(session, pk) == 1
        assert [r.id for r in store.open_for_owner(session, "U1")] == [item.id]
        assert [r.id for r in store.for_reminders(session)] == [item.id]
        session.get_one(ActionItem, item.id).status = "done"
    with rt.transaction() as session:
        assert store.for_reminders(session) == []  # a channel with nothing open is not read


def test_a_claim_is_won_once_released_on_failure_and_never_retaken_once_sent(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as session:
        assert store.claim_send(session, **KEY, now=now, lease=LEASE)
    with rt.transaction() as session:
        assert not store.claim_send(session, **KEY, now=now, lease=LEASE)  # held
        assert store.claim_send(session, **KEY, now=now + LEASE * 2, lease=LEASE)  # the holder died
    with rt.transaction() as session:
        store.release(session, **KEY, error="ratelimited")
        assert store.pending_targets(session, "2025-W12") == {("channel", "1")}
    with rt.transaction() as session:
        assert store.claim_send(session, **KEY, now=now, lease=LEASE)  # released: retried at once
        store.mark_sent(session, **KEY, now=now)
    with rt.transaction() as session:
        assert not store.claim_send(session, **KEY, now=now + timedelta(days=1), lease=LEASE)
        assert store.sent_targets(session, "2025-W12") == {("channel", "1")}
        (send,) = store.sends(session)
        assert send.attempts == 3 and send.last_error is None
