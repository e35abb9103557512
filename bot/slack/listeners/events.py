"""Events API listeners."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.blocks import home_view
from bot.slack.ids import Event
from bot.slack.listeners.commands import usages


def register(app: App, rt: Runtime) -> None:
    @app.event(Event.APP_HOME_OPENED)
    def app_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        client.views_publish(user_id=event["user"], view=home_view(usages()))
