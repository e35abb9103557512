"""Rate limits: read each tracker's signals off every response, and refuse calls until the time it named.

Signals read (the first that applies wins):
- `Retry-After` (seconds, or an HTTP date) on any response that carries it (429, 503, GitHub's 403
  secondary limits);
- a "remaining" header at 0 and its "reset" header (GitHub `X-RateLimit-*`, GitLab `RateLimit-*`,
  epoch seconds; Linear `X-RateLimit-Requests-*` and `X-RateLimit-Complexity-*`, epoch milliseconds):
  the call that brought it succeeded, the next ones wait for the reset;
- a 429 with neither: a minute.

Nothing here sleeps. A call made while the gate is shut fails at once with RATE_LIMITED and how long
is left, without touching the network.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from bot.clock import Clock, system_clock
from bot.domain.tickets import TrackerKind
from bot.outbound.trackers import Reason, TrackerFailed

DEFAULT_WAIT = timedelta(seconds=60)


@dataclass(frozen=True)
class Window:
    """A pair of headers: requests left, and when the window resets (epoch seconds or milliseconds)."""

    remaining: str
    reset: str
    reset_in_ms: bool = False


GITHUB_WINDOWS = (Window("x-ratelimit-remaining", "x-ratelimit-reset"),)
GITLAB_WINDOWS = (Window("ratelimit-remaining", "ratelimit-reset"),)
JIRA_WINDOWS: tuple[Window, ...] = ()  # Jira Cloud says Retry-After; its X-RateLimit-Reset is a date
LINEAR_WINDOWS = (
    Window("x-ratelimit-requests-remaining", "x-ratelimit-requests-reset", reset_in_ms=True),
    Window("x-ratelimit-complexity-remaining", "x-ratelimit-complexity-reset", reset_in_ms=True),
    Window(
        "x-ratelimit-endpoint-requests-remaining", "x-ratelimit-endpoint-requests-reset", reset_in_ms=True
    ),
)


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def retry_after(headers: Mapping[str, str], now: datetime) -> timedelta | None:
    value = _lower(headers).get("retry-after", "").strip()
    if not value:
        return None
    try:
        return timedelta(seconds=max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(timedelta(), when - now)


def _reset_wait(headers: dict[str, str], window: Window, now: datetime) -> timedelta | None:
    if headers.get(window.remaining, "").strip() != "0":
        return None
    try:
        reset = float(headers[window.reset])
    except (KeyError, ValueError):
        return DEFAULT_WAIT
    if window.reset_in_ms:
        reset /= 1000
    return max(timedelta(), datetime.fromtimestamp(reset, UTC) - now)


class RateGate:
    """One per tracker client. `observe` every response; `check` before every call."""

    def __init__(self, kind: TrackerKind, windows: tuple[Window, ...], clock: Clock = system_clock) -> None:
        self.kind = kind
        self.windows = windows
        self.clock = clock
        self._until: datetime | None = None
        self._lock = threading.Lock()

    def check(self) -> None:
        now = self.clock()
        with self._lock:
            until = self._until
        if until is not None and now < until:
            raise TrackerFailed(
                self.kind, Reason.RATE_LIMITED, "waiting for the rate limit to reset", retry_after=until - now
            )

    def observe(self, status: int, headers: Mapping[str, str]) -> timedelta | None:
        """Read one response's signals; the wait they ask for, if any (the gate is shut that long)."""
        now = self.clock()
        lowered = _lower(headers)
        wait = retry_after(lowered, now)
        if wait is None:
            waits = [
                w for w in (_reset_wait(lowered, window, now) for window in self.windows) if w is not None
            ]
            wait = max(waits) if waits else None
        if wait is None and status == 429:
            wait = DEFAULT_WAIT
        if wait is not None:
            with self._lock:
                until = now + wait
                if self._until is None or until > self._until:
                    self._until = until
        return wait

    def block(self, wait: timedelta, detail: str = "") -> TrackerFailed:
        """Shut the gate for `wait` (a client library read the signals itself); the error to raise."""
        now = self.clock()
        with self._lock:
            until = now + max(wait, timedelta())
            if self._until is None or until > self._until:
                self._until = until
        return self.failure(detail)

    def failure(self, detail: str = "") -> TrackerFailed:
        """The error for a response the tracker refused for its rate limit (observed already)."""
        now = self.clock()
        with self._lock:
            if self._until is None or self._until < now:
                self._until = now + DEFAULT_WAIT
            left = self._until - now
        return TrackerFailed(self.kind, Reason.RATE_LIMITED, detail, retry_after=left)

    def reset(self) -> None:
        with self._lock:
            self._until = None
