"""Bolt middleware that runs before any listener."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse

from bot.runtime import Runtime
from bot.services import deliveries

logger = logging.getLogger(__name__)


def register(app: App, rt: Runtime) -> None:
    @app.middleware
    def deduplicate_events(body: dict[str, Any], next: Callable[[], BoltResponse]) -> BoltResponse | None:
        """Slack redelivers an event (X-Slack-Retry-Num) when we were slow, and every replica gets
        the same delivery: the event_id is claimed in the database, and only the claimer goes on."""
        if body.get("type") == "event_callback" and body.get("event_id"):
            event = body.get("event") or {}
            first = deliveries.claim_event_delivery(
                rt,
                event_id=str(body["event_id"]),
                team_id=body.get("team_id"),
                event_type=str(event.get("type", "unknown")),
            )
            if not first:
                logger.info("skipping event %s: already processed", body["event_id"])
                return BoltResponse(status=200, body="")
        return next()
