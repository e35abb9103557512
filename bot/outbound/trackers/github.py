"""GitHub Issues through githubkit (REST, typed requests; answers read as plain JSON).

A token (classic with `repo`, or fine-grained with Issues: read and write, Metadata: read). GitHub
issues have no due date: the bot keeps it, writes it in the body ("Due: 2026-05-01 (kept by
postmortem-bot)") and as a `due:2026-05-01` label, which is also how a re-date made in GitHub (swapping
the label) is read back. Priority is a `priority:P1` label, the marker an HTML comment in the body.
Reads are conditional: `get(key, etag=…)` sends If-None-Match, and a 304 (which costs no rate limit)
comes back as NotModified. Rate limits: githubkit reads `X-RateLimit-*` and `Retry-After`; nothing
retries here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
from githubkit import GitHub
from githubkit.exception import GitHubException, RateLimitExceeded, RequestError, RequestFailed

from bot.clock import Clock, system_clock
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
    github_state,
    hidden_marker,
    ticket_body,
)
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.common import failed, parse_day, parse_instant, text_of, title
from bot.outbound.trackers.rate import GITHUB_WINDOWS, RateGate

KIND = TrackerKind.GITHUB
API_URL = "https://api.github.com/"
DUE_LABEL = "due:"
PRIORITY_LABEL = "priority:"
# How far back find_by_marker looks among the repository's postmortem issues, newest first.
MARKER_PAGES = 5
_PER_PAGE = 100
_DUE_LINE = re.compile(r"^Due: [0-9]{4}-[0-9]{2}-[0-9]{2} \(kept by postmortem-bot\)$", re.MULTILINE)
_REPO = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_KEY = re.compile(r"(?P<repo>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)#(?P<number>[1-9][0-9]*)")


def web_url_for(api_url: str) -> str:
    """github.com for api.github.com; GitHub Enterprise Server's `https://host/api/v3` → `https://host`."""
    parts = urlsplit(api_url)
    if parts.hostname == "api.github.com":
        return "https://github.com"
    path = parts.path.rstrip("/").removesuffix("/api/v3")
    return f"{parts.scheme}://{parts.netloc}{path}"


def due_label(due_on: date) -> str:
    return f"{DUE_LABEL}{due_on.isoformat()}"


class GitHubTracker:
    kind = KIND

    def __init__(
        self,
        token: str,
        *,
        api_url: str = API_URL,
        web_url: str | None = None,
        clock: Clock = system_clock,
        timeout: float = 30,
    ) -> None:
        self.web_url = (web_url or web_url_for(api_url)).rstrip("/")
        self.gate = RateGate(KIND, GITHUB_WINDOWS, clock)
        self._gh = GitHub(
            token,
            base_url=api_url,
            user_agent="postmortem-bot",
            timeout=timeout,
            http_cache=False,
            auto_retry=False,
            event_hooks={"response": [self._observe]},
        )

    def _observe(self, response: httpx.Response) -> None:
        self.gate.observe(response.status_code, response.headers)

    @contextmanager
    def _calls(self) -> Iterator[None]:
        self.gate.check()
        try:
            yield
        except RateLimitExceeded as error:
            raise self.gate.block(error.retry_after, "GitHub rate limit") from error
        except RequestFailed as error:
            raise failed(KIND, error.response.status_code, _message(error.response.raw_response)) from error
        except RequestError as error:
            raise TrackerFailed(KIND, Reason.UNREACHABLE, type(error.exc).__name__) from error
        except GitHubException as error:
            raise TrackerFailed(KIND, Reason.AUTH, type(error).__name__) from error
        except (httpx.HTTPError, OSError) as error:
            raise TrackerFailed(KIND, Reason.UNREACHABLE, type(error).__name__) from error

    # ---- reading ----------------------------------------------------------------------------

    def _ticket(self, repo: str, raw: Mapping[str, Any], etag: str | None = None) -> Ticket:
        labels = tuple(
            text_of(label.get("name")) if isinstance(label, Mapping) else text_of(label)
            for label in raw.get("labels") or ()
        )
        due = next(
            (parse_day(label.removeprefix(DUE_LABEL)) for label in labels if label.startswith(DUE_LABEL)),
            None,
        )
        number = raw.get("number")
        return Ticket(
            kind=KIND,
            key=f"{repo}#{number}",
            url=text_of(raw.get("html_url")) or f"{self.web_url}/{repo}/issues/{number}",
            title=text_of(raw.get("title")),
            state=github_state(text_of(raw.get("state")), raw.get("state_reason")),
            due_on=due,
            assignee=_user(raw.get("assignee")),
            labels=labels,
            marker=find_marker(text_of(raw.get("body"))),
            updated_at=parse_instant(raw.get("updated_at")),
            etag=etag,
        )

    # ---- the interface ----------------------------------------------------------------------

    def check(self, project: str) -> list[Finding]:
        findings: list[Finding] = []
        try:
            with self._calls():
                me = self._gh.rest.users.get_authenticated()
        except TrackerFailed as error:
            if error.reason is Reason.AUTH:
                return [
                    Finding(
                        FindingLevel.PROBLEM,
                        f"GitHub refused the token ({error.detail})",
                        "check GITHUB_TOKEN",
                    )
                ]
            raise
        findings.append(
            Finding(FindingLevel.OK, f"signed in to GitHub as {me.raw_response.json().get('login')}")
        )
        scopes = me.headers.get("x-oauth-scopes")
        if scopes is not None and not {"repo", "public_repo"} & {s.strip() for s in scopes.split(",")}:
            findings.append(
                Finding(
                    FindingLevel.PROBLEM,
                    f"the token's scopes ({scopes or 'none'}) cannot write issues",
                    "give it `repo`",
                )
            )
        owner, repo = _split_repo(project)
        try:
            with self._calls():
                raw = self._gh.rest.repos.get(owner, repo).raw_response.json()
        except TrackerFailed as error:
            if error.reason in (Reason.AUTH, Reason.NOT_FOUND):
                findings.append(
                    Finding(FindingLevel.PROBLEM, f"no repository {project} that this token can see")
                )
                return findings
            raise
        findings.append(Finding(FindingLevel.OK, f"repository {project} exists"))
        if not raw.get("has_issues", True):
            findings.append(Finding(FindingLevel.PROBLEM, f"{project} has issues turned off"))
        permissions: dict[str, Any] = raw.get("permissions") or {}
        if permissions and not (permissions.get("push") or permissions.get("triage")):
            findings.append(
                Finding(
                    FindingLevel.WARNING,
                    f"this token cannot label or assign in {project}: labels and assignees are dropped",
                )
            )
        return findings

    def create(self, project: str, ticket: NewTicket) -> Ticket:
        owner, repo = _split_repo(project)
        body = ticket_body(ticket, due_in_body=True, marker=hidden_marker(ticket.marker))
        labels = [*ticket.labels, f"{PRIORITY_LABEL}{ticket.priority.value}", due_label(ticket.due_on)]
        assignees = [ticket.assignee.id] if ticket.assignee else []
        try:
            with self._calls():
                response = self._gh.rest.issues.create(
                    owner, repo, title=title(ticket.title), body=body, labels=labels, assignees=assignees
                )
        except TrackerFailed as error:
            if error.reason is not Reason.REFUSED or not assignees:
                raise
            # 422: the owner cannot be assigned here (not a collaborator); create unassigned.
            with self._calls():
                response = self._gh.rest.issues.create(
                    owner, repo, title=title(ticket.title), body=body, labels=labels
                )
        return self._ticket(project, response.raw_response.json(), response.headers.get("etag"))

    def find_by_marker(self, project: str, marker: str) -> Ticket | None:
        owner, repo = _split_repo(project)
        for page in range(1, MARKER_PAGES + 1):
            with self._calls():
                response = self._gh.rest.issues.list_for_repo(
                    owner,
                    repo,
                    labels=POSTMORTEM_LABEL,
                    state="all",
                    sort="created",
                    direction="desc",
                    per_page=_PER_PAGE,
                    page=page,
                )
            issues = response.raw_response.json()
            for raw in issues:
                if "pull_request" not in raw and find_marker(text_of(raw.get("body"))) == marker:
                    return self._ticket(project, raw)
            if 'rel="next"' not in response.headers.get("link", ""):
                return None
        return None

    def get(self, key: str, *, etag: str | None = None) -> Ticket | NotModified:
        repo, owner, name, number = _split_key(key)
        with self._calls():
            response = self._gh.rest.issues.get(
                owner, name, number, headers={"If-None-Match": etag} if etag else None
            )
        if response.status_code == 304:
            return NotModified(key)
        return self._ticket(repo, response.raw_response.json(), response.headers.get("etag"))

    def comment(self, key: str, text: str) -> None:
        _, owner, name, number = _split_key(key)
        with self._calls():
            self._gh.rest.issues.create_comment(owner, name, number, body=text)

    def close(self, key: str, state: TicketState, comment: str | None = None) -> Ticket:
        if state is TicketState.OPEN:
            return self.reopen(key, comment)
        reason = "not_planned" if state is TicketState.WONT_DO else "completed"
        return self._update(key, comment, state="closed", state_reason=reason)

    def reopen(self, key: str, comment: str | None = None) -> Ticket:
        return self._update(key, comment, state="open", state_reason="reopened")

    def _update(self, key: str, comment: str | None, **changes: Any) -> Ticket:
        repo, owner, name, number = _split_key(key)
        if comment:
            self.comment(key, comment)
        with self._calls():
            response = self._gh.rest.issues.update(owner, name, number, **changes)
        return self._ticket(repo, response.raw_response.json(), response.headers.get("etag"))

    def set_due(self, key: str, due_on: date | None, comment: str | None = None) -> Ticket:
        repo, owner, name, number = _split_key(key)
        with self._calls():
            raw = self._gh.rest.issues.get(owner, name, number).raw_response.json()
        current = self._ticket(repo, raw)
        labels = [label for label in current.labels if not label.startswith(DUE_LABEL)]
        body = text_of(raw.get("body"))
        line = f"Due: {due_on.isoformat()} (kept by postmortem-bot)" if due_on else ""
        if due_on:
            labels.append(due_label(due_on))
        if _DUE_LINE.search(body):
            body = _DUE_LINE.sub(line, body)
        elif line:
            body = f"{body}\n\n{line}" if body else line
        return self._update(key, comment, labels=labels, body=body)

    def find_user(self, email: str) -> TrackerUser | None:
        """By a public email (private ones cannot be searched), or a login (`@octocat` or `octocat`)."""
        if "@" not in email.strip("@"):
            try:
                with self._calls():
                    return _user(self._gh.rest.users.get_by_username(email.lstrip("@")).raw_response.json())
            except TrackerFailed as error:
                if error.reason is Reason.NOT_FOUND:
                    return None
                raise
        with self._calls():
            found = self._gh.rest.search.users(q=f"{email} in:email", per_page=2).raw_response.json()
        items = found.get("items") or []
        return _user(items[0]) if found.get("total_count") == 1 and items else None

    def parse_url(self, url: str) -> str | None:
        parts, web = urlsplit(url.strip()), urlsplit(self.web_url)
        if parts.netloc.lower() != web.netloc.lower():
            return None
        path = parts.path.removeprefix(web.path.rstrip("/")).strip("/").split("/")
        if len(path) != 4 or path[2] != "issues" or not path[3].isdigit() or path[3].startswith("0"):
            return None
        return f"{path[0]}/{path[1]}#{path[3]}"


def _user(raw: object) -> TrackerUser | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("login"), str):
        return None
    return TrackerUser(raw["login"], raw.get("name"), raw.get("email"))


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return text_of(body.get("message")) if isinstance(body, dict) else response.text[:200]


def _split_repo(project: str) -> tuple[str, str]:
    if not _REPO.fullmatch(project):
        raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a GitHub repository (owner/name): {project!r}")
    owner, _, repo = project.partition("/")
    return owner, repo


def _split_key(key: str) -> tuple[str, str, str, int]:
    found = _KEY.fullmatch(key)
    if found is None:
        raise TrackerFailed(KIND, Reason.NOT_FOUND, f"not a GitHub issue key (owner/name#number): {key!r}")
    owner, repo = _split_repo(found["repo"])
    return found["repo"], owner, repo, int(found["number"])
