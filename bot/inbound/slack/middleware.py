"""Bolt middleware that runs before any listener: dependencies, deduplication, the incident channel.

Listeners are module-level functions; Bolt hands them what they declare by name. Besides Bolt's own
arguments (ack, body, respond, context…), three come from here:
- `rt` (Runtime) and `slack` (outbound Slack: `slack.read`, `slack.say`), put in by Dependencies;
- `incident_channel`: the watched channel a command, button or modal belongs to, or None —
  looked up once per request, so no listener queries it again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.domain.channels import ChannelRef
from bot.inbound.slack import payloads
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import capture, channels, deliveries

logger = logging.getLogger(__name__)

INCIDENT_CHANNEL = "incident_channel"


class Dependencies(Middleware):
    """Puts `rt` and `slack` into every request's context, where listeners ask for them by name."""

    def __init__(self, rt: Runtime, slack: Slack) -> None:
        self.rt = rt
        self.slack = slack

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        req.context["rt"] = self.rt
        req.context["slack"] = self.slack
        return next()


def deduplicate_events(
    body: dict[str, Any], next: Callable[[], BoltResponse], rt: Runtime
) -> BoltResponse | None:
    """Slack redelivers an event (X-Slack-Retry-Num) when we were slow, and every replica gets
    the same delivery: the event_id is claimed in the database, and only the claimer goes on.

    A message event is stored here, in the same transaction as its claim and before Slack is
    answered (capture.capture_on_delivery); other events are claimed here and handled by their
    listener after the answer."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return next()
    event_id, event = str(body["event_id"]), body.get("event") or {}
    if event.get("type") == "message":
        delivery = capture.capture_on_delivery(
            rt, event_id=event_id, team_id=body.get("team_id"), change=payloads.message_change(event)
        )
        if delivery is capture.Delivery.FOR_LISTENER:
            return next()
        first = delivery is not capture.Delivery.DUPLICATE
    else:
        first = deliveries.claim_event_delivery(
            rt, event_id=event_id, team_id=body.get("team_id"), event_type=str(event.get("type", "unknown"))
        )
        if first:
            return next()
    if not first:
        logger.info("skipping event %s: already processed", event_id)
    return BoltResponse(status=200, body="")


def channel_id_of(body: dict[str, Any]) -> str | None:
    """The channel a command, button or modal is about (a modal says so in its private_metadata)."""
    if body.get("command"):
        return body.get("channel_id")
    if body.get("type") == "block_actions":
        return (body.get("channel") or {}).get("id")
    if body.get("type") == "view_submission":
        try:
            meta = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
        except ValueError:
            return None
        return meta.get("channel_id") if isinstance(meta, dict) else None
    return None


def resolve_incident_channel(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse], rt: Runtime
) -> BoltResponse | None:
    """Commands, buttons and modals: which incident channel they belong to (None when it is not one)."""
    channel_id = channel_id_of(body)
    team_id = context.team_id or context.enterprise_id
    found = channels.incident_channel(rt, str(team_id), str(channel_id)) if channel_id and team_id else None
    context[INCIDENT_CHANNEL] = found
    return next()


def incident(context: BoltContext) -> ChannelRef:
    """The request's incident channel; UserError (saying how to make it one) when there is none."""
    found = context.get(INCIDENT_CHANNEL)
    if not isinstance(found, ChannelRef):
        raise channels.not_an_incident_channel(context["rt"])
    return found
