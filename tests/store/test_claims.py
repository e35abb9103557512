"""The one claim mechanism (bot/store/claims.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.runtime import Runtime
from bot.store import claims
from bot.store.claims import ClaimKey, ClaimKind
from bot.store.models import Claim

LEASE = timedelta(minutes=10)
WEEKLY = ClaimKey(ClaimKind.REMINDER_CHANNEL, "1", "2025-W12")


def test_a_claim_is_won_once_released_on_failure_and_never_retaken_once_done(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as session:
        assert claims.claim(session, WEEKLY, now=now, lease=LEASE)
    with rt.transaction() as session:
        assert not claims.claim(session, WEEKLY, now=now, lease=LEASE)  # held
        assert claims.claim(session, WEEKLY, now=now + LEASE * 2, lease=LEASE)  # the holder died
    with rt.transaction() as session:
        claims.release(session, WEEKLY, error="ratelimited")
        assert claims.subjects(session, [ClaimKind.REMINDER_CHANNEL], "2025-W12", done=False) == {
            ("reminder.channel", "1")
        }
    with rt.transaction() as session:
        assert claims.claim(session, WEEKLY, now=now, lease=LEASE)  # released: retried at once
        claims.mark_done(session, WEEKLY, now=now)
    with rt.transaction() as session:
        assert not claims.claim(session, WEEKLY, now=now + timedelta(days=1), lease=LEASE)
        assert claims.is_done(session, WEEKLY)
        assert claims.subjects(session, [ClaimKind.REMINDER_CHANNEL], "2025-W12", done=True) == {
            ("reminder.channel", "1")
        }
        (claim,) = session.scalars(select(Claim)).all()
        assert claim.attempts == 3 and claim.last_error is None


def test_keys_differ_by_kind_subject_and_period(rt: Runtime) -> None:
    keys = [
        WEEKLY,
        ClaimKey(ClaimKind.REMINDER_CHANNEL, "1", "2025-W13"),  # next week
        ClaimKey(ClaimKind.REMINDER_CHANNEL, "2", "2025-W12"),  # another channel
        ClaimKey(ClaimKind.ANNOUNCEMENT, "1"),  # another kind of message
    ]
    with rt.transaction() as session:
        assert all(claims.claim(session, key, now=rt.clock()) for key in keys)
    with rt.transaction() as session:
        assert not any(claims.claim(session, key, now=rt.clock()) for key in keys)
