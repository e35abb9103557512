"""What the tracker contract tests share: a new ticket, and a clock the rate gates read."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.action_items import Priority
from bot.domain.tickets import NewTicket, TrackerUser, item_marker

MARKER = item_marker("T0TEST", 42)


def new_ticket(**changes: Any) -> NewTicket:
    ticket = NewTicket(
        title="Add a p99 latency alert on checkout",
        text="Add a p99 latency alert on checkout at 800 ms",
        postmortem_url="https://test-team.slack.com/archives/C1/p1700000000000100",
        channel_name="inc-2025-03-15-checkout",
        channel_url="https://test-team.slack.com/archives/C1",
        due_on=date(2025, 4, 1),
        priority=Priority.P1,
        marker=MARKER,
        assignee=None,
    )
    return replace(ticket, **changes)


def user(id: str, name: str | None = None, email: str | None = None) -> TrackerUser:
    return TrackerUser(id, name, email)


class Clock:
    """Real time by default (the stand-ins' reset headers are real epochs); tests may move it on."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, **kwargs: float) -> None:
        self.offset += timedelta(**kwargs)
