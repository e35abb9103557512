"""Bolt middleware that runs before any listener: dependencies, deduplication, the incident channel.

Deduplication: an Events API delivery by its event_id (`deduplicate_events`); a slash command,
button or modal submission, which Slack sends once and names by no id of its own, by what
identifies it (`request_key`, `deduplicate_requests`). Both claim a row of processed_events, so
every replica on the database agrees on who handles it.

Listeners are module-level functions; Bolt hands them what they declare by name. Besides Bolt's own
arguments (ack, body, respond, context…), four come from here:
- `rt` (Runtime) and `slack` (outbound Slack: `slack.read`, `slack.say`), put in by Dependencies;
- `team`: the workspace the request is about, read once, one way, for every kind of request
  (`team_of`); inbound code learns the workspace from it (`team(context)`) and nowhere else;
- `incident_channel`: the watched channel a command, button or modal belongs to, or None —
  looked up once per request, so no listener queries it again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from slack_bolt import BoltContext, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

from bot.domain.channels import ChannelRef
from bot.inbound.slack import payloads, shapes
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import capture, channels, deliveries

logger = logging.getLogger(__name__)

INCIDENT_CHANNEL = "incident_channel"
TEAM = "team"


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


def team_of(body: Mapping[str, Any], context: BoltContext) -> str | None:
    """The workspace a request is about: the one way inbound code learns it.

    Bolt's reading first (`context.team_id`): for an event, `authorizations[0].team_id` — the
    workspace the app is installed in, which Bolt prefers so events from a channel shared with
    another organization are filed under ours — then the envelope's `team_id`; for a command its
    `team_id`; for an interaction its `team.id` (a modal opened across a shared channel: the
    installing workspace). Then the envelope's own `team_id` (an org-wide install names no team in
    its authorization), and last the Enterprise Grid organization (`context.enterprise_id`).
    None when the request names none of them."""
    for found in (context.team_id, body.get("team_id"), context.enterprise_id):
        if isinstance(found, str) and found:
            return found
    return None


def team(context: BoltContext) -> str:
    """The request's workspace, as `resolve_team` found it ("" when it names none)."""
    found = context.get(TEAM)
    return found if isinstance(found, str) else ""


# What is done for a workspace, so names one: an event without one is refused (with a warning).
_NEEDS_TEAM = frozenset({shapes.EVENT_CALLBACK})


def resolve_team(
    body: dict[str, Any], context: BoltContext, next: Callable[[], BoltResponse]
) -> BoltResponse | None:
    """Puts the request's workspace in its context (`TEAM`). An event that names none cannot be
    filed under any workspace: it is answered 200 (a redelivery would bring the same) and logged."""
    found = team_of(body, context)
    context[TEAM] = found
    kind = shapes.kind(body)
    if found is None and kind in _NEEDS_TEAM:
        event = body.get("event")
        logger.warning(
            "ignored %s %s (%s): it names no workspace (no team_id, no authorizations)",
            kind,
            str(body.get("event_id"))[:70],
            str(event.get("type") if isinstance(event, dict) else None)[:70],
        )
        return BoltResponse(status=200, body="")
    return next()


def deduplicate_events(
    body: dict[str, Any], next: Callable[[], BoltResponse], rt: Runtime, context: BoltContext
) -> BoltResponse | None:
    """Slack redelivers an event (X-Slack-Retry-Num) when we were slow, and every replica gets
    the same delivery: the event_id is claimed in the database, and only the claimer goes on.

    A message event is stored here, in the same transaction as its claim and before Slack is
    answered (capture.capture_on_delivery); other events are claimed here and handled by their
    listener after the answer."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return next()
    event_id, event, team_id = str(body["event_id"]), body.get("event") or {}, team(context) or None
    if event.get("type") == "message":
        delivery = capture.capture_on_delivery(
            rt, event_id=event_id, team_id=team_id, change=payloads.message_change(event)
        )
        if delivery is capture.Delivery.FOR_LISTENER:
            return next()
        first = delivery is not capture.Delivery.DUPLICATE
    else:
        first = deliveries.claim_event_delivery(
            rt, event_id=event_id, team_id=team_id, event_type=str(event.get("type", "unknown"))
        )
        if first:
            return next()
    if not first:
        logger.info("skipping event %s: already processed", event_id)
    return BoltResponse(status=200, body="")


# Commands and interactions that do something; their repeats are dropped.
_DEDUPLICATED = frozenset({shapes.COMMAND, shapes.BLOCK_ACTIONS, shapes.VIEW_SUBMISSION})
_KEY_PREFIX = "request:"  # event ids (Ev…) never start so; the key fills processed_events' 64 characters


def request_key(body: Mapping[str, Any], headers: Mapping[str, Sequence[str]]) -> str | None:
    """What identifies a command or an interaction, as a processed_events key; None when nothing does.

    Its trigger_id: Slack mints one for every command, button press and modal submission (each can
    open a modal with it, once), and the same request sent again carries the same one — over HTTP
    and Socket Mode alike, and even if it were signed anew. Without one (Slack always sends one;
    a hand-made request may not), its signature, which covers its timestamp and every byte: the
    same signed request sent again. Hashed, so any length fits.
    """
    trigger_id = body.get("trigger_id")
    if isinstance(trigger_id, str) and trigger_id:
        source = f"trigger_id:{trigger_id}"
    else:
        signature = next(iter(headers.get("x-slack-signature") or ()), None)
        if not signature:
            return None
        source = f"signature:{signature}"
    digest = hashlib.sha256(source.encode()).hexdigest()
    return _KEY_PREFIX + digest[: 64 - len(_KEY_PREFIX)]


def deduplicate_requests(
    body: dict[str, Any],
    req: BoltRequest,
    context: BoltContext,
    next: Callable[[], BoltResponse],
    rt: Runtime,
) -> BoltResponse | None:
    """A command or interaction sent again (the same signed request, replayed within its 5 minutes,
    to this replica or another) is done once: the first claims its key, every repeat is answered
    200 with an empty body (a command: no reply at all) and nothing else happens."""
    kind = shapes.kind(body)
    key = request_key(body, req.headers) if kind in _DEDUPLICATED else None
    if key is None:
        return next()
    if deliveries.claim_event_delivery(rt, event_id=key, team_id=team(context) or None, event_type=kind):
        return next()
    logger.info("skipping a %s: the same request was handled already", kind)
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
    team_id = team(context)
    found = channels.incident_channel(rt, team_id, str(channel_id)) if channel_id and team_id else None
    context[INCIDENT_CHANNEL] = found
    return next()


def incident(context: BoltContext) -> ChannelRef:
    """The request's incident channel; UserError (saying how to make it one) when there is none."""
    found = context.get(INCIDENT_CHANNEL)
    if not isinstance(found, ChannelRef):
        raise channels.not_an_incident_channel(context["rt"])
    return found
