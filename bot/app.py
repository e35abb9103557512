"""Composition root: settings, database, Slack client and the Bolt app, wired together."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.inbound.slack import action_item_actions, actions, commands, events, middleware, views
from bot.outbound.slack.web import make_web_client
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


def build_bolt_app(rt: Runtime, client: WebClient | None = None) -> App:
    """The Bolt app with every listener registered. Calls auth.test once to verify the token."""
    settings = rt.settings
    settings.require_slack()
    app = App(
        client=client or make_web_client(settings),
        signing_secret=settings.slack_signing_secret,
        # Socket Mode requests arrive over an authenticated websocket, unsigned.
        request_verification_enabled=not settings.socket_mode,
        logger=logging.getLogger("slack_bolt"),
    )
    middleware.register(app, rt)
    commands.register(app, rt)
    events.register(app, rt)
    actions.register(app, rt)
    views.register(app, rt)
    action_item_actions.register(app, rt)

    @app.error
    def log_unexpected(error: Exception, body: dict[str, Any]) -> None:
        logger.exception(
            "unhandled error in a Slack listener (request type %s)", body.get("type"), exc_info=error
        )

    return app
