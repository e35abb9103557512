"""The retry schedule: backoff that doubles up to a cap, and when a person hears."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.retries import LONGEST_WAIT, TELL_AFTER, wait_after, worth_telling


def test_the_next_sweep_tries_again_then_the_wait_doubles_from_five_minutes_to_six_hours() -> None:
    assert [wait_after(n) for n in range(1, 10)] == [
        timedelta(0),
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
        timedelta(minutes=40),
        timedelta(minutes=80),
        timedelta(minutes=160),
        timedelta(minutes=320),
        timedelta(hours=6),
    ]
    assert wait_after(0) == timedelta(0)


@given(st.integers(min_value=1, max_value=10_000))
def test_the_wait_never_shrinks_and_never_passes_the_cap(failed: int) -> None:
    assert wait_after(failed) <= wait_after(failed + 1) <= LONGEST_WAIT


def test_a_person_hears_from_the_third_failure_on() -> None:
    assert TELL_AFTER == 3
    assert [worth_telling(n) for n in range(5)] == [False, False, False, True, True]
