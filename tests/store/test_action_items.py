"""The action-item repository, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from bot.domain import action_items as ai
from bot.runtime import Runtime
from bot.store import action_items as store
from tests.factories import make_channel, make_item


def test_items_redates_and_counts(rt: Runtime) -> None:
    pk = make_channel(rt).pk
    item_id = make_item(rt, pk, owner="U1", priority=ai.Priority.P1, due=date(2025, 3, 20))
    with rt.transaction() as session:
        store.add_redate(
            session, item_id, to_on=date(2025, 3, 27), reason="slipped", by_user_id="U1", now=rt.clock()
        )
        store.add_redate(
            session, item_id, to_on=date(2025, 4, 3), reason="again", by_user_id="U1", now=rt.clock()
        )
        store.count_seen(session, [item_id])
    with rt.transaction() as session:
        row = store.row(session, item_id)
        assert row is not None
        assert (row.due_on, row.redates, row.reminders_seen, row.channel_id) == (date(2025, 4, 3), 2, 1, "C1")
        assert (row.priority, row.status) == (ai.Priority.P1, ai.ItemStatus.OPEN)
        assert [r.reason for r in store.redates(session, item_id)] == ["slipped", "again"]
        assert store.open_count(session, pk) == 1
        assert [r.id for r in store.open_for_owner(session, "U1")] == [item_id]
        assert [r.id for r in store.for_reminders(session)] == [item_id]
        store.set_status(
            session,
            item_id,
            ai.ItemStatus.DONE,
            done_on=date(2025, 4, 1),
            wont_do_reason=None,
            now=rt.clock(),
        )
    with rt.transaction() as session:
        assert store.for_reminders(session) == []  # a channel with nothing open is not read
        row = store.row(session, item_id)
        assert row is not None and (row.status, row.done_on) == (ai.ItemStatus.DONE, date(2025, 4, 1))
