"""APScheduler set-up. Jobs are module-level functions calling services, with stable ids.

No job keeps state in the scheduler: deadlines and "already sent" live in the database, so a
restart loses nothing, a job run twice (or by two replicas) sends once, and work that fell due
while the bot was down is done at the next run.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.runtime import Runtime
from bot.store.events import forget_events_before

logger = logging.getLogger(__name__)

FORGET_EVENTS_JOB = "forget-processed-events"
# Slack retries a delivery for about an hour at most; three days is generous.
EVENT_ID_RETENTION = timedelta(days=3)


def forget_old_event_ids(rt: Runtime) -> int:
    with rt.transaction() as session:
        forgotten = forget_events_before(session, rt.clock() - EVENT_ID_RETENTION)
    logger.info("forgot %d processed event ids", forgotten)
    return forgotten


def build_scheduler(rt: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=rt.settings.default_timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job(
        forget_old_event_ids,
        IntervalTrigger(hours=6),
        args=[rt],
        id=FORGET_EVENTS_JOB,
        replace_existing=True,
    )
    return scheduler
