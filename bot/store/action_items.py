"""Action items and their re-dates. The caller owns the transaction; items come back as ItemRows."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.domain import action_items as ai
from bot.store.models import ActionItem, ActionItemRedate, Channel, Postmortem

_OPEN = [s.value for s in ai.OPEN_STATUSES]


@dataclass(frozen=True)
class ItemRow:
    """One item with what every use of it needs: its channel and how often it was re-dated."""

    id: int
    channel_pk: int
    channel_id: str
    channel_name: str
    channel_archived: bool
    channel_private: bool
    text: str
    owner_user_id: str
    priority: ai.Priority
    due_on: date
    status: ai.ItemStatus
    wont_do_reason: str | None
    created_at: datetime
    done_on: date | None
    redates: int
    reminders_seen: int

    @property
    def item(self) -> ai.Item:
        return ai.Item(
            id=self.id,
            channel=self.channel_id,
            text=self.text,
            owner_id=self.owner_user_id,
            priority=self.priority,
            due_on=self.due_on,
            status=self.status,
            created_on=self.created_at.date(),
            done_on=self.done_on,
            redates=self.redates,
            reminders_seen=self.reminders_seen,
        )


def add(
    session: Session,
    *,
    channel_pk: int,
    text: str,
    owner_user_id: str,
    priority: ai.Priority,
    due_on: date,
    created_by: str,
    now: datetime,
) -> int:
    """A new open item; returns its id."""
    item = ActionItem(
        channel_pk=channel_pk,
        text=text,
        owner_user_id=owner_user_id,
        priority=priority.value,
        due_on=due_on,
        status=ai.ItemStatus.OPEN.value,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        reminders_seen=0,
    )
    session.add(item)
    session.flush()
    return item.id


def _rows_query() -> Any:  # a Select of ItemRow columns
    counts = (
        select(ActionItemRedate.item_id, func.count().label("n"))
        .group_by(ActionItemRedate.item_id)
        .subquery()
    )
    n = func.coalesce(counts.c.n, 0)
    return (
        select(
            ActionItem.id,
            ActionItem.channel_pk,
            Channel.channel_id,
            Channel.name,
            Channel.is_archived,
            Channel.is_private,
            ActionItem.text,
            ActionItem.owner_user_id,
            ActionItem.priority,
            ActionItem.due_on,
            ActionItem.status,
            ActionItem.wont_do_reason,
            ActionItem.created_at,
            ActionItem.done_on,
            n,
            ActionItem.reminders_seen,
        )
        .join(Channel, Channel.id == ActionItem.channel_pk)
        .outerjoin(counts, counts.c.item_id == ActionItem.id)
    )


def _rows(session: Session, query: Any) -> list[ItemRow]:
    return [
        ItemRow(
            id=r[0],
            channel_pk=r[1],
            channel_id=r[2],
            channel_name=r[3],
            channel_archived=r[4],
            channel_private=r[5],
            text=r[6],
            owner_user_id=r[7],
            priority=ai.Priority(r[8]),
            due_on=r[9],
            status=ai.ItemStatus(r[10]),
            wont_do_reason=r[11],
            created_at=r[12],
            done_on=r[13],
            redates=r[14],
            reminders_seen=r[15],
        )
        for r in session.execute(query)
    ]


def row(session: Session, item_id: int) -> ItemRow | None:
    found = _rows(session, _rows_query().where(ActionItem.id == item_id))
    return found[0] if found else None


def for_channel(session: Session, channel_pk: int) -> list[ItemRow]:
    """Every item of one channel, oldest first."""
    query = _rows_query().where(ActionItem.channel_pk == channel_pk).order_by(ActionItem.id)
    return _rows(session, query)


def open_for_owner(session: Session, owner_user_id: str) -> list[ItemRow]:
    """One person's open and in-progress items across every channel."""
    query = (
        _rows_query()
        .where(ActionItem.owner_user_id == owner_user_id, ActionItem.status.in_(_OPEN))
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    return _rows(session, query)


def for_reminders(session: Session) -> list[ItemRow]:
    """Every item of every channel that has at least one item still open (one query)."""
    with_open = select(ActionItem.channel_pk).where(ActionItem.status.in_(_OPEN)).distinct()
    query = _rows_query().where(ActionItem.channel_pk.in_(with_open))
    return _rows(session, query)


def open_count(session: Session, channel_pk: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.channel_pk == channel_pk, ActionItem.status.in_(_OPEN))
        )
        or 0
    )


def lead_of(session: Session, channel_pk: int) -> str | None:
    return session.scalar(select(Postmortem.lead_user_id).where(Postmortem.channel_pk == channel_pk))


def set_status(
    session: Session,
    item_id: int,
    status: ai.ItemStatus,
    *,
    done_on: date | None,
    wont_do_reason: str | None,
    now: datetime,
) -> None:
    session.execute(
        update(ActionItem)
        .where(ActionItem.id == item_id)
        .values(status=status.value, done_on=done_on, wont_do_reason=wont_do_reason, updated_at=now)
    )


def add_redate(
    session: Session, item_id: int, *, to_on: date, reason: str, by_user_id: str, now: datetime
) -> None:
    """Move the due date; the move is kept (from, to, reason, who, when) and counted."""
    item = session.get_one(ActionItem, item_id)
    session.add(
        ActionItemRedate(
            item_id=item_id, from_on=item.due_on, to_on=to_on, reason=reason, by_user_id=by_user_id, at=now
        )
    )
    item.due_on = to_on
    item.updated_at = now
    session.flush()


def redates(session: Session, item_id: int) -> list[ActionItemRedate]:
    return list(
        session.scalars(
            select(ActionItemRedate).where(ActionItemRedate.item_id == item_id).order_by(ActionItemRedate.id)
        )
    )


def count_seen(session: Session, item_ids: Iterable[int]) -> None:
    """These items appeared in one more weekly reminder."""
    ids = list(item_ids)
    for start in range(0, len(ids), 500):
        session.execute(
            update(ActionItem)
            .where(ActionItem.id.in_(ids[start : start + 500]))
            .values(reminders_seen=ActionItem.reminders_seen + 1)
        )
