"""Jira's admin webhooks (System → WebHooks, or POST /rest/webhooks/1.0/webhook) registered with a secret:
`X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>` (WebSub's method=signature form). Jira retries
failed deliveries, so there is no freshness window; `X-Atlassian-Webhook-Identifier` is the delivery id.

What changes, on `jira:issue_updated`: a changelog item for `status` or `resolution` (the state the
issue's status category and resolution now read as), `duedate`, or `assignee`. Other events (created,
deleted, comments) are no change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime

from bot.domain.tickets import Changed, TicketChange, TrackerKind, TrackerUser, jira_state
from bot.inbound.trackers import Delivery, WebhookMalformed
from bot.inbound.trackers.signing import day, header, load, maybe, obj, require_hex_signature, text

KIND = TrackerKind.JIRA


def verify(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    require_hex_signature(header(headers, "X-Hub-Signature"), secret, body, prefix="sha256=")


def _user(raw: object) -> TrackerUser | None:
    if not isinstance(raw, dict):
        return None
    user_id = text(raw.get("accountId")) or text(raw.get("name"))
    return (
        TrackerUser(user_id, text(raw.get("displayName")), text(raw.get("emailAddress"))) if user_id else None
    )


def parse(headers: Mapping[str, str], body: bytes) -> Delivery:
    delivery_id = header(headers, "X-Atlassian-Webhook-Identifier")
    payload = load(body)
    if payload.get("webhookEvent") != "jira:issue_updated":
        return Delivery(KIND, delivery_id, None)
    issue = obj(payload.get("issue"), "issue")
    fields = obj(issue.get("fields"), "issue.fields")
    key = text(issue.get("key"))
    if key is None:
        raise WebhookMalformed("an issue delivery without its key")
    items = maybe(payload.get("changelog")).get("items") or []
    changed = {
        str(item.get("fieldId") or item.get("field")).lower() for item in items if isinstance(item, dict)
    }
    stamp = payload.get("timestamp")
    at = datetime.fromtimestamp(stamp / 1000, UTC) if isinstance(stamp, int) and stamp > 0 else None
    actor = _user(payload.get("user"))
    change = TicketChange(KIND, key, actor=actor.id if actor else None, at=at)
    if changed & {"status", "resolution"}:
        status = maybe(fields.get("status"))
        category = text(maybe(status.get("statusCategory")).get("key"))
        resolution = text(maybe(fields.get("resolution")).get("name"))
        change = replace(change, state=jira_state(category, resolution, text(status.get("name"))))
    if "duedate" in changed:
        change = replace(change, due=Changed(day(fields.get("duedate"))))
    if "assignee" in changed:
        change = replace(change, assignee=Changed(_user(fields.get("assignee"))))
    return Delivery(KIND, delivery_id, None if change.is_empty else change)


def receive(headers: Mapping[str, str], body: bytes, secret: str) -> Delivery:
    verify(headers, body, secret)
    return parse(headers, body)
