"""The one "claim → perform → mark done / release, with a lease" mechanism for everything sent once.

A claim is a row keyed (kind, subject, period). `claim` holds it for exactly one caller, across
threads, processes and replicas (the unique key and a guarded UPDATE decide, not the caller):
- the first claim inserts the row;
- a row not yet done can be claimed again once nobody holds it: it was released after a failure
  (and its backoff, `next_attempt_at`, has passed, unless the caller retries now), or its holder's
  lease ran out (the process died mid-send: it may have posted, so the claim becomes unconfirmed);
- a done row never again.
The caller owns the transaction; services/once.py runs the whole sequence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import String, and_, case, cast, exists, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.db import insert_or_ignore
from bot.store.models import Claim

DEFAULT_LEASE = timedelta(minutes=10)


class ClaimKind(StrEnum):
    """What is sent at most once, and what its subject is."""

    ANNOUNCEMENT = "announcement"  # "I'm recording this channel" (subject: channel pk)
    POSTMORTEM_THREAD = "postmortem_thread"  # the thread's parent message (subject: postmortem id)
    POSTMORTEM_TIMELINE = "postmortem_timeline"  # its timeline reply (subject: postmortem id)
    POSTMORTEM_PROMPTS = "postmortem_prompts"  # its guiding-questions reply (subject: postmortem id)
    POSTMORTEM_LINK = "postmortem_link"  # its link in POSTMORTEM_CHANNEL (subject: postmortem id)
    AUTO_OPEN = "auto_open"  # the 48-hour rule opened it (subject: channel pk)
    ASK_WANTED = "ask_wanted"  # "is a postmortem wanted?" (subject: channel pk)
    ESCALATION = "escalation"  # the 48-hour escalation in the channel (subject: postmortem id)
    ESCALATION_COPY = "escalation_copy"  # its copy in POSTMORTEM_CHANNEL (subject: postmortem id)
    RULE_NOT_APPLICABLE = "rule_not_applicable"  # resolved long before the bot knew (subject: channel pk)
    REMINDER_CHANNEL = "reminder.channel"  # weekly, in the channel (subject: channel pk; period: week)
    REMINDER_CHANNEL_DM = "reminder.channel-dm"  # an archived channel's, by DM ("<pk>:<owner>"; week)
    REMINDER_OWNER = "reminder.owner"  # an owner's overdue items, by DM (subject: user id; week)
    REPORT = "report"  # a person told that a post keeps failing (subject: that claim's id)


@dataclass(frozen=True)
class ClaimKey:
    kind: ClaimKind
    subject: str
    period: str = ""

    def _where(self) -> Any:
        return and_(Claim.kind == self.kind.value, Claim.subject == self.subject, Claim.period == self.period)

    @property
    def label(self) -> str:
        """`kind:subject:period`, as a post made under it names it in Slack."""
        return f"{self.kind.value}:{self.subject}:{self.period}"


@dataclass(frozen=True)
class Held:
    """A claim this caller now holds: its row id, which attempt this is, when it was taken, and since
    when an earlier attempt may have posted without the bot hearing so (None: none may have)."""

    id: int
    attempts: int
    claimed_at: datetime
    unconfirmed_at: datetime | None


@dataclass(frozen=True)
class ClaimRow:
    """A claim as the retry sweep sees it."""

    id: int
    key: ClaimKey
    attempts: int
    last_error: str | None
    done: bool


def claim(
    session: Session,
    key: ClaimKey,
    *,
    now: datetime,
    lease: timedelta = DEFAULT_LEASE,
    retry_now: bool = False,
) -> Held | None:
    """The claim, held, for exactly one caller: the one that may send `key` now (None for others).

    A claim released after a failure waits for its backoff unless `retry_now` (a person asked again).
    A claim taken over from a holder whose lease ran out becomes unconfirmed from that holder's start.
    """
    values = {
        "kind": key.kind.value,
        "subject": key.subject,
        "period": key.period,
        "claimed_at": now,
        "attempts": 1,
    }
    if not insert_or_ignore(session, Claim, values, ["kind", "subject", "period"]):
        free = or_(Claim.claimed_at.is_(None), Claim.claimed_at < now - lease)
        due = or_(Claim.next_attempt_at.is_(None), Claim.next_attempt_at <= now)
        result = session.execute(
            update(Claim)
            .where(key._where(), Claim.done_at.is_(None), free, *(() if retry_now else (due,)))
            .values(
                claimed_at=now,
                attempts=Claim.attempts + 1,
                unconfirmed_at=case(
                    (Claim.claimed_at.is_not(None), func.coalesce(Claim.unconfirmed_at, Claim.claimed_at)),
                    else_=Claim.unconfirmed_at,
                ),
            )
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            return None
    row = session.execute(select(Claim.id, Claim.attempts, Claim.unconfirmed_at).where(key._where())).one()
    return Held(int(row.id), int(row.attempts), now, row.unconfirmed_at)


def mark_done(session: Session, key: ClaimKey, *, now: datetime) -> None:
    session.execute(
        update(Claim).where(key._where()).values(done_at=now, last_error=None, next_attempt_at=None)
    )


def release(
    session: Session,
    key: ClaimKey,
    *,
    error: str,
    retry_at: datetime | None = None,
    unconfirmed: bool = False,
) -> None:
    """The send failed: unclaimed and not done, so a run from `retry_at` on (None: any run) tries
    again; the reason is kept. `unconfirmed`: the attempt may have posted (its answer was lost), so
    the next one looks in Slack first, from this attempt's start on."""
    values: dict[str, Any] = {"claimed_at": None, "last_error": error[:255], "next_attempt_at": retry_at}
    if unconfirmed:
        values["unconfirmed_at"] = func.coalesce(Claim.unconfirmed_at, Claim.claimed_at)
    session.execute(update(Claim).where(key._where(), Claim.done_at.is_(None)).values(**values))


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


def _row(claim: Claim) -> ClaimRow:
    key = ClaimKey(ClaimKind(claim.kind), claim.subject, claim.period)
    return ClaimRow(claim.id, key, claim.attempts, claim.last_error, claim.done_at is not None)


def by_id(session: Session, claim_id: int) -> ClaimRow | None:
    found = session.get(Claim, claim_id)
    return None if found is None or found.kind not in set(ClaimKind) else _row(found)


def pending(session: Session, kinds: Iterable[ClaimKind], subject: str, period: str = "") -> set[ClaimKind]:
    """Which of `kinds` have a claim for `subject` that exists and is not done (tried, not yet sent)."""
    rows = session.scalars(
        select(Claim.kind).where(
            Claim.kind.in_([k.value for k in kinds]),
            Claim.subject == subject,
            Claim.period == period,
            Claim.done_at.is_(None),
        )
    )
    return {ClaimKind(kind) for kind in rows}


def due(
    session: Session, kinds: Iterable[ClaimKind], *, now: datetime, lease: timedelta = DEFAULT_LEASE
) -> list[ClaimRow]:
    """Claims of `kinds` not done, held by nobody (or by a holder whose lease ran out) and past their
    backoff: what a retry sweep may try now, oldest first."""
    rows = session.scalars(
        select(Claim)
        .where(
            Claim.kind.in_([k.value for k in kinds]),
            Claim.done_at.is_(None),
            or_(Claim.claimed_at.is_(None), Claim.claimed_at < now - lease),
            or_(Claim.next_attempt_at.is_(None), Claim.next_attempt_at <= now),
        )
        .order_by(Claim.id)
    )
    return [_row(c) for c in rows]


def failing(session: Session, *, failed_at_least: int) -> list[ClaimRow]:
    """Claims not done after `failed_at_least` failed attempts whose failure no person has been told
    of yet (no done REPORT claim names them); reports themselves are never reported, nor claims
    that failed before failures had a backoff (an old week's reminder from before migration 0009)."""
    told = select(Claim.subject).where(Claim.kind == ClaimKind.REPORT.value, Claim.done_at.is_not(None))
    rows = session.scalars(
        select(Claim)
        .where(
            Claim.kind.in_([k.value for k in ClaimKind if k is not ClaimKind.REPORT]),
            Claim.done_at.is_(None),
            Claim.claimed_at.is_(None),
            Claim.attempts >= failed_at_least,
            Claim.next_attempt_at.is_not(None),
            cast(Claim.id, String).not_in(told),
        )
        .order_by(Claim.id)
    )
    return [_row(c) for c in rows]


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
