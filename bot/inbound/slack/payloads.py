"""What an Events API event means, read from Slack's JSON: a message change, a reaction, a pin.

Tolerant of the shapes Slack sends; an event that does not carry what it must (no channel, no ts,
a ts that is not one) reads as None and is ignored with a warning, never a traceback. What the
message itself holds is read, and refused when the record cannot keep it, by
`outbound/slack/payloads.message_from_slack`; how long an id may be, by `shapes`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from bot.domain.messages import TOMBSTONE_SUBTYPE, MessageChange, MessageDeleted, MessageEdited
from bot.domain.timeline import ts_to_datetime
from bot.outbound.slack.payloads import message_from_slack

logger = logging.getLogger(__name__)

EDITED = "message_changed"
DELETED = "message_deleted"
# Notifications about other messages, not messages of their own.
IGNORED_SUBTYPES = frozenset({"message_replied", "assistant_app_thread", "ekm_access_denied"})


@dataclass(frozen=True)
class Target:
    """A message in a channel that a reaction or pin is about."""

    channel_id: str
    ts: str
    at: datetime | None = None  # when it happened, as Slack says (event_ts)


def message_change(event: Mapping[str, Any]) -> tuple[str, MessageChange] | None:
    """(channel id, what happened) for a `message` event; None for notices and malformed ones."""
    subtype = event.get("subtype")
    channel_id = event.get("channel")
    if subtype in IGNORED_SUBTYPES:
        return None
    if not isinstance(channel_id, str) or not channel_id:
        logger.warning("ignoring a message event without a channel (ts %r)", str(event.get("ts"))[:40])
        return None
    try:
        if subtype == EDITED:
            message = event.get("message")
            if not isinstance(message, Mapping):
                raise ValueError("message_changed without a message")
            changed = message_from_slack(message)
            if changed.subtype == TOMBSTONE_SUBTYPE:
                # A thread parent deleted after it had replies: Slack sends no message_deleted.
                return channel_id, MessageDeleted(changed.ts)
            if changed.edited_at is None and isinstance(event.get("ts"), str):
                # No edit time on the message (an unfurl, a hidden change): the change's own time.
                changed = replace(changed, edited_at=ts_to_datetime(str(event["ts"])))
            return channel_id, MessageEdited(changed)
        if subtype == DELETED:
            deleted_ts = event.get("deleted_ts")
            if not isinstance(deleted_ts, str):
                raise ValueError("message_deleted without a deleted_ts")
            if not _is_ts(deleted_ts):
                raise ValueError(f"message_deleted whose deleted_ts {deleted_ts[:40]!r} is not a Slack ts")
            return channel_id, MessageDeleted(deleted_ts)
        return channel_id, message_from_slack(event)
    except ValueError as error:
        logger.warning("ignoring a message event in %s: %s", channel_id, error)
        return None


def reaction_target(event: Mapping[str, Any]) -> Target | None:
    """The message a reaction_added / reaction_removed is on; None for files and malformed ones."""
    item = event.get("item")
    if not isinstance(item, Mapping) or item.get("type") != "message":
        return None
    channel_id, ts = item.get("channel"), item.get("ts")
    if (
        not isinstance(channel_id, str)
        or not isinstance(ts, str)
        or not isinstance(event.get("reaction"), str)
    ):
        logger.warning("ignoring a reaction event without channel, ts or reaction")
        return None
    if not _is_ts(ts):
        logger.warning("ignoring a reaction event in %s on %r, which is not a Slack ts", channel_id, ts[:40])
        return None
    return Target(channel_id, ts, _event_time(event))


def _is_ts(ts: str) -> bool:
    try:
        ts_to_datetime(ts)
    except ValueError:
        return False
    return True


def _event_time(event: Mapping[str, Any]) -> datetime | None:
    """The event's own time (`event_ts`), which orders an add and a remove that arrive out of order."""
    try:
        return ts_to_datetime(str(event["event_ts"])) if isinstance(event.get("event_ts"), str) else None
    except ValueError:
        return None


def pin_target(event: Mapping[str, Any]) -> Target | None:
    """The message a pin_added / pin_removed is about."""
    item = event.get("item")
    item = item if isinstance(item, Mapping) else {}
    message = item.get("message")
    message = message if isinstance(message, Mapping) else {}
    ts = message.get("ts") or item.get("ts")
    channel_id = event.get("channel_id") or item.get("channel")
    if not isinstance(channel_id, str) or not isinstance(ts, str) or not ts:
        return None
    if not _is_ts(ts):
        logger.warning("ignoring a pin event in %s on %r, which is not a Slack ts", channel_id, ts[:40])
        return None
    return Target(channel_id, ts)
