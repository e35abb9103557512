"""GitLab issues through python-gitlab (REST v4), gitlab.com or self-managed.

A personal, project or group access token with the `api` scope, at Reporter or above. Tickets carry
`due_date`, a `priority:P1` label (GitLab Free has no priority field), the `postmortem` label and the
marker hidden in the description. GitLab has one closed state: "won't do" closes and adds the
`won't do` label, which reads back as won't do. python-gitlab would sleep through 429s; here it is told
not to (`obey_rate_limit=False`) and `RateLimit-*` / `Retry-After` shut the gate instead. No conditional
reads: `get` always reads.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import unquote, urlsplit

import gitlab
import requests
from gitlab.exceptions import GitlabError

from bot.clock import Clock, system_clock
from bot.domain.tickets import (
    POSTMORTEM_LABEL,
    WONT_DO_LABEL,
    Finding,
    FindingLevel,
    NewTicket,
    Ticket,
    TicketState,
    TrackerKind,
    TrackerUser,
    find_marker,
    gitlab_state,
    hidden_marker,
    ticket_body,
)
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.common import failed, parse_day, parse_instant, text_of, title
from bot.outbound.trackers.rate import GITLAB_WINDOWS, RateGate

KIND = TrackerKind.GITLAB
URL = "https://gitlab.com"
PRIORITY_LABEL = "priority:"
REPORTER = 20
# No sleeping inside python-gitlab: the gate decides.
_NO_WAIT: dict[str, Any] = {"obey_rate_limit": False, "retry_transient_errors": False}
_PROJECT = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+")
_KEY = re.compile(r"(?P<project>[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+)#(?P<iid>[1-9][0-9]*)")


class GitLabTracker:
    kind = KIND

    def __init__(
        self, token: str, *, url: str = URL, clock: Clock = system_clock, timeout: float = 30
    ) -> None:
        self.url = url.rstrip("/")
        self.gate = RateGate(KIND, GITLAB_WINDOWS, clock)
        session = requests.Session()
        session.hooks["response"].append(self._observe)
        self._gl = gitlab.Gitlab(
            self.url, private_token=token, timeout=timeout, session=session, per_page=100
        )

    def _observe(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self.gate.observe(response.status_code, response.headers)

    @contextmanager
    def _calls(self) -> Iterator[None]:
        self.gate.check()
        try:
            yield
        except GitlabError as error:
            status = error.response_code or 0
            if status == 429:
                raise self.gate.failure(error.error_message) from error
            raise failed(KIND, status, str(error.error_message) or type(error).__name__) from error
        except (requests.RequestException, OSError) as error:
            raise TrackerFailed(KIND, Reason.UNREACHABLE, type(error).__name__) from error

    def _project(self, path: str) -> Any:
        if not _PROJECT.fullmatch(path):
            raise TrackerFailed(
                KIND, Reason.NOT_FOUND, f"not a GitLab project path (group/project): {path!r}"
            )
        return self._gl.projects.get(path, lazy=True)

    def _issue(self, key: str) -> tuple[str, Any, int]:
        found = _KEY.fullmatch(key)
        if found is None:
            raise TrackerFailed(
                KIND, Reason.NOT_FOUND, f"not a GitLab issue key (group/project#iid): {key!r}"
            )
        return found["project"], self._project(found["project"]), int(found["iid"])

    # ---- reading ----------------------------------------------------------------------------

    def _ticket(self, path: str, raw: Mapping[str, Any]) -> Ticket:
        labels = tuple(text_of(label) for label in raw.get("labels") or ())
        assignees = raw.get("assignees") or ([raw["assignee"]] if raw.get("assignee") else [])
        iid = raw.get("iid")
        return Ticket(
            kind=KIND,
            key=f"{path}#{iid}",
            url=text_of(raw.get("web_url")) or f"{self.url}/{path}/-/issues/{iid}",
            title=text_of(raw.get("title")),
            state=gitlab_state(text_of(raw.get("state")), labels),
            due_on=parse_day(raw.get("due_date")),
            assignee=_user(assignees[0]) if assignees else None,
            labels=labels,
            marker=find_marker(text_of(raw.get("description"))),
            updated_at=parse_instant(raw.get("updated_at")),
        )

    # ---- the interface ----------------------------------------------------------------------

    def check(self, project: str) -> list[Finding]:
        findings: list[Finding] = []
        try:
            with self._calls():
                me = self._gl.http_get("/user", **_NO_WAIT)
        except TrackerFailed as error:
            if error.reason is Reason.AUTH:
                return [
                    Finding(
                        FindingLevel.PROBLEM,
                        f"GitLab refused the token ({error.detail})",
                        "check GITLAB_TOKEN",
                    )
                ]
            raise
        username = me.get("username") if isinstance(me, dict) else None
        findings.append(Finding(FindingLevel.OK, f"signed in to GitLab as {username}"))
        try:
            with self._calls():
                raw = self._gl.projects.get(project, **_NO_WAIT).attributes
        except TrackerFailed as error:
            if error.reason in (Reason.AUTH, Reason.NOT_FOUND):
                findings.append(
                    Finding(FindingLevel.PROBLEM, f"no GitLab project {project} that this token can see")
                )
                return findings
            raise
        findings.append(Finding(FindingLevel.OK, f"project {project} exists"))
        if raw.get("issues_enabled") is False or raw.get("issues_access_level") == "disabled":
            findings.append(Finding(FindingLevel.PROBLEM, f"{project} has issues turned off"))
        access = [
            (level or {}).get("access_level") or 0
            for level in (
                (raw.get("permissions") or {}).get("project_access"),
                (raw.get("permissions") or {}).get("group_access"),
            )
        ]
        if raw.get("permissions") is not None and max(access) < REPORTER:
            findings.append(
                Finding(
                    FindingLevel.WARNING,
                    f"this token is below Reporter in {project}: labels, due dates and assignees are dropped",
                )
            )
        return findings

    def create(self, project: str, ticket: NewTicket) -> Ticket:
        body = ticket_body(ticket, marker=hidden_marker(ticket.marker))
        data: dict[str, Any] = {
            "title": title(ticket.title),
            "description": body,
            "due_date": ticket.due_on.isoformat(),
            "labels": ",".join([*ticket.labels, f"{PRIORITY_LABEL}{ticket.priority.value}"]),
        }
        if ticket.assignee is not None:
            data["assignee_ids"] = [int(ticket.assignee.id)] if ticket.assignee.id.isdigit() else []
        with self._calls():
            created = self._project(project).issues.create(data, **_NO_WAIT)
        return self._ticket(project, created.attributes)

    def find_by_marker(self, project: str, marker: str) -> Ticket | None:
        with self._calls():
            issues = self._project(project).issues.list(
                labels=[POSTMORTEM_LABEL],
                search=marker,
                order_by="created_at",
                sort="desc",
                per_page=100,
                get_all=False,
                **_NO_WAIT,
            )
        for issue in issues:
            if find_marker(text_of(issue.attributes.get("description"))) == marker:
                return self._ticket(project, issue.attributes)
        return None

    def get(self, key: str, *, etag: str | None = None) -> Ticket | NotModified:
        return self._get(key)

    def _get(self, key: str) -> Ticket:
        path, project, iid = self._issue(key)
        with self._calls():
            return self._ticket(path, project.issues.get(iid, **_NO_WAIT).attributes)

    def comment(self, key: str, text: str) -> None:
        _, project, iid = self._issue(key)
        with self._calls():
            project.issues.get(iid, lazy=True).notes.create({"body": text}, **_NO_WAIT)

    def _update(self, key: str, comment: str | None, data: dict[str, Any]) -> Ticket:
        path, project, iid = self._issue(key)
        if comment:
            self.comment(key, comment)
        with self._calls():
            updated = project.issues.update(iid, data, **_NO_WAIT)
        return self._ticket(path, updated)

    def close(self, key: str, state: TicketState, comment: str | None = None) -> Ticket:
        if state is TicketState.OPEN:
            return self.reopen(key, comment)
        data: dict[str, Any] = {"state_event": "close"}
        if state is TicketState.WONT_DO:
            data["add_labels"] = WONT_DO_LABEL
        else:
            data["remove_labels"] = WONT_DO_LABEL
        return self._update(key, comment, data)

    def reopen(self, key: str, comment: str | None = None) -> Ticket:
        return self._update(key, comment, {"state_event": "reopen", "remove_labels": WONT_DO_LABEL})

    def set_due(self, key: str, due_on: date | None, comment: str | None = None) -> Ticket:
        return self._update(key, comment, {"due_date": due_on.isoformat() if due_on else None})

    def find_user(self, email: str) -> TrackerUser | None:
        """By public email (any email for an admin token); a name without `@` is taken as a username."""
        query = {"search": email} if "@" in email.strip("@") else {"username": email.lstrip("@")}
        with self._calls():
            users = self._gl.users.list(iterator=False, get_all=False, **query, **_NO_WAIT)
        found = [u.attributes for u in users]
        exact = [
            u
            for u in found
            if email.casefold() in {text_of(u.get(f)).casefold() for f in ("email", "public_email")}
        ]
        chosen = exact if exact else found
        return _user(chosen[0]) if len(chosen) == 1 else None

    def parse_url(self, url: str) -> str | None:
        parts, base = urlsplit(url.strip()), urlsplit(self.url)
        if parts.netloc.lower() != base.netloc.lower():
            return None
        path = unquote(parts.path).removeprefix(base.path.rstrip("/")).strip("/")
        project, sep, rest = path.partition("/-/")
        kind, _, iid = rest.partition("/")
        if not sep or kind not in ("issues", "work_items") or not _PROJECT.fullmatch(project):
            return None
        iid = iid.strip("/")
        return f"{project}#{iid}" if iid.isdigit() and not iid.startswith("0") else None


def _user(raw: object) -> TrackerUser | None:
    if not isinstance(raw, Mapping) or raw.get("id") is None:
        return None
    email = raw.get("email") or raw.get("public_email") or None
    return TrackerUser(str(raw["id"]), raw.get("username"), email)
