"""Events API deliveries: each is handled once, across Slack retries and replicas."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.runtime import Runtime
from bot.store.events import claim_event, ensure_workspace, forget_events_before

logger = logging.getLogger(__name__)

# Slack retries a delivery for about an hour at most; three days is generous.
EVENT_ID_RETENTION = timedelta(days=3)


def claim_event_delivery(rt: Runtime, *, event_id: str, team_id: str | None, event_type: str) -> bool:
    """True the first time an Events API delivery is seen, by any replica; False for every redelivery."""
    with rt.transaction() as session:
        if team_id:
            ensure_workspace(session, team_id, rt.clock())
        return claim_event(session, event_id=event_id, team_id=team_id, event_type=event_type, now=rt.clock())


def forget_old_event_ids(rt: Runtime) -> int:
    """Event ids older than EVENT_ID_RETENTION are let go; returns how many."""
    with rt.transaction() as session:
        forgotten = forget_events_before(session, rt.clock() - EVENT_ID_RETENTION)
    logger.info("forgot %d processed event ids", forgotten)
    return forgotten
