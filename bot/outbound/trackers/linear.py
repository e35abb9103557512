"""Linear through its GraphQL API over httpx (Linear has no official Python SDK).

A personal API key (Settings → Security & access → Personal API keys), sent as the Authorization header.
A project is a team key (`ENG`); a ticket key is the issue identifier (`ENG-123`), which Linear accepts
wherever it takes an issue id. Tickets carry `dueDate`, `priority` (1 urgent … 4 low), the `postmortem`
label (found, or made in the team) and the marker on the description's last line (`description:
{contains: …}` finds it). Closing moves to the team's first `completed` state (won't do: `canceled`),
reopening to its first `unstarted` one. Rate limits: a 400 whose error says RATELIMITED, and the
`X-RateLimit-Requests-*` / `X-RateLimit-Complexity-*` headers (resets in epoch milliseconds). Every
call is one POST, so there are no conditional reads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.clock import Clock, system_clock
from bot.domain.action_items import Priority
from bot.domain.tickets import (
    POSTMORTEM_LABEL,
    Finding,
    FindingLevel,
    NewTicket,
    Ticket,
    TicketState,
    TrackerKind,
    TrackerUser,
    find_marker,
    linear_state,
    ticket_body,
)
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.common import failed, parse_day, parse_instant, text_of, title
from bot.outbound.trackers.linear_queries import (
    COMMENT,
    CREATE,
    CREATE_LABEL,
    FIND,
    ISSUE,
    LABELS,
    TEAM,
    UPDATE,
    USERS_BY_EMAIL,
    USERS_BY_NAME,
    VIEWER,
)
from bot.outbound.trackers.rate import LINEAR_WINDOWS, RateGate

KIND = TrackerKind.LINEAR
API_URL = "https://api.linear.app/graphql"
WEB_URL = "https://linear.app"
PRIORITIES = {Priority.P0: 1, Priority.P1: 2, Priority.P2: 3, Priority.P3: 4}
_KEY = re.compile(r"[A-Z][A-Z0-9_]*-[1-9][0-9]*")
_TEAM = re.compile(r"[A-Za-z0-9_]{1,16}")
_AUTH_CODES = frozenset({"AUTHENTICATION_ERROR", "FORBIDDEN"})
# Which state type each move goes to, in order of preference.
_TARGETS = {
    TicketState.DONE: ("completed",),
    TicketState.WONT_DO: ("canceled", "completed"),
    TicketState.OPEN: ("unstarted", "backlog", "triage", "started"),
}


class LinearTracker:
    kind = KIND

    def __init__(
        self,
        api_key: str,
        *,
        api_url: str = API_URL,
        web_url: str = WEB_URL,
        clock: Clock = system_clock,
        timeout: float = 30,
    ) -> None:
        self.api_url = api_url
        self.web_url = web_url.rstrip("/")
        self.gate = RateGate(KIND, LINEAR_WINDOWS, clock)
        self._http = httpx.Client(
            headers={"Authorization": api_key, "User-Agent": "postmortem-bot"},
            timeout=timeout,
            event_hooks={"response": [self._observe]},
        )
        self._labels: dict[str, str] = {}
        self._lock = threading.Lock()

    def _observe(self, response: httpx.Response) -> None:
        self.gate.observe(response.status_code, response.headers)

    def close_client(self) -> None:
        self._http.close()

    def query(self, query: str, **variables: Any) -> dict[str, Any]:
        """One GraphQL call: its `data`, or TrackerFailed with the reason Linear's errors give."""
        self.gate.check()
        try:
            response = self._http.post(self.api_url, json={"query": query, "variables": variables})
        except (httpx.HTTPError, OSError) as error:
            raise TrackerFailed(KIND, Reason.UNREACHABLE, type(error).__name__) from error
        try:
            body = response.json()
        except ValueError:
            raise failed(KIND, response.status_code, "an answer that is not JSON") from None
        errors = body.get("errors") if isinstance(body, dict) else None
        if errors:
            first = errors[0] if isinstance(errors[0], dict) else {}
            code = text_of((first.get("extensions") or {}).get("code"))
            message = text_of(first.get("message")) or code
            if code == "RATELIMITED":
                raise self.gate.failure(message)
            if code in _AUTH_CODES or response.status_code == 401:
                raise TrackerFailed(KIND, Reason.AUTH, message)
            if "not found" in message.lower() or code == "ENTITY_NOT_FOUND":
                raise TrackerFailed(KIND, Reason.NOT_FOUND, message)
            if response.status_code >= 500:
                raise TrackerFailed(KIND, Reason.UNREACHABLE, message)
            raise TrackerFailed(KIND, Reason.REFUSED, message)
        if (
            response.status_code >= 400
            or not isinstance(body, dict)
            or not isinstance(body.get("data"), dict)
        ):
            raise failed(KIND, response.status_code, "no data in the answer")
        data: dict[str, Any] = body["data"]
        return data

    # ---- reading ----------------------------------------------------------------------------

    def _ticket(self, raw: Mapping[str, Any]) -> Ticket:
        labels = tuple(text_of(label.get("name")) for label in (raw.get("labels") or {}).get("nodes") or ())
        return Ticket(
            kind=KIND,
            key=text_of(raw.get("identifier")),
            url=text_of(raw.get("url")),
            title=text_of(raw.get("title")),
            state=linear_state((raw.get("state") or {}).get("type")),
            due_on=parse_day(raw.get("dueDate")),
            assignee=_user(raw.get("assignee")),
            labels=labels,
            marker=find_marker(text_of(raw.get("description"))),
            updated_at=parse_instant(raw.get("updatedAt")),
        )

    def _team(self, key: str) -> dict[str, Any]:
        if not _TEAM.fullmatch(key):
            raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a Linear team key: {key!r}")
        teams = self.query(TEAM, key=key)["teams"]["nodes"]
        if not teams:
            raise TrackerFailed(KIND, Reason.NOT_FOUND, f"no Linear team {key}")
        team: dict[str, Any] = teams[0]
        return team

    def _label_id(self, team: Mapping[str, Any], name: str) -> str:
        cache_key = f"{team['id']}/{name}"
        with self._lock:
            known = self._labels.get(cache_key)
        if known:
            return known
        found = self.query(LABELS, name=name)["issueLabels"]["nodes"]
        usable = [n for n in found if (n.get("team") or {}).get("id") in (None, team["id"])]
        if usable:
            label_id = text_of(usable[0]["id"])
        else:
            made = self.query(CREATE_LABEL, input={"name": name, "teamId": team["id"]})["issueLabelCreate"]
            label_id = text_of((made.get("issueLabel") or {}).get("id"))
        with self._lock:
            self._labels[cache_key] = label_id
        return label_id

    def _issue(self, key: str) -> dict[str, Any]:
        if not _KEY.fullmatch(key):
            raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a Linear issue identifier: {key!r}")
        issue = self.query(ISSUE, id=key).get("issue")
        if not isinstance(issue, dict):
            raise TrackerFailed(KIND, Reason.NOT_FOUND, f"no Linear issue {key}")
        return issue

    # ---- the interface ----------------------------------------------------------------------

    def check(self, project: str) -> list[Finding]:
        try:
            viewer = self.query(VIEWER)["viewer"]
        except TrackerFailed as error:
            if error.reason is Reason.AUTH:
                return [
                    Finding(
                        FindingLevel.PROBLEM,
                        f"Linear refused the API key ({error.detail})",
                        "check LINEAR_API_KEY",
                    )
                ]
            raise
        findings = [
            Finding(
                FindingLevel.OK, f"signed in to Linear as {viewer.get('name') or viewer.get('displayName')}"
            )
        ]
        try:
            team = self._team(project)
        except TrackerFailed as error:
            if error.reason is not Reason.NOT_FOUND:
                raise
            findings.append(Finding(FindingLevel.PROBLEM, f"no Linear team {project} that this key can see"))
            return findings
        findings.append(Finding(FindingLevel.OK, f"team {project} exists"))
        types = {text_of(s.get("type")) for s in team["states"]["nodes"]}
        for needed, what in (("completed", "done"), ("canceled", "won't do"), ("unstarted", "reopened")):
            if needed not in types:
                findings.append(
                    Finding(
                        FindingLevel.WARNING, f"{project} has no {needed} state: {what} tickets go elsewhere"
                    )
                )
        labels = self.query(LABELS, name=POSTMORTEM_LABEL)["issueLabels"]["nodes"]
        if not [n for n in labels if (n.get("team") or {}).get("id") in (None, team["id"])]:
            findings.append(
                Finding(
                    FindingLevel.OK, f"the {POSTMORTEM_LABEL} label will be made in {project} on first use"
                )
            )
        return findings

    def create(self, project: str, ticket: NewTicket) -> Ticket:
        team = self._team(project)
        data: dict[str, Any] = {
            "teamId": team["id"],
            "title": title(ticket.title),
            "description": ticket_body(ticket, marker=f"postmortem-bot item {ticket.marker}"),
            "dueDate": ticket.due_on.isoformat(),
            "priority": PRIORITIES[ticket.priority],
            "labelIds": [self._label_id(team, label) for label in ticket.labels],
        }
        if ticket.assignee is not None:
            data["assigneeId"] = ticket.assignee.id
        created = self.query(CREATE, input=data)["issueCreate"]
        if not created.get("success") or not isinstance(created.get("issue"), dict):
            raise TrackerFailed(KIND, Reason.REFUSED, "issueCreate did not succeed")
        return self._ticket(created["issue"])

    def find_by_marker(self, project: str, marker: str) -> Ticket | None:
        if not _TEAM.fullmatch(project):
            raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a Linear team key: {project!r}")
        nodes = self.query(FIND, team=project, marker=marker)["issues"]["nodes"]
        return next(
            (self._ticket(n) for n in nodes if find_marker(text_of(n.get("description"))) == marker), None
        )

    def get(self, key: str, *, etag: str | None = None) -> Ticket | NotModified:
        return self._ticket(self._issue(key))

    def comment(self, key: str, text: str) -> None:
        issue = self._issue(key)
        self.query(COMMENT, input={"issueId": issue["id"], "body": text})

    def _update(self, issue: Mapping[str, Any], changes: dict[str, Any]) -> Ticket:
        updated = self.query(UPDATE, id=issue["id"], input=changes)["issueUpdate"]
        if not updated.get("success") or not isinstance(updated.get("issue"), dict):
            raise TrackerFailed(KIND, Reason.REFUSED, "issueUpdate did not succeed")
        return self._ticket(updated["issue"])

    def close(self, key: str, state: TicketState, comment: str | None = None) -> Ticket:
        issue = self._issue(key)
        if comment:
            self.query(COMMENT, input={"issueId": issue["id"], "body": comment})
        if self._ticket(issue).state is state:
            return self._ticket(issue)
        states = sorted(
            (issue.get("team") or {}).get("states", {}).get("nodes") or (),
            key=lambda s: s.get("position") or 0,
        )
        for wanted in _TARGETS[state]:
            target = next((s for s in states if s.get("type") == wanted), None)
            if target is not None:
                return self._update(issue, {"stateId": target["id"]})
        raise TrackerFailed(KIND, Reason.REFUSED, f"{key}'s team has no state for {state}")

    def reopen(self, key: str, comment: str | None = None) -> Ticket:
        return self.close(key, TicketState.OPEN, comment)

    def set_due(self, key: str, due_on: date | None, comment: str | None = None) -> Ticket:
        issue = self._issue(key)
        if comment:
            self.query(COMMENT, input={"issueId": issue["id"], "body": comment})
        return self._update(issue, {"dueDate": due_on.isoformat() if due_on else None})

    def find_user(self, email: str) -> TrackerUser | None:
        if "@" in email.strip("@"):
            nodes = self.query(USERS_BY_EMAIL, email=email)["users"]["nodes"]
        else:
            nodes = self.query(USERS_BY_NAME, name=email.lstrip("@"))["users"]["nodes"]
        return _user(nodes[0]) if len(nodes) == 1 else None

    def parse_url(self, url: str) -> str | None:
        parts, web = urlsplit(url.strip()), urlsplit(self.web_url)
        if parts.netloc.lower() != web.netloc.lower():
            return None
        path = parts.path.removeprefix(web.path.rstrip("/")).strip("/").split("/")
        if len(path) < 3 or path[1] != "issue" or not _KEY.fullmatch(path[2]):
            return None
        return path[2]


def _user(raw: object) -> TrackerUser | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
        return None
    return TrackerUser(raw["id"], raw.get("name") or raw.get("displayName"), raw.get("email"))
