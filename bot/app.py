"""Composition root: settings, database, Slack client, outbound Slack and the Bolt app, wired together."""

from __future__ import annotations

import logging

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.inbound.slack import register
from bot.inbound.slack.executor import ListenerPool
from bot.outbound.slack import Slack
from bot.outbound.slack.web import make_web_client
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


def build_bolt_app(
    rt: Runtime, client: WebClient | None = None, *, listeners: ListenerPool | None = None
) -> App:
    """The Bolt app with every listener registered. Calls auth.test once to verify the token.

    Listeners run on `listeners` (a new pool when None); tests pass their own to wait until it is idle.
    """
    settings = rt.settings
    settings.require_slack()
    client = client or make_web_client(settings)
    app = App(
        client=client,
        signing_secret=settings.slack_signing_secret,
        # Socket Mode requests arrive over an authenticated websocket, unsigned.
        request_verification_enabled=not settings.socket_mode,
        logger=logging.getLogger("slack_bolt"),
        listener_executor=listeners if listeners is not None else ListenerPool(),
    )
    register(app, rt, outbound_slack(settings, client))
    return app


def outbound_slack(settings: Settings, client: WebClient | None = None) -> Slack:
    """What services use to read from and post to Slack, over `client` (or a new one)."""
    return Slack.over(client or make_web_client(settings), settings.emoji_marks)


__all__ = ["build_bolt_app", "outbound_slack"]
