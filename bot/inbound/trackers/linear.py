"""Linear's data change webhook, type Issue: `Linear-Signature: <hex HMAC-SHA256 of the body>` under the
webhook's signing secret, and the body's `webhookTimestamp` (epoch ms) within a minute of now, so a
captured delivery cannot be replayed later. The delivery id is `Linear-Delivery`.

What changes, on action `update`: `updatedFrom` naming `stateId` (the state type now: completed → done,
canceled → won't do, any other → open), `dueDate`, or `assigneeId`. create, remove and other types are
no change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.domain.tickets import Changed, TicketChange, TrackerKind, TrackerUser, linear_state
from bot.inbound.trackers import Delivery, WebhookMalformed, WebhookRefused
from bot.inbound.trackers.signing import day, header, instant, load, maybe, obj, require_hex_signature, text

KIND = TrackerKind.LINEAR
TOLERANCE = timedelta(seconds=60)


def verify(headers: Mapping[str, str], body: bytes, secret: str, *, now: datetime) -> None:
    require_hex_signature(header(headers, "Linear-Signature"), secret, body)
    stamp = load(body).get("webhookTimestamp")
    if not isinstance(stamp, int | float) or isinstance(stamp, bool):
        raise WebhookRefused("no webhookTimestamp")
    try:
        sent = datetime.fromtimestamp(stamp / 1000, UTC)
    except (ValueError, OverflowError) as error:
        raise WebhookRefused("an unreadable webhookTimestamp") from error
    if abs(now - sent) > TOLERANCE:
        raise WebhookRefused("the webhookTimestamp is too far from now")


def _user(raw: object) -> TrackerUser | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        return None
    return TrackerUser(raw["id"], text(raw.get("name")), text(raw.get("email")))


def parse(headers: Mapping[str, str], body: bytes) -> Delivery:
    delivery_id = header(headers, "Linear-Delivery")
    payload = load(body)
    if payload.get("type") != "Issue" or payload.get("action") != "update":
        return Delivery(KIND, delivery_id, None)
    data = obj(payload.get("data"), "data")
    previous = maybe(payload.get("updatedFrom"))
    key = text(data.get("identifier"))
    if key is None:
        raise WebhookMalformed("an Issue delivery without its identifier")
    actor = maybe(payload.get("actor"))
    change = TicketChange(KIND, key, actor=text(actor.get("id")), at=instant(data.get("updatedAt")))
    if "stateId" in previous:
        state = data.get("state")
        if not isinstance(state, dict) or not isinstance(state.get("type"), str):
            raise WebhookMalformed("a state change without the state")
        change = replace(change, state=linear_state(state["type"]))
    if "dueDate" in previous:
        change = replace(change, due=Changed(day(data.get("dueDate"))))
    if "assigneeId" in previous:
        change = replace(
            change, assignee=Changed(_user(data.get("assignee")) if data.get("assigneeId") else None)
        )
    return Delivery(KIND, delivery_id, None if change.is_empty else change)


def receive(headers: Mapping[str, str], body: bytes, secret: str, *, now: datetime) -> Delivery:
    verify(headers, body, secret, now=now)
    return parse(headers, body)
