"""LinearStub: Linear's GraphQL endpoint for the operations LinearTracker sends, told apart by name.

It reads no GraphQL: each named operation (`query Team`, `mutation CreateIssue`, …) has a handler over
the variables, answering `{"data": …}` or `{"errors": [{"message", "extensions": {"code"}}]}` with the
status Linear uses (400 for RATELIMITED and bad input). Every answer carries `X-RateLimit-Requests-*`
and `X-RateLimit-Complexity-*` (resets in epoch milliseconds). `issue_webhook` builds the Issue webhook
payload for what happened.
"""

from __future__ import annotations

import copy
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from tests.tracker_stubs.base import HTTPError, Reply, Request, Route, TrackerStub

_NOW = "2025-03-15T18:00:00.000Z"
_OPERATION = re.compile(r"\b(?:query|mutation)\s+(?P<name>[A-Za-z]+)")
STATES = (
    ("Backlog", "backlog", 0),
    ("Todo", "unstarted", 1),
    ("In Progress", "started", 2),
    ("Done", "completed", 3),
    ("Canceled", "canceled", 4),
    ("Duplicate", "canceled", 5),
)


def _error(message: str, code: str, status: int = 400) -> HTTPError:
    return HTTPError(status, {"errors": [{"message": message, "extensions": {"code": code}}], "data": None})


class LinearStub(TrackerStub):
    name = "linear"

    def __init__(self, api_key: str = "lin_api_test") -> None:
        super().__init__()
        self.api_key = api_key
        self.users: dict[str, dict[str, Any]] = {}
        self.viewer = self.add_user("Postmortem Bot", "pmbot@example.com")
        self.teams: dict[str, dict[str, Any]] = {}
        self.labels: list[dict[str, Any]] = []
        self.issues: dict[str, dict[str, Any]] = {}
        self.comments: dict[str, list[str]] = {}
        self.remaining = 2500
        self.clock = _NOW

    @property
    def api_url(self) -> str:
        return self.root + "/graphql"

    @property
    def web_url(self) -> str:
        return self.root

    # ---- seeding ------------------------------------------------------------------------------

    def add_user(self, name: str, email: str) -> str:
        user_id = str(uuid.uuid4())
        self.users[user_id] = {
            "id": user_id,
            "name": name,
            "displayName": name.split()[0].lower(),
            "email": email,
        }
        return user_id

    def add_team(self, key: str, *, states: tuple[tuple[str, str, int], ...] = STATES) -> str:
        team_id = str(uuid.uuid4())
        with self._lock:
            self.teams[key] = {
                "id": team_id,
                "key": key,
                "name": key.title(),
                "states": [
                    {"id": str(uuid.uuid4()), "name": n, "type": t, "position": p} for n, t, p in states
                ],
            }
        return team_id

    def add_label(self, name: str, team: str | None = None) -> str:
        label_id = str(uuid.uuid4())
        self.labels.append(
            {"id": label_id, "name": name, "team": {"id": self.teams[team]["id"]} if team else None}
        )
        return label_id

    def issue(self, identifier: str) -> dict[str, Any]:
        with self._lock:
            return copy.deepcopy(self._public(self.issues[identifier]))

    def move(self, identifier: str, state_name: str) -> None:
        with self._lock:
            issue = self.issues[identifier]
            issue["state"] = next(s for s in issue["team"]["states"] if s["name"] == state_name)
            issue["updatedAt"] = self.clock

    # ---- JSON ---------------------------------------------------------------------------------

    def _public(self, issue: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in issue.items() if k not in ("team", "labelIds")}
        out["state"] = {k: issue["state"][k] for k in ("id", "name", "type")}
        out["labels"] = {
            "nodes": [
                {"id": lab["id"], "name": lab["name"]}
                for lab in self.labels
                if lab["id"] in issue["labelIds"]
            ]
        }
        return out

    def _with_team(self, issue: dict[str, Any]) -> dict[str, Any]:
        team = issue["team"]
        return self._public(issue) | {
            "team": {"id": team["id"], "key": team["key"], "states": {"nodes": team["states"]}}
        }

    def _find(self, id_or_key: str) -> dict[str, Any]:
        issue = self.issues.get(id_or_key) or next(
            (i for i in self.issues.values() if i["id"] == id_or_key), None
        )
        if issue is None:
            raise _error("Entity not found: Issue", "INVALID_INPUT")
        return issue

    def _apply(self, issue: dict[str, Any], data: dict[str, Any]) -> None:
        for name in ("title", "description", "dueDate", "priority"):
            if name in data:
                issue[name] = data[name]
        if "assigneeId" in data:
            if data["assigneeId"] is not None and data["assigneeId"] not in self.users:
                raise _error("Argument Validation Error: assigneeId", "INVALID_INPUT")
            issue["assignee"] = copy.deepcopy(self.users[data["assigneeId"]]) if data["assigneeId"] else None
        if "stateId" in data:
            issue["state"] = next(s for s in issue["team"]["states"] if s["id"] == data["stateId"])
        if "labelIds" in data:
            issue["labelIds"] = list(data["labelIds"])
        issue["updatedAt"] = self.clock

    # ---- the HTTP API -------------------------------------------------------------------------

    def authenticate(self, request: Request) -> Reply | None:
        if request.headers.get("authorization") != self.api_key:
            return Reply(
                400,
                {
                    "errors": [
                        {
                            "message": "Authentication required, not authenticated",
                            "extensions": {"code": "AUTHENTICATION_ERROR"},
                        }
                    ]
                },
            )
        return None

    def common_headers(self, request: Request, status: int) -> dict[str, str]:
        self.remaining = max(0, self.remaining - 1)
        reset = str(int((time.time() + 3600) * 1000))
        return {
            "X-RateLimit-Requests-Limit": "2500",
            "X-RateLimit-Requests-Remaining": str(self.remaining),
            "X-RateLimit-Requests-Reset": reset,
            "X-Complexity": "12",
            "X-RateLimit-Complexity-Limit": "3000000",
            "X-RateLimit-Complexity-Remaining": "2999000",
            "X-RateLimit-Complexity-Reset": reset,
        }

    def rate_limited(self, retry_after: int, headers: dict[str, str]) -> Reply:
        reset = str(int((time.time() + retry_after) * 1000))
        return Reply(
            400,
            {"errors": [{"message": "Rate limit exceeded", "extensions": {"code": "RATELIMITED"}}]},
            {"X-RateLimit-Requests-Remaining": "0", "X-RateLimit-Requests-Reset": reset, **headers},
        )

    def routes(self) -> list[Route]:
        return [("POST", re.compile(r"/graphql"), self._graphql)]

    def _graphql(self, request: Request) -> Reply:
        body = request.json or {}
        found = _OPERATION.search(body.get("query") or "")
        handler: Callable[[dict[str, Any]], Any] | None = (
            getattr(self, f"_op_{found['name']}", None) if found else None
        )
        if handler is None:
            raise _error("Unknown operation", "GRAPHQL_VALIDATION_FAILED")
        return Reply(200, {"data": handler(body.get("variables") or {})})

    def _op_Viewer(self, v: dict[str, Any]) -> Any:
        return {"viewer": self.users[self.viewer]}

    def _op_Team(self, v: dict[str, Any]) -> Any:
        team = self.teams.get(v["key"])
        nodes = [] if team is None else [team | {"states": {"nodes": team["states"]}}]
        return {"teams": {"nodes": nodes}}

    def _op_Labels(self, v: dict[str, Any]) -> Any:
        return {"issueLabels": {"nodes": [lab for lab in self.labels if lab["name"] == v["name"]]}}

    def _op_CreateLabel(self, v: dict[str, Any]) -> Any:
        data = v["input"]
        team = next((k for k, t in self.teams.items() if t["id"] == data.get("teamId")), None)
        label_id = self.add_label(data["name"], team)
        return {"issueLabelCreate": {"success": True, "issueLabel": {"id": label_id, "name": data["name"]}}}

    def _op_CreateIssue(self, v: dict[str, Any]) -> Any:
        data = v["input"]
        team = next((t for t in self.teams.values() if t["id"] == data.get("teamId")), None)
        if team is None or not data.get("title"):
            raise _error("Argument Validation Error", "INVALID_INPUT")
        number = 1 + sum(1 for k in self.issues if k.startswith(team["key"] + "-"))
        identifier = f"{team['key']}-{number}"
        issue: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "identifier": identifier,
            "url": f"{self.root}/acme/issue/{identifier}/{data['title'].lower().replace(' ', '-')[:40]}",
            "title": "",
            "description": None,
            "dueDate": None,
            "priority": 0,
            "assignee": None,
            "labelIds": [],
            "team": team,
            "state": next(s for s in team["states"] if s["type"] == "unstarted"),
            "createdAt": self.clock,
        }
        self._apply(issue, data)
        self.issues[identifier] = issue
        return {"issueCreate": {"success": True, "issue": self._public(issue)}}

    def _op_FindByMarker(self, v: dict[str, Any]) -> Any:
        nodes = [
            self._public(i)
            for i in self.issues.values()
            if i["team"]["key"] == v["team"] and v["marker"] in (i["description"] or "")
        ]
        return {
            "issues": {"nodes": nodes[:10], "pageInfo": {"hasNextPage": len(nodes) > 10, "endCursor": None}}
        }

    def _op_Issue(self, v: dict[str, Any]) -> Any:
        return {"issue": self._with_team(self._find(v["id"]))}

    def _op_UpdateIssue(self, v: dict[str, Any]) -> Any:
        issue = self._find(v["id"])
        self._apply(issue, v["input"])
        return {"issueUpdate": {"success": True, "issue": self._public(issue)}}

    def _op_Comment(self, v: dict[str, Any]) -> Any:
        issue = self._find(v["input"]["issueId"])
        self.comments.setdefault(issue["identifier"], []).append(v["input"]["body"])
        return {"commentCreate": {"success": True}}

    def _op_UsersByEmail(self, v: dict[str, Any]) -> Any:
        return {
            "users": {
                "nodes": [u for u in self.users.values() if u["email"].casefold() == v["email"].casefold()]
            }
        }

    def _op_UsersByName(self, v: dict[str, Any]) -> Any:
        return {
            "users": {
                "nodes": [
                    u for u in self.users.values() if u["displayName"].casefold() == v["name"].casefold()
                ]
            }
        }

    # ---- webhooks -----------------------------------------------------------------------------

    def issue_webhook(
        self,
        identifier: str,
        *,
        action: str = "update",
        updated_from: dict[str, Any] | None = None,
        actor: str | None = None,
        timestamp_ms: int | None = None,
    ) -> dict[str, Any]:
        """The Issue webhook payload: `data` the issue as it is now (ids and nested objects),
        `updatedFrom` the previous values of what changed."""
        issue = self._public(self.issues[identifier])
        raw = self.issues[identifier]
        data = {k: v for k, v in issue.items() if k != "labels"} | {
            "stateId": raw["state"]["id"],
            "assigneeId": (raw["assignee"] or {}).get("id"),
            "teamId": raw["team"]["id"],
            "team": {"id": raw["team"]["id"], "key": raw["team"]["key"], "name": raw["team"]["name"]},
            "labelIds": raw["labelIds"],
            "labels": issue["labels"]["nodes"],
            "updatedAt": raw["updatedAt"],
        }
        who = self.users[actor or self.viewer]
        return {
            "action": action,
            "type": "Issue",
            "actor": {"id": who["id"], "name": who["name"], "type": "user"},
            "createdAt": raw["updatedAt"],
            "data": data,
            "updatedFrom": updated_from or {},
            "url": issue["url"],
            "organizationId": "org-1",
            "webhookTimestamp": timestamp_ms if timestamp_ms is not None else int(time.time() * 1000),
            "webhookId": "wh-1",
        }
