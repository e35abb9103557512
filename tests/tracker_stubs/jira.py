"""JiraStub: Jira's REST API (v2, and Cloud's v3 `search/jql`) as atlassian-python-api calls it.

`JiraStub(cloud=True)` is a Cloud site (basic auth with email + API token, accountIds, enhanced search
paged by nextPageToken); `cloud=False` a Data Center one (a personal access token as bearer, user names,
`/rest/api/2/search` paged by startAt). The workflow is "all transitions": one into each status.
`resolution_screen=True` is a company-managed project (done transitions ask for a resolution: Done,
Won't Do, Duplicate, Cannot Reproduce); False a team-managed one (statuses Done and Won't Do, no field).
A create naming a field the screen lacks gets Jira's 400. 429s carry Retry-After.
"""

from __future__ import annotations

import base64
import copy
import re
from typing import Any
from urllib.parse import unquote

from tests.tracker_stubs.base import HTTPError, Reply, Request, Route, TrackerStub

_NOW = "2025-03-15T18:00:00.000+0000"
_SCREEN = frozenset(
    {"project", "issuetype", "summary", "description", "duedate", "priority", "labels", "assignee"}
)
_JQL = re.compile(r'project = "(?P<project>[^"]+)" AND labels = "(?P<label>[^"]+)"(?: ORDER BY .*)?')
PRIORITIES = ("Highest", "High", "Medium", "Low", "Lowest")


class JiraStub(TrackerStub):
    name = "jira"

    def __init__(
        self,
        *,
        cloud: bool = True,
        email: str = "pmbot@example.com",
        token: str = "jira-token",
        resolution_screen: bool = True,
    ) -> None:
        super().__init__()
        self.cloud = cloud
        self.email = email
        self.token = token
        self.resolution_screen = resolution_screen
        self.statuses = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}
        if not resolution_screen:
            self.statuses["Won't Do"] = "done"
        self.resolutions = ("Done", "Won't Do", "Duplicate", "Cannot Reproduce")
        self.users: dict[str, dict[str, Any]] = {}
        self.me = self.add_user("pmbot", "Postmortem Bot", email)
        self.projects: dict[str, dict[str, Any]] = {}
        self.issues: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[str]] = {}
        self.clock = _NOW

    @property
    def url(self) -> str:
        return self.root

    # ---- seeding ------------------------------------------------------------------------------

    def add_user(self, name: str, display: str, email: str | None, *, email_visible: bool = True) -> str:
        user_id = f"5b10ac8d82e05b22cc7d{len(getattr(self, 'users', {})):04d}" if self.cloud else name
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "displayName": display,
            "email": email,
            "visible": email_visible,
        }
        return user_id

    def add_project(
        self, key: str, *, screen: frozenset[str] = _SCREEN, issue_types: tuple[str, ...] = ("Task", "Bug")
    ) -> None:
        with self._lock:
            self.projects[key] = {
                "id": str(10000 + len(self.projects)),
                "key": key,
                "screen": set(screen),
                "types": issue_types,
            }

    def issue(self, key: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self.issues[key])

    def move(self, key: str, status: str, resolution: str | None = None) -> None:
        """A person moves the issue in Jira."""
        with self._lock:
            self._set_status(self.issues[key], status, resolution)

    def edit(self, key: str, **fields: Any) -> None:
        with self._lock:
            self.issues[key]["fields"].update(fields)

    # ---- JSON ---------------------------------------------------------------------------------

    def user_json(self, user_id: str) -> dict[str, Any]:
        user = self.users[user_id]
        out = {"displayName": user["displayName"], "active": True}
        out |= (
            {"accountId": user_id, "accountType": "atlassian"}
            if self.cloud
            else {"name": user["name"], "key": user["name"]}
        )
        if user["visible"] and user["email"]:
            out["emailAddress"] = user["email"]
        return out

    def _status_json(self, name: str) -> dict[str, Any]:
        return {
            "name": name,
            "id": str(list(self.statuses).index(name) + 1),
            "statusCategory": {"key": self.statuses[name]},
        }

    def _set_status(self, issue: dict[str, Any], status: str, resolution: str | None) -> None:
        fields = issue["fields"]
        fields["status"] = self._status_json(status)
        done = self.statuses[status] == "done"
        if done and resolution is None and not self.resolution_screen:
            resolution = status  # team-managed: the status names the outcome
        fields["resolution"] = {"name": resolution} if done and resolution else None
        fields["updated"] = self.clock

    def _transitions(self) -> list[dict[str, Any]]:
        out = []
        for index, name in enumerate(self.statuses):
            transition: dict[str, Any] = {
                "id": str(11 + index * 10),
                "name": name,
                "to": self._status_json(name),
                "fields": {},
            }
            if self.resolution_screen and self.statuses[name] == "done":
                transition["fields"]["resolution"] = {
                    "required": True,
                    "name": "Resolution",
                    "allowedValues": [{"id": str(i + 1), "name": r} for i, r in enumerate(self.resolutions)],
                }
            out.append(transition)
        return out

    # ---- the HTTP API -------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Reply | None:
        header = request.headers.get("authorization", "")
        scheme, _, value = header.partition(" ")
        if scheme == "Basic":
            ok = base64.b64decode(value).decode() == f"{self.email}:{self.token}"
        else:
            ok = scheme == "Bearer" and value == self.token and not self.cloud
        if not ok:
            return Reply(401, b"Unauthorized", {"Content-Type": "text/html"})
        return None

    def rate_limited(self, retry_after: int, headers: dict[str, str]) -> Reply:
        return Reply(
            429,
            {"errorMessages": ["Rate limit exceeded."]},
            {
                "Retry-After": str(retry_after),
                "X-RateLimit-Limit": "100",
                "X-RateLimit-Remaining": "0",
                "RateLimit-Reason": "jira-burst-based",
                **headers,
            },
        )

    def routes(self) -> list[Route]:
        api = r"/rest/api/2"
        issue = api + r"/issue/(?P<key>[A-Z][A-Z0-9_]*-[0-9]+)"
        return [
            ("GET", re.compile(api + r"/myself"), lambda r: Reply(200, self.user_json(self.me))),
            ("GET", re.compile(api + r"/project/(?P<key>[^/]+)"), self._get_project),
            ("GET", re.compile(api + r"/issue/createmeta/(?P<key>[^/]+)/issuetypes"), self._issue_types),
            (
                "GET",
                re.compile(api + r"/issue/createmeta/(?P<key>[^/]+)/issuetypes/(?P<id>[0-9]+)"),
                self._fields,
            ),
            ("POST", re.compile(api + r"/issue"), self._create),
            ("GET", re.compile(issue), lambda r: Reply(200, self._issue(r))),
            ("PUT", re.compile(issue), self._update),
            ("POST", re.compile(issue + r"/comment"), self._comment),
            (
                "GET",
                re.compile(issue + r"/transitions"),
                lambda r: Reply(200, {"transitions": self._transitions()}),
            ),
            ("POST", re.compile(issue + r"/transitions"), self._transition),
            ("GET", re.compile(r"/rest/api/3/search/jql"), self._search_cloud),
            ("GET", re.compile(api + r"/search"), self._search_dc),
            ("GET", re.compile(api + r"/user/search"), self._user_search),
        ]

    def _project(self, request: Request) -> dict[str, Any]:
        project = self.projects.get(unquote(request.params["key"]))
        if project is None:
            raise HTTPError(404, {"errorMessages": ["No project could be found with key."], "errors": {}})
        return project

    def _issue(self, request: Request) -> dict[str, Any]:
        issue = self.issues.get(request.params["key"])
        if issue is None:
            raise HTTPError(
                404,
                {
                    "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                    "errors": {},
                },
            )
        return issue

    def _get_project(self, request: Request) -> Reply:
        project = self._project(request)
        return Reply(200, {"id": project["id"], "key": project["key"], "name": project["key"].title()})

    def _issue_types(self, request: Request) -> Reply:
        project = self._project(request)
        types = [
            {"id": str(10001 + i), "name": name, "subtask": False} for i, name in enumerate(project["types"])
        ]
        return Reply(
            200,
            {
                "maxResults": 50,
                "startAt": 0,
                "total": len(types),
                "issueTypes" if self.cloud else "values": types,
            },
        )

    def _fields(self, request: Request) -> Reply:
        project = self._project(request)
        fields = [
            {"fieldId": f, "key": f, "name": f.title(), "required": f in ("summary", "project", "issuetype")}
            | (
                {"allowedValues": [{"id": str(i + 1), "name": p} for i, p in enumerate(PRIORITIES)]}
                if f == "priority"
                else {}
            )
            for f in sorted(project["screen"])
        ]
        return Reply(
            200,
            {
                "maxResults": 50,
                "startAt": 0,
                "total": len(fields),
                "fields" if self.cloud else "values": fields,
            },
        )

    def _create(self, request: Request) -> Reply:
        fields = (request.json or {}).get("fields") or {}
        project = self.projects.get((fields.get("project") or {}).get("key", ""))
        if project is None:
            raise HTTPError(400, {"errorMessages": [], "errors": {"project": "valid project is required"}})
        errors = {
            f: f"Field '{f}' cannot be set. It is not on the appropriate screen, or unknown."
            for f in fields
            if f not in project["screen"]
        }
        if (fields.get("issuetype") or {}).get("name") not in project["types"]:
            errors["issuetype"] = "Specify a valid issue type"
        if (
            "priority" in fields
            and "priority" not in errors
            and fields["priority"].get("name") not in PRIORITIES
        ):
            errors["priority"] = "Specify a valid priority"
        assignee = fields.get("assignee")
        if (
            assignee
            and "assignee" not in errors
            and (assignee.get("accountId") or assignee.get("name")) not in self.users
        ):
            errors["assignee"] = "User cannot be assigned issues."
        if errors:
            raise HTTPError(400, {"errorMessages": [], "errors": errors})
        number = 1 + sum(1 for k in self.issues if k.startswith(project["key"] + "-"))
        key = f"{project['key']}-{number}"
        issue_id = str(20000 + len(self.issues))
        owner = assignee.get("accountId") or assignee.get("name") if assignee else None
        self.issues[key] = {
            "id": issue_id,
            "key": key,
            "self": f"{self.root}/rest/api/2/issue/{issue_id}",
            "fields": {
                "summary": fields.get("summary"),
                "description": fields.get("description"),
                "issuetype": {"name": fields["issuetype"]["name"]},
                "project": {"key": project["key"]},
                "labels": list(fields.get("labels") or []),
                "duedate": fields.get("duedate"),
                "priority": fields.get("priority"),
                "assignee": self.user_json(owner) if owner else None,
                "created": self.clock,
            },
        }
        self._set_status(self.issues[key], "To Do", None)
        return Reply(201, {"id": issue_id, "key": key, "self": self.issues[key]["self"]})

    def _update(self, request: Request) -> Reply:
        issue = self._issue(request)
        fields = (request.json or {}).get("fields") or {}
        issue["fields"].update({k: v for k, v in fields.items() if k in ("duedate", "summary", "labels")})
        issue["fields"]["updated"] = self.clock
        return Reply(204, None)

    def _comment(self, request: Request) -> Reply:
        issue = self._issue(request)
        body = (request.json or {}).get("body")
        self.comments.setdefault(issue["key"], []).append(body)
        return Reply(201, {"id": str(sum(len(c) for c in self.comments.values())), "body": body})

    def _transition(self, request: Request) -> Reply:
        issue = self._issue(request)
        data = request.json or {}
        chosen = next(
            (t for t in self._transitions() if t["id"] == str((data.get("transition") or {}).get("id"))), None
        )
        if chosen is None:
            raise HTTPError(
                400, {"errorMessages": ["Transition id is not valid for this issue."], "errors": {}}
            )
        resolution = ((data.get("fields") or {}).get("resolution") or {}).get("name")
        needed = chosen["fields"].get("resolution")
        if needed and resolution not in self.resolutions:
            raise HTTPError(400, {"errorMessages": [], "errors": {"resolution": "Resolution is required."}})
        self._set_status(issue, chosen["to"]["name"], resolution)
        return Reply(204, None)

    def _matches(self, request: Request) -> list[dict[str, Any]]:
        found = _JQL.fullmatch(request.arg("jql") or "")
        if found is None:
            raise HTTPError(
                400,
                {"errorMessages": [f"the stand-in reads no such JQL: {request.arg('jql')!r}"], "errors": {}},
            )
        return [
            i
            for key, i in sorted(self.issues.items(), key=lambda kv: int(kv[0].rsplit("-", 1)[1]))
            if i["fields"]["project"]["key"] == found["project"] and found["label"] in i["fields"]["labels"]
        ]

    def _search_cloud(self, request: Request) -> Reply:
        if not self.cloud:
            raise HTTPError(404, {"errorMessages": ["null for uri"]})
        matches = self._matches(request)
        size, start = int(request.arg("maxResults", "50") or 50), int(request.arg("nextPageToken", "0") or 0)
        page: dict[str, Any] = {
            "issues": matches[start : start + size],
            "isLast": start + size >= len(matches),
        }
        if not page["isLast"]:
            page["nextPageToken"] = str(start + size)
        return Reply(200, page)

    def _search_dc(self, request: Request) -> Reply:
        if self.cloud:
            raise HTTPError(
                410,
                {
                    "errorMessages": [
                        "The requested API has been removed. Please migrate to /rest/api/3/search/jql."
                    ]
                },
            )
        matches = self._matches(request)
        size, start = int(request.arg("maxResults", "50") or 50), int(request.arg("startAt", "0") or 0)
        return Reply(
            200,
            {
                "startAt": start,
                "maxResults": size,
                "total": len(matches),
                "issues": matches[start : start + size],
            },
        )

    def _user_search(self, request: Request) -> Reply:
        text = (request.arg("query") if self.cloud else request.arg("username")) or ""
        if not text:
            raise HTTPError(400, {"errorMessages": ["The username/query parameter is required."]})
        needle = text.casefold()
        found = [
            self.user_json(uid)
            for uid, u in self.users.items()
            if needle in u["displayName"].casefold()
            or needle == (u["email"] or "").casefold()
            or needle == u["name"].casefold()
        ]
        return Reply(200, found)

    # ---- webhooks -----------------------------------------------------------------------------

    def issue_updated(
        self,
        key: str,
        items: list[dict[str, Any]],
        *,
        by: str | None = None,
        timestamp: int = 1_742_061_600_000,
    ) -> dict[str, Any]:
        """The `jira:issue_updated` payload: the issue as it is now and a changelog of `items`
        (`{"field": "status", "fieldId": "status", "fromString": …, "toString": …}`)."""
        return {
            "timestamp": timestamp,
            "webhookEvent": "jira:issue_updated",
            "issue_event_type_name": "issue_generic",
            "user": self.user_json(by or self.me),
            "issue": self.issue(key),
            "changelog": {"id": "10500", "items": items},
        }
