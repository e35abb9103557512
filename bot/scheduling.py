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
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services import deadlines
from bot.store.events import forget_events_before

logger = logging.getLogger(__name__)

FORGET_EVENTS_JOB = "forget-processed-events"
DEADLINES_JOB = "postmortem-deadlines"
DEADLINE_SWEEP_EVERY = timedelta(minutes=5)
# Slack retries a delivery for about an hour at most; three days is generous.
EVENT_ID_RETENTION = timedelta(days=3)


def forget_old_event_ids(rt: Runtime) -> int:
    with rt.transaction() as session:
        forgotten = forget_events_before(session, rt.clock() - EVENT_ID_RETENTION)
    logger.info("forgot %d processed event ids", forgotten)
    return forgotten


def sweep_postmortem_deadlines(rt: Runtime, client: WebClient) -> None:
    result = deadlines.sweep(rt, client)
    if result.opened or result.asked or result.escalated:
        logger.info(
            "48-hour rule: opened %s, asked %s, escalated %s", result.opened, result.asked, result.escalated
        )


def build_scheduler(rt: Runtime, client: WebClient | None = None) -> BackgroundScheduler:
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
    if client is not None:
        # First run at start: deadlines that passed while the bot was down are kept now.
        scheduler.add_job(
            sweep_postmortem_deadlines,
            IntervalTrigger(seconds=int(DEADLINE_SWEEP_EVERY.total_seconds())),
            args=[rt, client],
            id=DEADLINES_JOB,
            replace_existing=True,
            next_run_time=rt.clock(),
        )
    return scheduler
