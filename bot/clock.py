"""The one place that reads the wall clock. Everything else is handed a Clock, so tests can freeze it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)
