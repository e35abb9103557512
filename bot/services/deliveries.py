"""Events API deliveries: each is handled once, across Slack retries and replicas."""

from __future__ import annotations

import logging

from bot.runtime import Runtime
from bot.store.events import claim_event, ensure_workspace

logger = logging.getLogger(__name__)


def claim_event_delivery(rt: Runtime, *, event_id: str, team_id: str | None, event_type: str) -> bool:
    """True the first time an Events API delivery is seen, by any replica; False for every redelivery."""
    with rt.transaction() as session:
        if team_id:
            ensure_workspace(session, team_id, rt.clock())
        return claim_event(session, event_id=event_id, team_id=team_id, event_type=event_type, now=rt.clock())
