"""RateGate: each tracker's signals read off a response, and calls refused until the time they named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.tickets import TrackerKind
from bot.outbound.trackers import Reason, TrackerFailed
from bot.outbound.trackers.rate import (
    DEFAULT_WAIT,
    GITHUB_WINDOWS,
    GITLAB_WINDOWS,
    LINEAR_WINDOWS,
    RateGate,
    retry_after,
)

NOW = datetime(2025, 3, 15, 18, 0, tzinfo=UTC)


class Frozen:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after({"Retry-After": "30"}, NOW) == timedelta(seconds=30)
    assert retry_after({"retry-after": "Sat, 15 Mar 2025 18:02:00 GMT"}, NOW) == timedelta(minutes=2)
    assert retry_after({"Retry-After": "soon"}, NOW) is None
    assert retry_after({}, NOW) is None


@pytest.mark.parametrize(
    ("windows", "headers", "wait"),
    [
        (
            GITHUB_WINDOWS,
            {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(int(NOW.timestamp()) + 600)},
            timedelta(minutes=10),
        ),
        (GITHUB_WINDOWS, {"X-RateLimit-Remaining": "12", "X-RateLimit-Reset": "1"}, None),
        (
            GITLAB_WINDOWS,
            {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(NOW.timestamp()) + 60)},
            timedelta(minutes=1),
        ),
        (
            LINEAR_WINDOWS,
            {
                "X-RateLimit-Complexity-Remaining": "0",
                "X-RateLimit-Complexity-Reset": str(int(NOW.timestamp() * 1000) + 5000),
            },
            timedelta(seconds=5),
        ),
        (GITHUB_WINDOWS, {"X-RateLimit-Remaining": "0"}, DEFAULT_WAIT),
    ],
)
def test_remaining_zero_waits_for_the_reset(
    windows: tuple, headers: dict[str, str], wait: timedelta | None
) -> None:  # type: ignore[type-arg]
    gate = RateGate(TrackerKind.GITHUB, windows, Frozen())
    assert gate.observe(200, headers) == wait
    if wait is None:
        gate.check()
    else:
        with pytest.raises(TrackerFailed) as failed:
            gate.check()
        assert failed.value.reason is Reason.RATE_LIMITED and failed.value.retry_after == wait


def test_a_429_without_signals_waits_a_minute_and_the_gate_opens_again() -> None:
    clock = Frozen()
    gate = RateGate(TrackerKind.JIRA, (), clock)
    assert gate.observe(429, {}) == DEFAULT_WAIT
    with pytest.raises(TrackerFailed):
        gate.check()
    clock.now += DEFAULT_WAIT
    gate.check()


def test_the_longest_wait_wins_and_reset_clears_it() -> None:
    clock = Frozen()
    gate = RateGate(TrackerKind.LINEAR, LINEAR_WINDOWS, clock)
    gate.observe(429, {"Retry-After": "100"})
    gate.observe(429, {"Retry-After": "10"})
    with pytest.raises(TrackerFailed) as failed:
        gate.check()
    assert failed.value.retry_after == timedelta(seconds=100)
    assert "retry after 100s" in str(failed.value)
    gate.reset()
    gate.check()


def test_block_and_failure() -> None:
    clock = Frozen()
    gate = RateGate(TrackerKind.GITHUB, GITHUB_WINDOWS, clock)
    error = gate.block(timedelta(seconds=30), "secondary")
    assert error.retry_after == timedelta(seconds=30) and error.detail == "secondary"
    clock.now += timedelta(seconds=31)
    assert gate.failure().retry_after == DEFAULT_WAIT  # a refusal with nothing to go on
