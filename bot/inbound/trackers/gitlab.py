"""GitLab's Issue Hook. Verified by the webhook's Secret token, sent as is in `X-Gitlab-Token` (compared
in constant time), and, where GitLab offers a Signing token (`whsec_…`), by its Standard Webhooks
signature too: `webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">`
under the base64-decoded token, with the timestamp within five minutes. The delivery id is
`Idempotency-Key` (or `X-Gitlab-Event-UUID`, or `webhook-id`).

What changes: action `close` (done; won't do when the issue carries the `won't do` label), `reopen`, and
an `update` whose `changes` name `due_date` or `assignees`. Anything else is no change.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.tickets import Changed, TicketChange, TicketState, TrackerKind, TrackerUser, gitlab_state
from bot.inbound.trackers import Delivery, WebhookMalformed, WebhookRefused
from bot.inbound.trackers.signing import day, header, hmac_sha256, instant, load, maybe, obj, text

KIND = TrackerKind.GITLAB
TOLERANCE = timedelta(minutes=5)
ISSUE_EVENTS = ("Issue Hook", "Confidential Issue Hook")


def _check_signature(headers: Mapping[str, str], body: bytes, signing_token: str, now: datetime) -> None:
    webhook_id, stamp = header(headers, "webhook-id"), header(headers, "webhook-timestamp")
    signatures = header(headers, "webhook-signature")
    if not webhook_id or not stamp or not signatures:
        raise WebhookRefused("no webhook signature")
    try:
        sent = datetime.fromtimestamp(int(stamp), now.tzinfo)
        key = base64.b64decode(signing_token.removeprefix("whsec_"), validate=True)
    except (ValueError, OverflowError, binascii.Error) as error:
        raise WebhookRefused("an unreadable webhook timestamp or signing token") from error
    if abs(now - sent) > TOLERANCE:
        raise WebhookRefused("the webhook timestamp is too far from now")
    expected = base64.b64encode(hmac_sha256(key, f"{webhook_id}.{stamp}.".encode() + body)).decode()
    offered = [part.partition(",")[2] for part in signatures.split() if part.startswith("v1,")]
    if not any(hmac.compare_digest(sig.encode(), expected.encode()) for sig in offered):
        raise WebhookRefused("the signature does not match")


def verify(
    headers: Mapping[str, str],
    body: bytes,
    secret: str | None,
    *,
    signing_token: str | None = None,
    now: datetime | None = None,
) -> None:
    """Checks the Secret token when `secret` is set and the signature when `signing_token` is; at least
    one must be. `now` (UTC) is needed with a signing token."""
    if not secret and not signing_token:
        raise WebhookRefused("no webhook secret is configured")
    if secret:
        given = header(headers, "X-Gitlab-Token") or ""
        if not hmac.compare_digest(given.encode(), secret.encode()):
            raise WebhookRefused("the X-Gitlab-Token does not match")
    if signing_token:
        if now is None:
            raise ValueError("verifying a signing token needs the time")
        _check_signature(headers, body, signing_token, now)


def _user(raw: object) -> TrackerUser | None:
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    return TrackerUser(str(raw["id"]), text(raw.get("username")), text(raw.get("email")))


def parse(headers: Mapping[str, str], body: bytes) -> Delivery:
    delivery_id = (
        header(headers, "Idempotency-Key")
        or header(headers, "X-Gitlab-Event-UUID")
        or header(headers, "webhook-id")
    )
    payload = load(body)
    if header(headers, "X-Gitlab-Event") not in ISSUE_EVENTS or payload.get("object_kind") != "issue":
        return Delivery(KIND, delivery_id, None)
    attributes = obj(payload.get("object_attributes"), "object_attributes")
    path = text(obj(payload.get("project"), "project").get("path_with_namespace"))
    iid, action = attributes.get("iid"), text(attributes.get("action"))
    if path is None or not isinstance(iid, int):
        raise WebhookMalformed("an Issue Hook without its project or iid")
    labels = [str(label.get("title")) for label in payload.get("labels") or () if isinstance(label, dict)]
    change = TicketChange(
        KIND,
        f"{path}#{iid}",
        actor=text(maybe(payload.get("user")).get("username")),
        at=instant(attributes.get("updated_at")),
    )
    changes = maybe(payload.get("changes"))
    if action == "close":
        change = replace(change, state=gitlab_state("closed", labels))
    elif action == "reopen":
        change = replace(change, state=TicketState.OPEN)
    if action in ("update", "close", "reopen"):
        if "due_date" in changes:
            change = replace(change, due=Changed(day(attributes.get("due_date"))))
        if "assignees" in changes:
            assignees = payload.get("assignees") or []
            change = replace(change, assignee=Changed(_user(assignees[0]) if assignees else None))
    return Delivery(KIND, delivery_id, None if change.is_empty else change)


def receive(
    headers: Mapping[str, str],
    body: bytes,
    secret: str | None,
    *,
    signing_token: str | None = None,
    now: datetime | None = None,
) -> Delivery:
    verify(headers, body, secret, signing_token=signing_token, now=now)
    return parse(headers, body)
