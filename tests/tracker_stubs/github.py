"""GitHubStub: GitHub's REST API for issues, as githubkit calls it (`GitHub(token, base_url=stub.api_url)`).

Answers `X-RateLimit-*` on every response (a 304 costs nothing), ETags on issues and 304 to a matching
If-None-Match, `Link` pagination on issue lists, 422 for an assignee who is not a collaborator, labels
made on first use, and the `issues` webhook payloads for what happened (`issue_event`).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote

from tests.tracker_stubs.base import HTTPError, Reply, Request, Route, TrackerStub

_NOW = "2025-03-15T18:00:00Z"


class GitHubStub(TrackerStub):
    name = "github"

    def __init__(self, token: str = "ghp_test", *, login: str = "pmbot", scopes: str | None = "repo") -> None:
        super().__init__()
        self.token = token
        self.login = login
        self.scopes = scopes
        self.repos: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[int, dict[str, Any]]] = {}
        self.comments: dict[str, list[str]] = {}
        self.users: dict[str, dict[str, Any]] = {login: self._user_json(login, None)}
        self.collaborators: dict[str, set[str]] = {}
        self.labels: dict[str, set[str]] = {}
        self.remaining = 5000
        self.reset_at = 1_900_000_000
        self.clock = _NOW

    @property
    def api_url(self) -> str:
        return self.root + "/"

    # ---- seeding ------------------------------------------------------------------------------

    def add_repo(self, full_name: str, *, has_issues: bool = True, push: bool = True) -> None:
        with self._lock:
            self.repos[full_name] = {"has_issues": has_issues, "push": push}
            self.issues.setdefault(full_name, {})
            self.collaborators.setdefault(full_name, {self.login})
            self.labels.setdefault(full_name, set())

    def add_user(self, login: str, *, email: str | None = None, collaborator_of: str | None = None) -> None:
        with self._lock:
            self.users[login] = self._user_json(login, email)
            if collaborator_of:
                self.collaborators.setdefault(collaborator_of, set()).add(login)

    def add_issue(self, repo: str, title: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._create(repo, {"title": title, **fields}))

    def issue(self, key: str) -> dict[str, Any]:
        repo, _, number = key.partition("#")
        with self._lock:
            return copy.deepcopy(self.issues[repo][int(number)])

    def edit(self, key: str, **fields: Any) -> dict[str, Any]:
        """A change made by a person in GitHub (labels as names, assignee as a login or None)."""
        repo, _, number = key.partition("#")
        with self._lock:
            issue = self.issues[repo][int(number)]
            self._apply(repo, issue, fields)
            return copy.deepcopy(issue)

    # ---- JSON ---------------------------------------------------------------------------------

    def _user_json(self, login: str, email: str | None) -> dict[str, Any]:
        return {
            "login": login,
            "id": abs(hash(login)) % 10**8,
            "type": "User",
            "site_admin": False,
            "email": email,
        }

    def _label_json(self, name: str) -> dict[str, Any]:
        return {
            "id": abs(hash(name)) % 10**8,
            "name": name,
            "color": "ededed",
            "default": False,
            "description": None,
        }

    def _apply(self, repo: str, issue: dict[str, Any], fields: dict[str, Any]) -> None:
        for name in ("title", "body"):
            if name in fields:
                issue[name] = fields[name]
        if "labels" in fields:
            names = [label if isinstance(label, str) else label["name"] for label in fields["labels"]]
            self.labels.setdefault(repo, set()).update(names)
            issue["labels"] = [self._label_json(n) for n in names]
        if "assignees" in fields or "assignee" in fields:
            logins = fields.get("assignees", [fields.get("assignee")] if fields.get("assignee") else [])
            issue["assignees"] = [self.users[login] for login in logins]
            issue["assignee"] = issue["assignees"][0] if issue["assignees"] else None
        if "state" in fields:
            issue["state"] = fields["state"]
            issue["state_reason"] = fields.get("state_reason") or (
                "completed" if fields["state"] == "closed" else None
            )
            issue["closed_at"] = self.clock if fields["state"] == "closed" else None
        issue["updated_at"] = self.clock

    def _create(self, repo: str, data: dict[str, Any]) -> dict[str, Any]:
        if not data.get("title"):
            raise HTTPError(
                422, {"message": "Validation Failed", "errors": [{"field": "title", "code": "missing_field"}]}
            )
        for login in data.get("assignees") or []:
            if login not in self.collaborators.get(repo, set()):
                raise HTTPError(
                    422,
                    {
                        "message": "Validation Failed",
                        "errors": [
                            {"value": login, "resource": "Issue", "field": "assignees", "code": "invalid"}
                        ],
                    },
                )
        number = max(self.issues[repo], default=0) + 1
        issue: dict[str, Any] = {
            "id": 1000 + number,
            "node_id": f"I_{number}",
            "url": f"{self.root}/repos/{repo}/issues/{number}",
            "html_url": f"{self.root}/{repo}/issues/{number}",
            "number": number,
            "state": "open",
            "state_reason": None,
            "title": "",
            "body": None,
            "user": self.users[self.login],
            "labels": [],
            "assignee": None,
            "assignees": [],
            "milestone": None,
            "locked": False,
            "comments": 0,
            "created_at": self.clock,
            "updated_at": self.clock,
            "closed_at": None,
            "author_association": "OWNER",
        }
        self._apply(repo, issue, {k: v for k, v in data.items() if k != "state"})
        self.issues[repo][number] = issue
        return issue

    # ---- the HTTP API -------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Reply | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("token", "bearer") or token != self.token:
            return Reply(
                401, {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"}
            )
        return None

    def common_headers(self, request: Request, status: int) -> dict[str, str]:
        if status != 304 and status != 429:
            self.remaining = max(0, self.remaining - 1)
        return {
            "X-RateLimit-Limit": "5000",
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
            "X-RateLimit-Resource": "search" if request.path.startswith("/search") else "core",
            "X-GitHub-Api-Version-Selected": request.headers.get("x-github-api-version", "2022-11-28"),
        }

    def rate_limited(self, retry_after: int, headers: dict[str, str]) -> Reply:
        """A secondary rate limit: 403 with Retry-After (primary ones are remaining 0 and a reset)."""
        return Reply(
            403,
            {"message": "You have exceeded a secondary rate limit. Please wait a few minutes and try again."},
            {"Retry-After": str(retry_after), **headers},
        )

    def exhaust(self, reset_in: int = 600) -> None:
        """Spend the primary rate limit: the next answers say remaining 0, resetting in `reset_in` s."""
        with self._lock:
            self.remaining = 0
            self.reset_at = int(datetime.now(UTC).timestamp()) + reset_in

    def routes(self) -> list[Route]:
        repo = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
        return [
            ("GET", re.compile(r"/user"), self._get_user),
            ("GET", re.compile(r"/users/(?P<login>[^/]+)"), self._get_user_by_login),
            ("GET", re.compile(r"/search/users"), self._search_users),
            ("GET", re.compile(repo), self._get_repo),
            ("POST", re.compile(repo + r"/issues"), self._post_issue),
            ("GET", re.compile(repo + r"/issues"), self._list_issues),
            ("GET", re.compile(repo + r"/issues/(?P<number>[0-9]+)"), self._get_issue),
            ("PATCH", re.compile(repo + r"/issues/(?P<number>[0-9]+)"), self._patch_issue),
            ("POST", re.compile(repo + r"/issues/(?P<number>[0-9]+)/comments"), self._post_comment),
        ]

    def _repo(self, request: Request) -> str:
        name = f"{unquote(request.params['owner'])}/{unquote(request.params['repo'])}"
        if name not in self.repos:
            raise HTTPError(404, {"message": "Not Found"})
        return name

    def _issue(self, request: Request) -> tuple[str, dict[str, Any]]:
        repo = self._repo(request)
        issue = self.issues[repo].get(int(request.params["number"]))
        if issue is None:
            raise HTTPError(404, {"message": "Not Found"})
        return repo, issue

    @staticmethod
    def _etag(issue: dict[str, Any]) -> str:
        return 'W/"' + hashlib.sha256(json.dumps(issue, sort_keys=True).encode()).hexdigest()[:32] + '"'

    def _get_user(self, request: Request) -> Reply:
        headers = {"X-OAuth-Scopes": self.scopes} if self.scopes is not None else {}
        return Reply(200, self.users[self.login], headers)

    def _get_user_by_login(self, request: Request) -> Reply:
        user = self.users.get(unquote(request.params["login"]))
        if user is None:
            raise HTTPError(404, {"message": "Not Found"})
        return Reply(200, user)

    def _search_users(self, request: Request) -> Reply:
        found = re.fullmatch(r"(?P<email>\S+) in:email", request.arg("q") or "")
        items = [u for u in self.users.values() if found and u.get("email") == found["email"]]
        return Reply(200, {"total_count": len(items), "incomplete_results": False, "items": items})

    def _get_repo(self, request: Request) -> Reply:
        name = self._repo(request)
        repo = self.repos[name]
        return Reply(
            200,
            {
                "id": abs(hash(name)) % 10**8,
                "full_name": name,
                "name": name.split("/")[1],
                "has_issues": repo["has_issues"],
                "permissions": {
                    "admin": False,
                    "maintain": False,
                    "push": repo["push"],
                    "triage": repo["push"],
                    "pull": True,
                },
            },
        )

    def _post_issue(self, request: Request) -> Reply:
        repo = self._repo(request)
        issue = self._create(repo, request.json or {})
        return Reply(201, issue, {"ETag": self._etag(issue)})

    def _list_issues(self, request: Request) -> Reply:
        repo = self._repo(request)
        state = request.arg("state", "open")
        wanted = [n for n in (request.arg("labels") or "").split(",") if n]
        issues = [
            i
            for i in self.issues[repo].values()
            if (state == "all" or i["state"] == state)
            and all(n in {lab["name"] for lab in i["labels"]} for n in wanted)
        ]
        issues.sort(key=lambda i: i["number"], reverse=request.arg("direction", "desc") == "desc")
        per_page, page = int(request.arg("per_page", "30") or 30), int(request.arg("page", "1") or 1)
        chunk = issues[(page - 1) * per_page : page * per_page]
        headers = {}
        if page * per_page < len(issues):
            labels = request.arg("labels") or ""
            base = f"{self.root}{request.path}?labels={labels}&state={state}&per_page={per_page}"
            headers["Link"] = f'<{base}&page={page + 1}>; rel="next"'
        return Reply(200, chunk, headers)

    def _get_issue(self, request: Request) -> Reply:
        _, issue = self._issue(request)
        etag = self._etag(issue)
        if request.headers.get("if-none-match") == etag:
            return Reply(304, None, {"ETag": etag})
        return Reply(200, issue, {"ETag": etag})

    def _patch_issue(self, request: Request) -> Reply:
        repo, issue = self._issue(request)
        data = request.json or {}
        for login in data.get("assignees") or []:
            if login not in self.collaborators.get(repo, set()):
                raise HTTPError(422, {"message": "Validation Failed"})
        self._apply(repo, issue, data)
        return Reply(200, issue, {"ETag": self._etag(issue)})

    def _post_comment(self, request: Request) -> Reply:
        repo, issue = self._issue(request)
        body = (request.json or {}).get("body")
        self.comments.setdefault(f"{repo}#{issue['number']}", []).append(body)
        issue["comments"] += 1
        return Reply(201, {"id": len(self.comments), "body": body, "user": self.users[self.login]})

    # ---- webhooks -----------------------------------------------------------------------------

    def issue_event(self, key: str, action: str, *, sender: str = "octocat", **extra: Any) -> dict[str, Any]:
        """The `issues` webhook payload GitHub sends for `action` on this issue, as it is now."""
        repo, _, _ = key.partition("#")
        return {
            "action": action,
            "issue": self.issue(key),
            "repository": {
                "full_name": repo,
                "name": repo.split("/")[1],
                "owner": {"login": repo.split("/")[0]},
            },
            "sender": {"login": sender, "type": "User"},
            **extra,
        }
