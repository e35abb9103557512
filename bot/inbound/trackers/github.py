"""GitHub's `issues` webhook: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>` under the
webhook's secret. GitHub sends no timestamp; a replay is caught by `X-GitHub-Delivery`, the delivery id.

What changes: `closed` (completed → done; not_planned, duplicate → won't do), `reopened`,
`assigned` / `unassigned` (the issue's first assignee now), `labeled` / `unlabeled` with a `due:` label
(the due date the labels now say). Anything else (opened, edited, a `ping`) is no change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.domain.tickets import Changed, TicketChange, TicketState, TrackerKind, TrackerUser, github_state
from bot.inbound.trackers import Delivery, WebhookMalformed
from bot.inbound.trackers.signing import day, header, instant, load, obj, require_hex_signature, text

KIND = TrackerKind.GITHUB
DUE_LABEL = "due:"


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    require_hex_signature(header(headers, "X-Hub-Signature-256"), secret, body, prefix="sha256=")


def _user(raw: object) -> TrackerUser | None:
    return TrackerUser(raw["login"]) if isinstance(raw, dict) and isinstance(raw.get("login"), str) else None


def _labels(issue: dict[str, Any]) -> list[str]:
    return [
        str(label.get("name")) if isinstance(label, dict) else str(label)
        for label in issue.get("labels") or ()
    ]


def parse(headers: Mapping[str, str], body: bytes) -> Delivery:
    delivery_id = header(headers, "X-GitHub-Delivery")
    event = header(headers, "X-GitHub-Event")
    payload = load(body)
    if event != "issues":
        return Delivery(KIND, delivery_id, None)
    action = text(payload.get("action"))
    issue = obj(payload.get("issue"), "issue")
    repo = text(obj(payload.get("repository"), "repository").get("full_name"))
    number = issue.get("number")
    if repo is None or not isinstance(number, int) or action is None:
        raise WebhookMalformed("an issues delivery without its repository, number or action")
    change = TicketChange(
        KIND,
        f"{repo}#{number}",
        actor=text((payload.get("sender") or {}).get("login")),
        at=instant(issue.get("updated_at")),
    )
    if action == "closed":
        change = replace(change, state=github_state("closed", text(issue.get("state_reason"))))
    elif action == "reopened":
        change = replace(change, state=TicketState.OPEN)
    elif action in ("assigned", "unassigned"):
        assignees = issue.get("assignees") or ([issue["assignee"]] if issue.get("assignee") else [])
        change = replace(change, assignee=Changed(_user(assignees[0]) if assignees else None))
    elif action in ("labeled", "unlabeled") and str((payload.get("label") or {}).get("name", "")).startswith(
        DUE_LABEL
    ):
        dues = [label.removeprefix(DUE_LABEL) for label in _labels(issue) if label.startswith(DUE_LABEL)]
        change = replace(change, due=Changed(day(dues[-1]) if dues else None))
    return Delivery(KIND, delivery_id, None if change.is_empty else change)


def receive(headers: Mapping[str, str], body: bytes, secret: str) -> Delivery:
    verify(headers, body, secret)
    return parse(headers, body)
