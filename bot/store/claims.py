"""The one "claim → perform → mark done / release, with a lease" mechanism for everything sent once.

A claim is a row keyed (kind, subject, period). `claim` returns True for exactly one caller, across
threads, processes and replicas (the unique key and a guarded UPDATE decide, not the caller):
- the first claim inserts the row;
- a row not yet done can be claimed again once nobody holds it: it was released after a failure,
  or its holder's lease ran out (the process died mid-send);
- a done row never again.
The caller owns the transaction; services/once.py runs the whole sequence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, and_, cast, exists, or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import insert_or_ignore
from bot.store.models import Claim

DEFAULT_LEASE = timedelta(minutes=10)


class ClaimKind(StrEnum):
    """What is sent at most once, and what its subject is."""

    ANNOUNCEMENT = "announcement"  # "I'm recording this channel" (subject: channel pk)
    POSTMORTEM_THREAD = "postmortem_thread"  # the thread's parent and replies (subject: postmortem id)
    POSTMORTEM_LINK = "postmortem_link"  # its link in POSTMORTEM_CHANNEL (subject: postmortem id)
    AUTO_OPEN = "auto_open"  # the 48-hour rule opened it (subject: channel pk)
    ASK_WANTED = "ask_wanted"  # "is a postmortem wanted?" (subject: channel pk)
    ESCALATION = "escalation"  # the 48-hour escalation in the channel (subject: postmortem id)
    ESCALATION_COPY = "escalation_copy"  # its copy in POSTMORTEM_CHANNEL (subject: postmortem id)
    RULE_NOT_APPLICABLE = "rule_not_applicable"  # resolved long before the bot knew (subject: channel pk)
    REMINDER_CHANNEL = "reminder.channel"  # weekly, in the channel (subject: channel pk; period: week)
    REMINDER_CHANNEL_DM = "reminder.channel-dm"  # an archived channel's, by DM ("<pk>:<owner>"; week)
    REMINDER_OWNER = "reminder.owner"  # an owner's overdue items, by DM (subject: user id; week)


@dataclass(frozen=True)
class ClaimKey:
    kind: ClaimKind
    subject: str
    period: str = ""

    def _where(self) -> Any:
        return and_(Claim.kind == self.kind.value, Claim.subject == self.subject, Claim.period == self.period)


def claim(session: Session, key: ClaimKey, *, now: datetime, lease: timedelta = DEFAULT_LEASE) -> bool:
    """True for exactly one caller: the one that may send `key` now."""
    values = {
        "kind": key.kind.value,
        "subject": key.subject,
        "period": key.period,
        "claimed_at": now,
        "attempts": 1,
    }
    if insert_or_ignore(session, Claim, values, ["kind", "subject", "period"]):
        return True
    result = session.execute(
        update(Claim)
        .where(
            key._where(),
            Claim.done_at.is_(None),
            or_(Claim.claimed_at.is_(None), Claim.claimed_at < now - lease),
        )
        .values(claimed_at=now, attempts=Claim.attempts + 1)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def mark_done(session: Session, key: ClaimKey, *, now: datetime) -> None:
    session.execute(update(Claim).where(key._where()).values(done_at=now, last_error=None))


def release(session: Session, key: ClaimKey, *, error: str) -> None:
    """The send failed: unclaimed and not done, so a later run tries again; the reason is kept."""
    session.execute(
        update(Claim)
        .where(key._where(), Claim.done_at.is_(None))
        .values(claimed_at=None, last_error=error[:255])
    )


def is_done(session: Session, key: ClaimKey) -> bool:
    return session.scalar(select(Claim.id).where(key._where(), Claim.done_at.is_not(None))) is not None


def subjects(
    session: Session, kinds: Iterable[ClaimKind], period: str, *, done: bool
) -> set[tuple[str, str]]:
    """(kind, subject) of the claims of `period` that are done (done=True) or still to do (False)."""
    state = Claim.done_at.is_not(None) if done else Claim.done_at.is_(None)
    rows = session.execute(
        select(Claim.kind, Claim.subject).where(
            Claim.kind.in_([k.value for k in kinds]), Claim.period == period, state
        )
    )
    return {(kind, subject) for kind, subject in rows}


def done_exists(kind: ClaimKind, subject: Any) -> Any:
    """For other repositories' queries: EXISTS a done one-off claim of `kind` whose subject is the
    given id column (compared as text)."""
    return exists().where(
        Claim.kind == kind.value,
        Claim.subject == cast(subject, String),
        Claim.period == "",
        Claim.done_at.is_not(None),
    )


def held_exists(kinds: Iterable[ClaimKind], subject: Any) -> Any:
    """EXISTS a one-off claim of one of `kinds` for `subject` that is done or currently held."""
    return exists().where(
        Claim.kind.in_([k.value for k in kinds]),
        Claim.subject == cast(subject, String),
        Claim.period == "",
        or_(Claim.done_at.is_not(None), Claim.claimed_at.is_not(None)),
    )
