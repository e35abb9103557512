"""Issue trackers behind one small interface: `Tracker`, implemented by jira, github, gitlab and linear.

A project is named per call (`OPS`, `acme/payments`, `group/project`, `ENG`), since each channel may be
tied to its own; a ticket is named by its key, which says its project where the tracker needs it
(`acme/payments#12`). Every failure leaves as `TrackerFailed(reason)`; the libraries' own exceptions
never do. Rate limits are honoured, never slept through: a tracker that says "wait" (429 and
Retry-After, GitHub's and GitLab's remaining-0 headers, Linear's RATELIMITED) makes this call and every
call before the time it named fail fast with RATE_LIMITED and `retry_after`, so the caller (a claim's
retry, the sweep) decides when to come back.

What each one supports (conditional reads; due date; priority; where the item's marker rides):
- Jira: no conditional reads; `duedate`; `priority` by name (Highest to Low); a label.
- GitHub: ETags (`If-None-Match`; a 304 costs no rate limit); no due date field, so a body line and a
  `due:YYYY-MM-DD` label; a `priority:P1` label; an HTML comment in the body.
- GitLab: no conditional reads; `due_date`; a `priority:P1` label; an HTML comment in the body.
- Linear: no conditional reads (every call is one GraphQL POST); `dueDate`; `priority` 1 (urgent) to 4
  (low); the description's last line.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Protocol

from bot.domain.tickets import Finding, NewTicket, Ticket, TicketState, TrackerKind, TrackerUser

__all__ = ["NotModified", "Reason", "Tracker", "TrackerFailed"]


class Reason(StrEnum):
    AUTH = "auth"  # bad or expired credentials, or not allowed
    NOT_FOUND = "not_found"  # no such project, ticket or user
    RATE_LIMITED = "rate_limited"  # come back after `retry_after`
    UNREACHABLE = "unreachable"  # no answer: refused connection, timeout, 5xx
    REFUSED = "refused"  # the tracker understood and said no (validation, workflow)


class TrackerFailed(Exception):
    """A tracker call did not do what was asked. `detail`: the tracker's own words, for logs and `check`."""

    def __init__(
        self,
        kind: TrackerKind,
        reason: Reason,
        detail: str = "",
        *,
        retry_after: timedelta | None = None,
    ) -> None:
        text = f"{kind.value}: {reason.value}"
        if detail:
            text += f": {detail}"
        if retry_after is not None:
            text += f" (retry after {int(retry_after.total_seconds())}s)"
        super().__init__(text)
        self.kind = kind
        self.reason = reason
        self.detail = detail
        self.retry_after = retry_after


class NotModified:
    """A conditional read's answer when the ticket has not changed since the ETag given."""

    __slots__ = ("key",)

    def __init__(self, key: str) -> None:
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NotModified) and other.key == self.key

    def __hash__(self) -> int:
        return hash(("NotModified", self.key))

    def __repr__(self) -> str:
        return f"NotModified({self.key!r})"


class Tracker(Protocol):
    kind: TrackerKind

    def check(self, project: str) -> list[Finding]:
        """Credentials, the project, and the fields and labels tickets need; never raises for the
        project's own problems (they are findings), only TrackerFailed(UNREACHABLE/RATE_LIMITED)."""
        ...

    def create(self, project: str, ticket: NewTicket) -> Ticket: ...

    def find_by_marker(self, project: str, marker: str) -> Ticket | None:
        """The ticket an earlier, unconfirmed `create` made for this item, if it exists."""
        ...

    def get(self, key: str, *, etag: str | None = None) -> Ticket | NotModified:
        """NotModified only when `etag` was given and the tracker supports conditional reads."""
        ...

    def comment(self, key: str, text: str) -> None: ...

    def close(self, key: str, state: TicketState, comment: str | None = None) -> Ticket:
        """`state`: DONE or WONT_DO. `comment` is added first, so it reads before the close."""
        ...

    def reopen(self, key: str, comment: str | None = None) -> Ticket: ...

    def set_due(self, key: str, due_on: date | None, comment: str | None = None) -> Ticket: ...

    def find_user(self, email: str) -> TrackerUser | None:
        """The one tracker user with this email, or None (none, several, or emails hidden). A value
        without `@` in it (or with a leading `@` only) is the tracker's own user name instead: a
        GitHub login, a GitLab username, a Jira user name or accountId, a Linear display name."""
        ...

    def parse_url(self, url: str) -> str | None:
        """A ticket's key from its web URL on this tracker's site; None for anything else."""
        ...
