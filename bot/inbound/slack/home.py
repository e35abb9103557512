"""The App Home tab: "Your action items" across all incidents, then how to use the bot."""

from __future__ import annotations

from typing import Any

from bot.inbound.slack.commands import usages
from bot.outbound.slack import Slack
from bot.outbound.slack.render.action_items import home_items_blocks, home_with_items
from bot.outbound.slack.render.blocks import context, home_view
from bot.runtime import Runtime
from bot.services import action_items


def publish_home(rt: Runtime, slack: Slack, user_id: str, notice: str | None = None) -> None:
    """Publish the tab for `user_id`; `notice` (the answer to what they just did) goes on top."""
    pairs, today = action_items.home_items(rt, user_id)
    items = home_items_blocks(pairs, today)
    if notice:
        items.insert(1, context(notice))
    slack.say.publish_home(user_id, home_with_items(home_view(usages()), items))


def app_home_opened(event: dict[str, Any], rt: Runtime, slack: Slack) -> None:
    if event.get("tab", "home") != "home" or not isinstance(event.get("user"), str):
        return
    publish_home(rt, slack, event["user"])


def on_home(body: dict[str, Any]) -> bool:
    """Did this button press come from the App Home tab?"""
    return (body.get("view") or {}).get("type") == "home"
