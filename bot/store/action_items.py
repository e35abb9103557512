"""Action items, their re-dates, and the claims of weekly reminder sends. The caller owns the transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import insert_or_ignore
from bot.store.models import ActionItem, ActionItemRedate, Channel, Postmortem, ReminderSend

OPEN_STATUSES = ("open", "in_progress")


@dataclass(frozen=True)
class ItemRow:
    """One item with what every use of it needs: its channel and how often it was re-dated."""

    id: int
    channel_pk: int
    channel_id: str
    channel_name: str
    channel_archived: bool
    text: str
    owner_user_id: str
    priority: str
    due_on: date
    status: str
    wont_do_reason: str | None
    created_at: datetime
    done_on: date | None
    redates: int
    reminders_seen: int


def add(
    session: Session,
    *,
    channel_pk: int,
    text: str,
    owner_user_id: str,
    priority: str,
    due_on: date,
    created_by: str,
    now: datetime,
) -> ActionItem:
    item = ActionItem(
        channel_pk=channel_pk,
        text=text,
        owner_user_id=owner_user_id,
        priority=priority,
        due_on=due_on,
        status="open",
        created_by=created_by,
        created_at=now,
        updated_at=now,
        reminders_seen=0,
    )
    session.add(item)
    session.flush()
    return item


def get(session: Session, item_id: int) -> ActionItem | None:
    return session.get(ActionItem, item_id)


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
    return [ItemRow(*row) for row in session.execute(query)]


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
        .where(ActionItem.owner_user_id == owner_user_id, ActionItem.status.in_(OPEN_STATUSES))
        .order_by(ActionItem.due_on, ActionItem.id)
    )
    return _rows(session, query)


def for_reminders(session: Session) -> list[ItemRow]:
    """Every item of every channel that has at least one item still open (one query)."""
    with_open = select(ActionItem.channel_pk).where(ActionItem.status.in_(OPEN_STATUSES)).distinct()
    query = _rows_query().where(ActionItem.channel_pk.in_(with_open))
    return _rows(session, query)


def open_count(session: Session, channel_pk: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(ActionItem)
            .where(ActionItem.channel_pk == channel_pk, ActionItem.status.in_(OPEN_STATUSES))
        )
        or 0
    )


def lead_of(session: Session, channel_pk: int) -> str | None:
    return session.scalar(select(Postmortem.lead_user_id).where(Postmortem.channel_pk == channel_pk))


def add_redate(
    session: Session, item: ActionItem, *, to_on: date, reason: str, by_user_id: str, now: datetime
) -> ActionItemRedate:
    redate = ActionItemRedate(
        item_id=item.id, from_on=item.due_on, to_on=to_on, reason=reason, by_user_id=by_user_id, at=now
    )
    session.add(redate)
    item.due_on = to_on
    item.updated_at = now
    session.flush()
    return redate


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


# --- Claims of weekly reminder sends -----------------------------------------------------------


def claim_send(
    session: Session, *, kind: str, target: str, week: str, now: datetime, lease: timedelta
) -> bool:
    """True for exactly one caller: the one that may post (kind, target, week) now.

    The first claim inserts the row. A row not yet sent can be claimed again once nobody holds it
    (a failed post released it) or its lease ran out (a process died mid-post). A sent row, never.
    """
    values = {"kind": kind, "target": target, "week": week, "claimed_at": now, "attempts": 1}
    if insert_or_ignore(session, ReminderSend, values, ["kind", "target", "week"]):
        return True
    result = session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.kind == kind,
            ReminderSend.target == target,
            ReminderSend.week == week,
            ReminderSend.sent_at.is_(None),
            or_(ReminderSend.claimed_at.is_(None), ReminderSend.claimed_at < now - lease),
        )
        .values(claimed_at=now, attempts=ReminderSend.attempts + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_sent(session: Session, *, kind: str, target: str, week: str, now: datetime) -> None:
    session.execute(
        update(ReminderSend)
        .where(ReminderSend.kind == kind, ReminderSend.target == target, ReminderSend.week == week)
        .values(sent_at=now, last_error=None)
    )


def release(session: Session, *, kind: str, target: str, week: str, error: str) -> None:
    """The post failed: leave the row unsent and unclaimed, so a later sweep tries again."""
    session.execute(
        update(ReminderSend)
        .where(
            ReminderSend.kind == kind,
            ReminderSend.target == target,
            ReminderSend.week == week,
            ReminderSend.sent_at.is_(None),
        )
        .values(claimed_at=None, last_error=error[:255])
    )


def sent_targets(session: Session, week: str) -> set[tuple[str, str]]:
    """(kind, target) of every reminder already sent for `week`."""
    rows = session.execute(
        select(ReminderSend.kind, ReminderSend.target).where(
            ReminderSend.week == week, ReminderSend.sent_at.is_not(None)
        )
    )
    return {(kind, target) for kind, target in rows}


def pending_targets(session: Session, week: str) -> set[tuple[str, str]]:
    """(kind, target) of reminders claimed for `week` but not sent: a retry's work."""
    rows = session.execute(
        select(ReminderSend.kind, ReminderSend.target).where(
            and_(ReminderSend.week == week, ReminderSend.sent_at.is_(None))
        )
    )
    return {(kind, target) for kind, target in rows}


def sends(session: Session) -> Sequence[ReminderSend]:
    return list(session.scalars(select(ReminderSend).order_by(ReminderSend.id)))
