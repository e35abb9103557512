"""When a post that failed is tried again, and when a person hears that it keeps failing.

After its first failure a post is tried again by the next sweep; after the second it waits 5
minutes, then twice as long after each further failure (10, 20, 40 minutes…), never more than 6
hours. After its third failure somebody is told, once.
"""

from __future__ import annotations

from datetime import timedelta

FIRST_WAIT = timedelta(minutes=5)
LONGEST_WAIT = timedelta(hours=6)
TELL_AFTER = 3  # failed attempts


def wait_after(failed_attempts: int) -> timedelta:
    """How long after its `failed_attempts`-th failure a post is tried again (at the earliest)."""
    if failed_attempts < 2:
        return timedelta(0)
    doublings = min(failed_attempts - 2, 16)  # 5 minutes times 2**16 is far past the cap already
    wait: timedelta = FIRST_WAIT * (2**doublings)
    return min(wait, LONGEST_WAIT)


def worth_telling(failed_attempts: int) -> bool:
    """Whether a post has failed often enough that a person should hear of it."""
    return failed_attempts >= TELL_AFTER
