"""Postmortems, their list entries, and one-time channel notices. The caller owns the transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.store.db import insert_or_ignore
from bot.store.models import ActionItem, ChannelNotice, Postmortem, PostmortemEntry

OPEN_STATUSES = ("open", "in_progress")
URGENT_PRIORITIES = ("P0", "P1")


def for_channel(session: Session, channel_pk: int) -> Postmortem | None:
    return session.scalars(select(Postmortem).where(Postmortem.channel_pk == channel_pk)).one_or_none()


def create(
    session: Session,
    *,
    channel_pk: int,
    title: str,
    lead_user_id: str | None,
    started_by: str | None,
    now: datetime,
) -> tuple[Postmortem, bool]:
    """The channel's postmortem; created by this call (True) or already there (False).

    One per channel, decided by the unique key: `/postmortem start` racing the 24-hour auto-open,
    or two replicas, make one postmortem.
    """
    created = insert_or_ignore(
        session,
        Postmortem,
        {
            "channel_pk": channel_pk,
            "title": title,
            "status": "draft",
            "lead_user_id": lead_user_id,
            "started_by": started_by,
            "summary": "",
            "impact": "",
            "root_cause": "",
            "root_cause_flagged": False,
            "reply_ts": {},
            "created_at": now,
            "updated_at": now,
        },
        ["channel_pk"],
    )
    postmortem = for_channel(session, channel_pk)
    assert postmortem is not None
    return postmortem, created


def add_entry(
    session: Session,
    postmortem: Postmortem,
    *,
    section: str,
    text: str,
    author_user_id: str | None,
    now: datetime,
    category: str | None = None,
) -> PostmortemEntry:
    entry = PostmortemEntry(
        postmortem_id=postmortem.id,
        section=section,
        category=category,
        text=text,
        author_user_id=author_user_id,
        created_at=now,
    )
    session.add(entry)
    postmortem.updated_at = now
    session.flush()
    return entry


def entries(session: Session, postmortem_id: int) -> list[PostmortemEntry]:
    return list(
        session.scalars(
            select(PostmortemEntry)
            .where(PostmortemEntry.postmortem_id == postmortem_id)
            .order_by(PostmortemEntry.id)
        )
    )


def claim_escalation(session: Session, postmortem_id: int, now: datetime) -> bool:
    """True for exactly one caller: the one that may post the 48-hour escalation."""
    result = session.execute(
        update(Postmortem)
        .where(Postmortem.id == postmortem_id, Postmortem.escalated_at.is_(None))
        .values(escalated_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def claim_notice(session: Session, channel_pk: int, kind: str, now: datetime) -> bool:
    """True for exactly one caller: the one that may send this channel's one-time notice."""
    return insert_or_ignore(
        session,
        ChannelNotice,
        {"channel_pk": channel_pk, "kind": kind, "claimed_at": now},
        ["channel_pk", "kind"],
    )


def all_postmortems(session: Session) -> list[Postmortem]:
    return list(session.scalars(select(Postmortem).order_by(Postmortem.id)))


def action_item_stats(session: Session, channel_pk: int) -> tuple[int, bool]:
    """(how many items are still open, whether any P0/P1 item exists that is not abandoned)."""
    open_count = session.scalar(
        select(func.count())
        .select_from(ActionItem)
        .where(ActionItem.channel_pk == channel_pk, ActionItem.status.in_(OPEN_STATUSES))
    )
    urgent = session.scalar(
        select(func.count())
        .select_from(ActionItem)
        .where(
            ActionItem.channel_pk == channel_pk,
            ActionItem.priority.in_(URGENT_PRIORITIES),
            ActionItem.status != "wont_do",
        )
    )
    return int(open_count or 0), bool(urgent)


def release_escalation(session: Session, postmortem_id: int) -> None:
    """The escalation could not be posted: let a later sweep try again."""
    session.execute(update(Postmortem).where(Postmortem.id == postmortem_id).values(escalated_at=None))


def release_notice(session: Session, channel_pk: int, kind: str) -> None:
    """The notice could not be sent: let a later sweep try again."""
    session.execute(
        delete(ChannelNotice).where(ChannelNotice.channel_pk == channel_pk, ChannelNotice.kind == kind)
    )


def mark_notice_sent(session: Session, channel_pk: int, kind: str, now: datetime) -> None:
    session.execute(
        update(ChannelNotice)
        .where(ChannelNotice.channel_pk == channel_pk, ChannelNotice.kind == kind)
        .values(sent_at=now)
    )
