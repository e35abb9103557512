"""Jira Cloud and Data Center through atlassian-python-api (REST v2; Cloud's search through v3 `search/jql`).

Credentials: an email and API token (Cloud) or user and password (Data Center) as basic auth, or a
Data Center personal access token as a bearer. Tickets carry `duedate`, a priority by name, the
`postmortem` label and the item's marker as a second label (labels are free text in Jira, and JQL
`labels = "…"` finds one exactly). The assignee is a Cloud accountId or a Data Center user name.
Closing follows the workflow: a transition into the `done` status category, with a resolution when the
transition screen asks for one. Jira has no conditional reads; `get` always reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from atlassian import Jira

from bot.clock import Clock, system_clock
from bot.domain.action_items import Priority
from bot.domain.tickets import (
    Finding,
    NewTicket,
    Ticket,
    TicketState,
    TrackerKind,
    TrackerUser,
    find_marker,
    jira_state,
    ticket_body,
)
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.common import (
    failed,
    markdown_links_to_jira,
    parse_day,
    parse_instant,
    text_of,
    title,
)
from bot.outbound.trackers.jira_workflow import check_project, pick_transition
from bot.outbound.trackers.rate import JIRA_WINDOWS, RateGate

KIND = TrackerKind.JIRA
DEFAULT_PRIORITIES: Mapping[Priority, str] = {
    Priority.P0: "Highest",
    Priority.P1: "High",
    Priority.P2: "Medium",
    Priority.P3: "Low",
}
FIELDS = "summary,status,resolution,duedate,assignee,labels,updated"
# Fields a create may go without when the project's screen does not have them; check() warns.
_OPTIONAL = frozenset({"priority", "duedate", "assignee"})
_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[1-9][0-9]*")
_PROJECT = re.compile(r"[A-Z][A-Z0-9_]{0,254}")


class JiraTracker:
    kind = KIND

    def __init__(
        self,
        url: str,
        token: str,
        *,
        email: str | None = None,
        cloud: bool | None = None,
        issue_type: str = "Task",
        priorities: Mapping[Priority, str] = DEFAULT_PRIORITIES,
        clock: Clock = system_clock,
        timeout: int = 30,
    ) -> None:
        self.url = url.rstrip("/")
        self.cloud = urlsplit(self.url).hostname is not None and str(urlsplit(self.url).hostname).endswith(
            ".atlassian.net"
        )
        if cloud is not None:
            self.cloud = cloud
        self.issue_type = issue_type
        self.priorities = dict(priorities)
        self.gate = RateGate(KIND, JIRA_WINDOWS, clock)
        session = requests.Session()
        session.hooks["response"].append(self._observe)
        # The library would sleep through one Retry-After (retry_with_header); the gate decides instead.
        options: dict[str, Any] = {
            "cloud": self.cloud,
            "session": session,
            "timeout": timeout,
            "retry_with_header": False,
        }
        if email:
            self._jira = Jira(self.url, username=email, password=token, **options)
        else:
            self._jira = Jira(self.url, token=token, **options)

    def _observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.gate.observe(response.status_code, response.headers)

    @contextmanager
    def _calls(self) -> Iterator[None]:
        self.gate.check()
        try:
            yield
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else 0
            if status == 429:
                raise self.gate.failure(str(error)) from error
            raise failed(KIND, status, str(error) or "no detail") from error
        except (requests.RequestException, OSError) as error:
            raise TrackerFailed(KIND, Reason.UNREACHABLE, type(error).__name__) from error

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        with self._calls():
            return fn(*args, **kwargs)

    # ---- reading ----------------------------------------------------------------------------

    def _ticket(self, raw: Mapping[str, Any]) -> Ticket:
        fields = raw.get("fields") or {}
        status = fields.get("status") or {}
        category = (status.get("statusCategory") or {}).get("key")
        resolution = (fields.get("resolution") or {}).get("name")
        labels = tuple(label for label in fields.get("labels") or () if isinstance(label, str))
        key = text_of(raw.get("key"))
        return Ticket(
            kind=KIND,
            key=key,
            url=f"{self.url}/browse/{key}",
            title=text_of(fields.get("summary")),
            state=jira_state(category, resolution, status.get("name")),
            due_on=parse_day(fields.get("duedate")),
            assignee=self._user(fields.get("assignee")),
            labels=labels,
            marker=find_marker(None, labels),
            updated_at=parse_instant(fields.get("updated")),
        )

    @staticmethod
    def _user(raw: object) -> TrackerUser | None:
        if not isinstance(raw, Mapping):
            return None
        user_id = raw.get("accountId") or raw.get("name") or raw.get("key")
        if not isinstance(user_id, str):
            return None
        return TrackerUser(user_id, raw.get("displayName"), raw.get("emailAddress") or None)

    def _assignee_field(self, user: TrackerUser) -> dict[str, str]:
        return {"accountId": user.id} if self.cloud else {"name": user.id}

    # ---- the interface ----------------------------------------------------------------------

    def check(self, project: str) -> list[Finding]:
        return check_project(self, project)

    def create(self, project: str, ticket: NewTicket) -> Ticket:
        _project_key(project)
        body = markdown_links_to_jira(ticket_body(ticket, marker=f"postmortem-bot item {ticket.marker}"))
        fields: dict[str, Any] = {
            "project": {"key": project},
            "issuetype": {"name": self.issue_type},
            "summary": title(ticket.title),
            "description": body,
            "labels": [*ticket.labels, ticket.marker],
            "duedate": ticket.due_on.isoformat(),
            "priority": {"name": self.priorities[ticket.priority]},
        }
        if ticket.assignee is not None:
            fields["assignee"] = self._assignee_field(ticket.assignee)
        try:
            created = self._call(self._jira.issue_create, fields)
        except TrackerFailed as error:
            rejected = _rejected_fields(error)
            if error.reason is not Reason.REFUSED or not rejected or not rejected <= _OPTIONAL:
                raise
            # The project's screen lacks a field: create without it rather than not at all.
            created = self._call(
                self._jira.issue_create, {k: v for k, v in fields.items() if k not in rejected}
            )
            fields = {k: v for k, v in fields.items() if k not in rejected}
        key = text_of((created or {}).get("key"))
        if not key:
            raise TrackerFailed(KIND, Reason.REFUSED, "the create answer carried no key")
        return Ticket(
            kind=KIND,
            key=key,
            url=f"{self.url}/browse/{key}",
            title=fields["summary"],
            state=TicketState.OPEN,
            due_on=ticket.due_on if "duedate" in fields else None,
            assignee=ticket.assignee if "assignee" in fields else None,
            labels=tuple(fields["labels"]),
            marker=ticket.marker,
        )

    def find_by_marker(self, project: str, marker: str) -> Ticket | None:
        _project_key(project)
        if find_marker(None, [marker]) != marker:
            raise ValueError(f"not an item marker: {marker!r}")
        jql = f'project = "{project}" AND labels = "{marker}" ORDER BY created ASC'
        found = self._call(self._jira.jql, jql, fields=FIELDS, limit=10)
        issues = (found or {}).get("issues") or []
        return self._ticket(issues[0]) if issues else None

    def get(self, key: str, *, etag: str | None = None) -> Ticket | NotModified:
        return self._get(key)

    def _get(self, key: str) -> Ticket:
        _issue_key(key)
        return self._ticket(self._call(self._jira.issue, key, fields=FIELDS) or {})

    def comment(self, key: str, text: str) -> None:
        _issue_key(key)
        self._call(self._jira.issue_add_comment, key, markdown_links_to_jira(text))

    def close(self, key: str, state: TicketState, comment: str | None = None) -> Ticket:
        if state is TicketState.OPEN:
            return self.reopen(key, comment)
        return self._move(key, state, comment)

    def reopen(self, key: str, comment: str | None = None) -> Ticket:
        return self._move(key, TicketState.OPEN, comment)

    def _move(self, key: str, state: TicketState, comment: str | None) -> Ticket:
        current = self._get(key)
        if comment:
            self.comment(key, comment)
        if current.state is state:
            return current
        listed = self._call(
            self._jira.get, f"rest/api/2/issue/{key}/transitions", params={"expand": "transitions.fields"}
        )
        choice = pick_transition((listed or {}).get("transitions") or [], state)
        if choice is None:
            raise TrackerFailed(
                KIND, Reason.REFUSED, f"no workflow transition from {key}'s status to {state}"
            )
        transition_id, fields = choice
        data: dict[str, Any] = {"transition": {"id": transition_id}}
        if fields:
            data["fields"] = fields
        self._call(self._jira.post, f"rest/api/2/issue/{key}/transitions", data=data)
        return self._get(key)

    def set_due(self, key: str, due_on: date | None, comment: str | None = None) -> Ticket:
        _issue_key(key)
        if comment:
            self.comment(key, comment)
        self._call(self._jira.update_issue_field, key, {"duedate": due_on.isoformat() if due_on else None})
        return self._get(key)

    def find_user(self, email: str) -> TrackerUser | None:
        if self.cloud:
            found = self._call(self._jira.user_find_by_user_string, query=email)
        else:
            found = self._call(self._jira.user_find_by_user_string, username=email)
        users = (
            [u for u in found if isinstance(u, Mapping) and u.get("active", True)]
            if isinstance(found, list)
            else []
        )
        exact = [u for u in users if text_of(u.get("emailAddress")).casefold() == email.casefold()]
        chosen = exact if exact else users
        return self._user(chosen[0]) if len(chosen) == 1 else None

    def parse_url(self, url: str) -> str | None:
        parts = urlsplit(url.strip())
        if parts.hostname is None or parts.hostname != urlsplit(self.url).hostname:
            return None
        selected = parse_qs(parts.query).get("selectedIssue", [])
        candidates = [*selected, parts.path.rstrip("/").rsplit("/", 1)[-1]]
        if "/browse/" not in parts.path and "/issues/" not in parts.path and not selected:
            return None
        return next((c for c in candidates if _KEY.fullmatch(c)), None)

    # ---- for check() --------------------------------------------------------------------------

    def read(self, path: str, **params: Any) -> Any:
        return self._call(self._jira.get, path, params=params or None)

    def whoami(self) -> Any:
        return self._call(self._jira.myself)


def _project_key(project: str) -> None:
    if not _PROJECT.fullmatch(project):
        raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a Jira project key: {project!r}")


def _issue_key(key: str) -> None:
    if not _KEY.fullmatch(key):
        raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a Jira issue key: {key!r}")


def _rejected_fields(error: TrackerFailed) -> frozenset[str]:
    """The fields a 400 names (`"errors": {"priority": "Field 'priority' cannot be set…"}`)."""
    cause = error.__cause__
    response = getattr(cause, "response", None)
    if response is None:
        return frozenset()
    try:
        errors = response.json().get("errors") or {}
    except ValueError:
        return frozenset()
    return frozenset(errors) if isinstance(errors, dict) else frozenset()
