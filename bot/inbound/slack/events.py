"""Events API listeners: read what the event means, call a service. Bolt acknowledges events itself."""

from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext

from bot.inbound.slack import payloads
from bot.inbound.slack.middleware import team
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import capture, channels


def message(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    if (change := payloads.message_change(event)) is not None:
        capture.capture_message(rt, slack, team(context), *change)


def _reaction(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack, *, added: bool) -> None:
    if (target := payloads.reaction_target(event)) is None:
        return
    capture.capture_reaction(
        rt,
        slack,
        team(context),
        target.channel_id,
        target.ts,
        emoji=str(event["reaction"]),
        user_id=str(event.get("user") or "unknown"),
        added=added,
        at=target.at,
    )


def reaction_added(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    _reaction(event, context, rt, slack, added=True)


def reaction_removed(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    _reaction(event, context, rt, slack, added=False)


def pin_added(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    if (target := payloads.pin_target(event)) is not None:
        capture.capture_pin(rt, slack, team(context), target.channel_id, target.ts, pinned=True)


def pin_removed(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    if (target := payloads.pin_target(event)) is not None:
        capture.capture_pin(rt, slack, team(context), target.channel_id, target.ts, pinned=False)


def _channel_seen(
    event: dict[str, Any],
    context: BoltContext,
    rt: Runtime,
    slack: Slack,
    *,
    join: bool,
    private: bool | None = None,
) -> None:
    channel = event.get("channel")
    if isinstance(channel, dict) and isinstance(channel.get("id"), str):
        said = channel.get("is_private")
        channels.channel_seen(
            rt,
            slack,
            team(context),
            channel["id"],
            str(channel.get("name") or ""),
            join=join,
            private=said if isinstance(said, bool) else private,
        )


def channel_created_or_renamed(
    event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack
) -> None:
    """A public channel appeared under a name: the bot joins it if the name says incident."""
    _channel_seen(event, context, rt, slack, join=True)


def group_renamed(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    """A private channel was renamed (the bot is in it, or it would not hear)."""
    _channel_seen(event, context, rt, slack, join=False, private=True)


def member_joined(event: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    if event.get("user") == context.bot_user_id and isinstance(event.get("channel"), str):
        channels.bot_joined(rt, slack, team(context), event["channel"])


def archived(event: dict[str, Any], context: BoltContext, rt: Runtime) -> None:
    if isinstance(event.get("channel"), str):
        channels.set_archived(rt, team(context), event["channel"], True)


def unarchived(event: dict[str, Any], context: BoltContext, rt: Runtime) -> None:
    if isinstance(event.get("channel"), str):
        channels.set_archived(rt, team(context), event["channel"], False)
