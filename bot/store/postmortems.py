"""Postmortems and their list entries. The caller owns the transaction; records are plain data."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain import action_items as ai
from bot.domain import postmortem as pmd
from bot.store.claims import ClaimKind, done_exists, held_exists
from bot.store.db import insert_or_ignore
from bot.store.models import ActionItem, Channel, Message, Postmortem, PostmortemEntry, Reaction


@dataclass(frozen=True)
class PostmortemRecord:
    id: int
    channel_pk: int
    title: str
    status: pmd.Status
    severity: pmd.Severity | None
    lead_user_id: str | None
    started_by: str | None
    summary: str
    impact: str
    root_cause: str
    root_cause_flagged: bool
    thread_ts: str | None
    created_at: datetime
    completed_at: datetime | None


@dataclass(frozen=True)
class EntryRecord:
    """One item of a list section (a factor, what went well or poorly, a lesson)."""

    section: pmd.Section
    category: pmd.FactorCategory | None
    text: str


def _record(row: Postmortem) -> PostmortemRecord:
    return PostmortemRecord(
        id=row.id,
        channel_pk=row.channel_pk,
        title=row.title,
        status=pmd.Status(row.status),
        severity=pmd.Severity(row.severity) if row.severity else None,
        lead_user_id=row.lead_user_id,
        started_by=row.started_by,
        summary=row.summary,
        impact=row.impact,
        root_cause=row.root_cause,
        root_cause_flagged=row.root_cause_flagged,
        thread_ts=row.thread_ts,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


def _row(session: Session, channel_pk: int) -> Postmortem | None:
    return session.scalars(select(Postmortem).where(Postmortem.channel_pk == channel_pk)).one_or_none()


def for_channel(session: Session, channel_pk: int) -> PostmortemRecord | None:
    row = _row(session, channel_pk)
    return None if row is None else _record(row)


def by_id(session: Session, postmortem_id: int) -> PostmortemRecord | None:
    row = session.get(Postmortem, postmortem_id)
    return None if row is None else _record(row)


def thread_ts(session: Session, postmortem_id: int) -> str | None:
    """The ts of the postmortem's parent message, once it is known to be in Slack."""
    return session.scalar(select(Postmortem.thread_ts).where(Postmortem.id == postmortem_id))


def create(
    session: Session,
    *,
    channel_pk: int,
    title: str,
    lead_user_id: str | None,
    started_by: str | None,
    severity: pmd.Severity | None,
    now: datetime,
) -> tuple[PostmortemRecord, bool]:
    """The channel's postmortem; created by this call (True) or already there (False).

    One per channel, decided by the unique key: `/postmortem start` racing the 48-hour rule's
    auto-open, or two replicas, make one postmortem.
    """
    created = insert_or_ignore(
        session,
        Postmortem,
        {
            "channel_pk": channel_pk,
            "title": title,
            "status": pmd.Status.DRAFT.value,
            "severity": severity.value if severity else None,
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
    row = _row(session, channel_pk)
    assert row is not None
    return _record(row), created


def update_fields(session: Session, postmortem_id: int, now: datetime, **values: object) -> None:
    """Set columns of the postmortem (title, severity, lead_user_id, summary, impact, root_cause,
    root_cause_flagged, status, completed_at, thread_ts, link_channel_id, link_ts); enums are stored
    by value."""
    stored = {k: (v.value if isinstance(v, pmd.Status | pmd.Severity) else v) for k, v in values.items()}
    session.execute(update(Postmortem).where(Postmortem.id == postmortem_id).values(**stored, updated_at=now))


def add_entry(
    session: Session,
    postmortem_id: int,
    *,
    section: pmd.Section,
    text: str,
    author_user_id: str | None,
    now: datetime,
    category: pmd.FactorCategory | None = None,
) -> None:
    session.add(
        PostmortemEntry(
            postmortem_id=postmortem_id,
            section=section.value,
            category=category.value if category else None,
            text=text,
            author_user_id=author_user_id,
            created_at=now,
        )
    )
    session.execute(update(Postmortem).where(Postmortem.id == postmortem_id).values(updated_at=now))
    session.flush()


def entries(session: Session, postmortem_id: int) -> list[EntryRecord]:
    rows = session.scalars(
        select(PostmortemEntry)
        .where(PostmortemEntry.postmortem_id == postmortem_id)
        .order_by(PostmortemEntry.id)
    )
    return [
        EntryRecord(pmd.Section(e.section), pmd.FactorCategory(e.category) if e.category else None, e.text)
        for e in rows
    ]


def all_postmortems(session: Session) -> list[PostmortemRecord]:
    return [_record(row) for row in session.scalars(select(Postmortem).order_by(Postmortem.id))]


def action_item_stats(session: Session, channel_pk: int) -> tuple[int, bool]:
    """(how many items are still open, whether any P0/P1 item exists that is not abandoned)."""
    open_count = session.scalar(
        select(func.count())
        .select_from(ActionItem)
        .where(
            ActionItem.channel_pk == channel_pk,
            ActionItem.status.in_([s.value for s in ai.OPEN_STATUSES]),
        )
    )
    urgent = session.scalar(
        select(func.count())
        .select_from(ActionItem)
        .where(
            ActionItem.channel_pk == channel_pk,
            ActionItem.priority.in_([ai.Priority.P0.value, ai.Priority.P1.value]),
            ActionItem.status != ai.ItemStatus.WONT_DO.value,
        )
    )
    return int(open_count or 0), bool(urgent)


def awaiting_the_48_hour_rule(
    session: Session, resolution_emojis: Sequence[str], *, copy_escalations: bool
) -> list[int]:
    """Channel pks where the 48-hour rule still has work: watched, a resolution emoji on some
    message, and either no postmortem and no open/ask notice yet, or a postmortem neither complete
    nor escalated (with its copy, when `copy_escalations`). Finished ones drop out here, so a sweep
    does not rebuild every old incident's timeline every few minutes."""
    if not resolution_emojis:
        return []
    named = or_(*(or_(Reaction.name == e, Reaction.name.like(f"{e}::%")) for e in resolution_emojis))
    resolved = select(Message.channel_pk).join(Reaction).where(named)
    postmortem = select(Postmortem.id).where(Postmortem.channel_pk == Channel.id)
    escalated = done_exists(ClaimKind.ESCALATION, Postmortem.id)
    if copy_escalations:
        escalated = escalated & done_exists(ClaimKind.ESCALATION_COPY, Postmortem.id)
    done = postmortem.where(or_(Postmortem.status == pmd.Status.COMPLETE.value, escalated))
    noticed = held_exists((ClaimKind.AUTO_OPEN, ClaimKind.ASK_WANTED), Channel.id)
    rows = session.scalars(
        select(Channel.id)
        .where(
            Channel.watched,
            ~done_exists(ClaimKind.RULE_NOT_APPLICABLE, Channel.id),
            Channel.id.in_(resolved),
            ~done.exists(),
            or_(postmortem.exists(), ~noticed),
        )
        .order_by(Channel.id)
    )
    return list(rows)
