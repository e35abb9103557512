"""GitLabStub: GitLab's REST API v4 for issues, as python-gitlab calls it (`Gitlab(stub.url, …)`).

Answers `RateLimit-*` on every response and `Retry-After` on a 429, `Link` / `X-Next-Page` pagination,
project paths URL-encoded (`group%2Fproject`), labels as a comma-separated string (made on first use),
`state_event`, `add_labels` / `remove_labels`, and the Issue Hook payloads for what happened (`issue_hook`).
"""

from __future__ import annotations

import copy
import re
import time
from typing import Any
from urllib.parse import unquote

from tests.tracker_stubs.base import HTTPError, Reply, Request, Route, TrackerStub

_NOW = "2025-03-15T18:00:00.000Z"
API = "/api/v4"


def _labels(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value or "").split(",") if v.strip()]


class GitLabStub(TrackerStub):
    name = "gitlab"

    def __init__(self, token: str = "glpat-test", *, username: str = "pmbot") -> None:
        super().__init__()
        self.token = token
        self.users: dict[int, dict[str, Any]] = {}
        self.me = self.add_user(username, email=None)
        self.projects: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[int, dict[str, Any]]] = {}
        self.notes: dict[str, list[str]] = {}
        self.remaining = 2000
        self.clock = _NOW

    @property
    def url(self) -> str:
        return self.root

    # ---- seeding ------------------------------------------------------------------------------

    def add_user(self, username: str, *, email: str | None = None, public_email: str | None = None) -> int:
        user_id = len(getattr(self, "users", {})) + 1
        self.users[user_id] = {
            "id": user_id,
            "username": username,
            "name": username.title(),
            "state": "active",
            "public_email": public_email,
            "_email": email,
        }
        return user_id

    def add_project(self, path: str, *, issues_enabled: bool = True, access_level: int = 30) -> None:
        with self._lock:
            self.projects[path] = {
                "id": len(self.projects) + 1,
                "path_with_namespace": path,
                "web_url": f"{self.root}/{path}",
                "issues_enabled": issues_enabled,
                "permissions": {"project_access": {"access_level": access_level}, "group_access": None},
            }
            self.issues.setdefault(path, {})

    def add_issue(self, project: str, title: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._create(project, {"title": title, **fields}))

    def issue(self, key: str) -> dict[str, Any]:
        project, _, iid = key.partition("#")
        with self._lock:
            return copy.deepcopy(self.issues[project][int(iid)])

    def edit(self, key: str, **fields: Any) -> dict[str, Any]:
        """A change made by a person in GitLab (the same fields the API takes)."""
        project, _, iid = key.partition("#")
        with self._lock:
            issue = self.issues[project][int(iid)]
            self._apply(issue, fields)
            return copy.deepcopy(issue)

    # ---- JSON ---------------------------------------------------------------------------------

    def _public_user(self, user_id: int) -> dict[str, Any]:
        user = self.users[user_id]
        return {k: v for k, v in user.items() if not k.startswith("_")} | {
            "web_url": f"{self.root}/{user['username']}"
        }

    def _apply(self, issue: dict[str, Any], data: dict[str, Any]) -> None:
        for name in ("title", "description"):
            if name in data:
                issue[name] = data[name]
        if "due_date" in data:
            issue["due_date"] = data["due_date"] or None
        if "labels" in data:
            issue["labels"] = _labels(data["labels"])
        for label in _labels(data.get("add_labels")):
            if label not in issue["labels"]:
                issue["labels"].append(label)
        removed = set(_labels(data.get("remove_labels")))
        issue["labels"] = [label for label in issue["labels"] if label not in removed]
        if "assignee_ids" in data:
            ids = [int(i) for i in data["assignee_ids"] or [] if int(i) in self.users]
            issue["assignees"] = [self._public_user(i) for i in ids]
            issue["assignee"] = issue["assignees"][0] if ids else None
        event = data.get("state_event")
        if event == "close":
            issue["state"], issue["closed_at"] = "closed", self.clock
        elif event == "reopen":
            issue["state"], issue["closed_at"] = "opened", None
        issue["updated_at"] = self.clock

    def _create(self, project: str, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("title"):
            raise HTTPError(400, {"error": "title is missing"})
        iid = max(self.issues[project], default=0) + 1
        issue: dict[str, Any] = {
            "id": 5000 + iid,
            "iid": iid,
            "project_id": self.projects[project]["id"],
            "title": "",
            "description": None,
            "state": "opened",
            "created_at": self.clock,
            "updated_at": self.clock,
            "closed_at": None,
            "labels": [],
            "assignees": [],
            "assignee": None,
            "author": self._public_user(self.me),
            "due_date": None,
            "web_url": f"{self.root}/{project}/-/issues/{iid}",
            "references": {"short": f"#{iid}", "relative": f"#{iid}", "full": f"{project}#{iid}"},
        }
        self._apply(issue, data)
        self.issues[project][iid] = issue
        return issue

    # ---- the HTTP API -------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Reply | None:
        if request.headers.get("private-token") != self.token:
            return Reply(401, {"message": "401 Unauthorized"})
        return None

    def common_headers(self, request: Request, status: int) -> dict[str, str]:
        if status != 429:
            self.remaining = max(0, self.remaining - 1)
        reset = int(time.time()) + 60
        return {
            "RateLimit-Limit": "2000",
            "RateLimit-Remaining": str(self.remaining),
            "RateLimit-Reset": str(reset),
        }

    def rate_limited(self, retry_after: int, headers: dict[str, str]) -> Reply:
        return Reply(
            429,
            {"message": "Retry later"},
            {"Retry-After": str(retry_after), "RateLimit-Remaining": "0", **headers},
        )

    def routes(self) -> list[Route]:
        project = API + r"/projects/(?P<project>[^/]+)"
        issue = project + r"/issues/(?P<iid>[0-9]+)"
        return [
            ("GET", re.compile(API + r"/user"), lambda r: Reply(200, self._public_user(self.me))),
            ("GET", re.compile(API + r"/users"), self._list_users),
            ("GET", re.compile(project), self._get_project),
            ("POST", re.compile(project + r"/issues"), self._post_issue),
            ("GET", re.compile(project + r"/issues"), self._list_issues),
            ("GET", re.compile(issue), self._get_issue),
            ("PUT", re.compile(issue), self._put_issue),
            ("POST", re.compile(issue + r"/notes"), self._post_note),
        ]

    def _project(self, request: Request) -> str:
        path = unquote(request.params["project"])
        if path not in self.projects:
            raise HTTPError(404, {"message": "404 Project Not Found"})
        return path

    def _issue(self, request: Request) -> tuple[str, dict[str, Any]]:
        project = self._project(request)
        found = self.issues[project].get(int(request.params["iid"]))
        if found is None:
            raise HTTPError(404, {"message": "404 Not found"})
        return project, found

    def _list_users(self, request: Request) -> Reply:
        search, username = request.arg("search"), request.arg("username")
        users = [
            self._public_user(u["id"])
            for u in self.users.values()
            if (username and u["username"] == username)
            or (
                search
                and (search.casefold() in (u["username"].casefold(), (u["public_email"] or "").casefold()))
            )
        ]
        return Reply(200, users)

    def _get_project(self, request: Request) -> Reply:
        return Reply(200, self.projects[self._project(request)])

    def _post_issue(self, request: Request) -> Reply:
        return Reply(201, self._create(self._project(request), request.json or {}))

    def _list_issues(self, request: Request) -> Reply:
        project = self._project(request)
        wanted = _labels(request.arg("labels"))
        search = request.arg("search")
        issues = [
            i
            for i in self.issues[project].values()
            if all(label in i["labels"] for label in wanted)
            and (not search or search in (i["title"] or "") or search in (i["description"] or ""))
        ]
        issues.sort(key=lambda i: i["iid"], reverse=request.arg("sort", "desc") == "desc")
        per_page, page = int(request.arg("per_page", "20") or 20), int(request.arg("page", "1") or 1)
        chunk = issues[(page - 1) * per_page : page * per_page]
        headers = {"X-Page": str(page), "X-Per-Page": str(per_page), "X-Total": str(len(issues))}
        if page * per_page < len(issues):
            headers["X-Next-Page"] = str(page + 1)
            headers["Link"] = f'<{self.root}{request.path}?page={page + 1}&per_page={per_page}>; rel="next"'
        return Reply(200, chunk, headers)

    def _get_issue(self, request: Request) -> Reply:
        return Reply(200, self._issue(request)[1])

    def _put_issue(self, request: Request) -> Reply:
        _, issue = self._issue(request)
        self._apply(issue, request.json or {})
        return Reply(200, issue)

    def _post_note(self, request: Request) -> Reply:
        project, issue = self._issue(request)
        body = (request.json or {}).get("body")
        self.notes.setdefault(f"{project}#{issue['iid']}", []).append(body)
        return Reply(
            201, {"id": sum(len(n) for n in self.notes.values()), "body": body, "noteable_iid": issue["iid"]}
        )

    # ---- webhooks -----------------------------------------------------------------------------

    def issue_hook(
        self, key: str, action: str, *, changes: dict[str, Any] | None = None, by: str = "alice"
    ) -> dict[str, Any]:
        """The Issue Hook payload GitLab sends for `action` (open, close, reopen, update)."""
        project, _, _ = key.partition("#")
        issue = self.issue(key)
        attributes = {
            **{
                k: issue[k]
                for k in (
                    "id",
                    "iid",
                    "title",
                    "description",
                    "state",
                    "due_date",
                    "created_at",
                    "updated_at",
                )
            },
            "action": action,
            "url": issue["web_url"],
            "assignee_ids": [a["id"] for a in issue["assignees"]],
            "labels": [{"title": label} for label in issue["labels"]],
        }
        return {
            "object_kind": "issue",
            "event_type": "issue",
            "user": {"id": 99, "name": by.title(), "username": by},
            "project": {
                "id": self.projects[project]["id"],
                "path_with_namespace": project,
                "web_url": f"{self.root}/{project}",
            },
            "object_attributes": attributes,
            "labels": [{"title": label} for label in issue["labels"]],
            "assignees": [
                {"id": a["id"], "username": a["username"], "name": a["name"]} for a in issue["assignees"]
            ],
            "changes": changes or {},
        }
