"""Tickets: an action item's twin in the team's tracker (Jira, GitHub, GitLab or Linear), as the bot sees it.

Pure: no HTTP, no clock. The outbound room turns each tracker's JSON into these records and the
inbound room turns its webhook deliveries into `TicketChange`s; both read states through the table
below, so "closed as not planned" means the same thing everywhere.

How each tracker's state reads (`*_state`), done / won't do / open:
- GitHub: `closed` with `state_reason` `completed` (or none, as older issues have) / `closed` with
  `not_planned` or `duplicate` / `open` (`reopened` too).
- Jira: status category `done` with resolution Done, Fixed or none / status category `done` with a
  resolution like Won't Do, Won't Fix, Duplicate, Cannot Reproduce, Declined, Cancelled (with no
  resolution: a status of such a name) / categories `new` and `indeterminate`.
- GitLab: `closed` (`state_event` close) / `closed` with the `won't do` label the bot adds / `opened`.
- Linear: state type `completed` / `canceled` (or `duplicate`) / `triage`, `backlog`, `unstarted`,
  `started`.

The item's marker (`item_marker`): `pmbot-<workspace>-<item id>`, lowercase, a valid label in every
tracker. It rides on the ticket as a label (Jira) or in the body (GitHub and GitLab hide it in an HTML
comment; Linear shows it in a footer line), so a ticket whose creation was never confirmed can be found
again and adopted instead of made twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Generic, TypeVar

from bot.domain.action_items import Priority

__all__ = [
    "POSTMORTEM_LABEL",
    "WONT_DO_LABEL",
    "Changed",
    "Finding",
    "FindingLevel",
    "NewTicket",
    "Ticket",
    "TicketChange",
    "TicketState",
    "TrackerKind",
    "TrackerUser",
    "find_marker",
    "github_state",
    "gitlab_state",
    "hidden_marker",
    "item_marker",
    "jira_state",
    "linear_state",
    "ticket_body",
]

T = TypeVar("T")


class TrackerKind(StrEnum):
    JIRA = "jira"
    GITHUB = "github"
    GITLAB = "gitlab"
    LINEAR = "linear"


TRACKER_NAMES: Final = MappingProxyType(
    {
        TrackerKind.JIRA: "Jira",
        TrackerKind.GITHUB: "GitHub",
        TrackerKind.GITLAB: "GitLab",
        TrackerKind.LINEAR: "Linear",
    }
)


class TicketState(StrEnum):
    OPEN = "open"
    DONE = "done"
    WONT_DO = "wont_do"


POSTMORTEM_LABEL: Final = "postmortem"
# GitLab has one closed state; the bot tells "won't do" apart with this label (and reads it back).
WONT_DO_LABEL: Final = "won't do"


@dataclass(frozen=True)
class TrackerUser:
    """Someone in a tracker. `id`: what the tracker assigns by (Jira Cloud accountId, Jira Data Center
    user name, GitHub login, GitLab user id, Linear user id). `name`/`email` when the tracker shows them."""

    id: str
    name: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class Ticket:
    """A ticket as the bot sees it. `key`: Jira `OPS-12`, GitHub `acme/payments#12`, GitLab
    `group/project#12`, Linear `ENG-12`. `etag`: what to send next time for a conditional read (GitHub)."""

    kind: TrackerKind
    key: str
    url: str
    title: str
    state: TicketState
    due_on: date | None = None
    assignee: TrackerUser | None = None
    labels: tuple[str, ...] = ()
    marker: str | None = None
    updated_at: datetime | None = None
    etag: str | None = None


@dataclass(frozen=True)
class NewTicket:
    """What the bot asks a tracker to create for one action item."""

    title: str
    text: str  # the item as written
    postmortem_url: str
    channel_name: str
    channel_url: str
    due_on: date
    priority: Priority
    marker: str
    assignee: TrackerUser | None = None
    labels: tuple[str, ...] = (POSTMORTEM_LABEL,)


@dataclass(frozen=True)
class Changed(Generic[T]):
    """A field a tracker says changed, and what it is now."""

    to: T


@dataclass(frozen=True)
class TicketChange:
    """What a webhook delivery says happened to one ticket. A field left None did not change (as far as
    the delivery says); `due` and `assignee` wrap their new value, since "now none" is a change too.
    `actor`: who made it, as the tracker names them (the bot can tell its own changes apart)."""

    kind: TrackerKind
    key: str
    state: TicketState | None = None
    due: Changed[date | None] | None = None
    assignee: Changed[TrackerUser | None] | None = None
    actor: str | None = None
    at: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return self.state is None and self.due is None and self.assignee is None


class FindingLevel(StrEnum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    """One line of `postmortem-bot check` about a tracker: what was checked and how it went."""

    level: FindingLevel
    text: str
    hint: str | None = field(default=None, compare=False)


# --------------------------------------------------------------------------------------------
# States


def github_state(state: str, state_reason: str | None) -> TicketState:
    if state != "closed":
        return TicketState.OPEN
    return TicketState.WONT_DO if state_reason in ("not_planned", "duplicate") else TicketState.DONE


_JIRA_WONT = frozenset(
    {
        "won't do",
        "wont do",
        "won't fix",
        "wont fix",
        "duplicate",
        "cannot reproduce",
        "can't reproduce",
        "declined",
        "rejected",
        "cancelled",
        "canceled",
        "obsolete",
    }
)


def _words(text: str | None) -> str:
    return " ".join((text or "").replace("\u2019", "'").lower().split())


def jira_state(
    category_key: str | None, resolution: str | None, status_name: str | None = None
) -> TicketState:
    """Jira: the status category decides open or closed (`done`); the resolution, or for workflows with
    no resolution the status's own name, decides done or won't do."""
    if category_key != "done":
        return TicketState.OPEN
    if resolution:
        return TicketState.WONT_DO if _words(resolution) in _JIRA_WONT else TicketState.DONE
    return TicketState.WONT_DO if _words(status_name) in _JIRA_WONT else TicketState.DONE


def gitlab_state(state: str, labels: tuple[str, ...] | list[str] = ()) -> TicketState:
    if state != "closed":
        return TicketState.OPEN
    wont = _words(WONT_DO_LABEL)
    return TicketState.WONT_DO if any(_words(label) == wont for label in labels) else TicketState.DONE


def linear_state(state_type: str | None) -> TicketState:
    if state_type == "completed":
        return TicketState.DONE
    if state_type in ("canceled", "duplicate"):
        return TicketState.WONT_DO
    return TicketState.OPEN


# --------------------------------------------------------------------------------------------
# Markers and the body


_MARKER = re.compile(r"\bpmbot-[a-z0-9]+-[0-9]+\b")
_SAFE = re.compile(r"[^a-z0-9]")


def item_marker(workspace_id: str, item_id: int) -> str:
    """`pmbot-t0test-42`: unique per workspace and item, and a label every tracker accepts."""
    workspace = _SAFE.sub("", workspace_id.lower()) or "x"
    return f"pmbot-{workspace}-{item_id}"


def hidden_marker(marker: str) -> str:
    """The marker as a Markdown body carries it: an HTML comment GitHub and GitLab do not show."""
    return f"<!-- postmortem-bot item {marker} -->"


def find_marker(body: str | None, labels: tuple[str, ...] | list[str] = ()) -> str | None:
    for label in labels:
        if _MARKER.fullmatch(label):
            return label
    found = _MARKER.search(body or "")
    return found.group(0) if found else None


def ticket_body(ticket: NewTicket, *, due_in_body: bool = False, marker: str | None = None) -> str:
    """The description, in Markdown: the item, where it came from, and (for trackers with no due date
    field) the due date the bot keeps. `marker`: a line to end with (a hidden or visible marker)."""
    lines = [
        ticket.text,
        "",
        f"Action item from the [postmortem]({ticket.postmortem_url}) of "
        f"[#{ticket.channel_name}]({ticket.channel_url}), priority {ticket.priority.value}.",
    ]
    if due_in_body:
        lines.append(f"Due: {ticket.due_on.isoformat()} (kept by postmortem-bot)")
    lines.append("Closing, reopening or re-dating this ticket updates the action item in Slack.")
    if marker:
        lines.extend(["", marker])
    return "\n".join(lines)
