"""Events API listeners: parse the event, call a service. Bolt acknowledges events itself."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.inbound.slack import action_item_actions
from bot.outbound.slack.ids import Event
from bot.runtime import Runtime
from bot.services import capture, channels


def register(app: App, rt: Runtime) -> None:
    @app.event(Event.APP_HOME_OPENED)
    def app_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        action_item_actions.publish_home(rt, client, event["user"])

    @app.event(Event.MESSAGE)
    def message(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        capture.capture_message_event(rt, client, _team(context), event)

    @app.event(Event.REACTION_ADDED)
    def reaction_added(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        capture.capture_reaction(rt, client, _team(context), event, added=True)

    @app.event(Event.REACTION_REMOVED)
    def reaction_removed(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        capture.capture_reaction(rt, client, _team(context), event, added=False)

    @app.event(Event.PIN_ADDED)
    def pin_added(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        capture.capture_pin(rt, client, _team(context), event, pinned=True)

    @app.event(Event.PIN_REMOVED)
    def pin_removed(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        capture.capture_pin(rt, client, _team(context), event, pinned=False)

    @app.event(Event.CHANNEL_CREATED)
    def channel_created(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ch = event["channel"]
        channels.channel_seen(rt, client, _team(context), ch["id"], ch["name"], join=True)

    @app.event(Event.CHANNEL_RENAME)
    def channel_rename(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ch = event["channel"]
        channels.channel_seen(rt, client, _team(context), ch["id"], ch["name"], join=True)

    @app.event(Event.GROUP_RENAME)
    def group_rename(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        ch = event["channel"]
        channels.channel_seen(rt, client, _team(context), ch["id"], ch["name"], join=False)

    @app.event(Event.MEMBER_JOINED_CHANNEL)
    def member_joined(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("user") != context.bot_user_id:
            return
        channels.bot_joined(rt, client, _team(context), event["channel"])

    for archived, kinds in (
        (True, (Event.CHANNEL_ARCHIVE, Event.GROUP_ARCHIVE)),
        (False, (Event.CHANNEL_UNARCHIVE, Event.GROUP_UNARCHIVE)),
    ):
        for kind in kinds:
            _register_archive(app, rt, kind, archived)


def _register_archive(app: App, rt: Runtime, kind: Event, archived: bool) -> None:
    @app.event(kind)
    def archive_changed(event: dict[str, Any], context: BoltContext) -> None:
        channels.set_archived(rt, _team(context), event["channel"], archived)


def _team(context: BoltContext) -> str:
    return str(context.team_id or context.enterprise_id or "")
