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


def test_a_failed_claim_waits_for_its_backoff_unless_a_person_asks_again(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as session:
        assert claims.claim(session, WEEKLY, now=now, lease=LEASE)
        claims.release(session, WEEKLY, error="not_in_channel", retry_at=now + timedelta(minutes=5))
    with rt.transaction() as session:
        assert not claims.claim(session, WEEKLY, now=now + timedelta(minutes=4), lease=LEASE)
        assert claims.due(session, [ClaimKind.REMINDER_CHANNEL], now=now + timedelta(minutes=4)) == []
        (due,) = claims.due(session, [ClaimKind.REMINDER_CHANNEL], now=now + timedelta(minutes=5))
        assert (due.key, due.attempts, due.last_error) == (WEEKLY, 1, "not_in_channel")
        held = claims.claim(session, WEEKLY, now=now + timedelta(minutes=1), lease=LEASE, retry_now=True)
        assert held is not None and held.attempts == 2 and held.unconfirmed_at is None


def test_an_attempt_that_may_have_posted_leaves_the_claim_unconfirmed_from_its_start(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as session:
        first = claims.claim(session, WEEKLY, now=now, lease=LEASE)
        claims.release(session, WEEKLY, error="unreachable", retry_at=now, unconfirmed=True)
    with rt.transaction() as session:
        second = claims.claim(session, WEEKLY, now=now + timedelta(minutes=1), lease=LEASE)
        claims.release(session, WEEKLY, error="unreachable", retry_at=now, unconfirmed=True)
    with rt.transaction() as session:
        third = claims.claim(session, WEEKLY, now=now + timedelta(minutes=2), lease=LEASE)
    assert first is not None and first.unconfirmed_at is None
    assert second is not None and second.unconfirmed_at == now  # since the first attempt began
    assert third is not None and third.unconfirmed_at == now  # still the earliest
    assert first.id == second.id == third.id


def test_a_claim_taken_over_from_a_holder_that_died_is_unconfirmed_from_the_holders_start(
    rt: Runtime,
) -> None:
    now = rt.clock()
    with rt.transaction() as session:
        assert claims.claim(session, WEEKLY, now=now, lease=LEASE)  # it posts, maybe, then dies
    with rt.transaction() as session:
        taken = claims.claim(session, WEEKLY, now=now + LEASE * 2, lease=LEASE)
    assert taken is not None and taken.unconfirmed_at == now


def test_a_claim_that_keeps_failing_is_listed_until_someone_is_told(rt: Runtime) -> None:
    now = rt.clock()
    for attempt in range(3):
        with rt.transaction() as session:
            assert claims.claim(session, WEEKLY, now=now, lease=LEASE, retry_now=True)
            claims.release(session, WEEKLY, error="channel_not_found", retry_at=now)
            listed = claims.failing(session, failed_at_least=3)
        assert [row.key for row in listed] == ([WEEKLY] if attempt == 2 else [])
    report = ClaimKey(ClaimKind.REPORT, str(listed[0].id))
    with rt.transaction() as session:
        assert claims.claim(session, report, now=now, lease=LEASE)
        assert [row.key for row in claims.failing(session, failed_at_least=3)] == [WEEKLY]  # told? not yet
        claims.mark_done(session, report, now=now)
    with rt.transaction() as session:
        assert claims.failing(session, failed_at_least=3) == []
        assert claims.pending(session, [ClaimKind.REMINDER_CHANNEL], "1", "2025-W12") == {
            ClaimKind.REMINDER_CHANNEL
        }
        found = claims.by_id(session, listed[0].id)
        assert found is not None and found.key == WEEKLY and not found.done
