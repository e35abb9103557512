"""APScheduler set-up. Jobs are module-level functions calling services, with stable ids.

No job keeps state in the scheduler: deadlines, "already sent" and "try again after" live in the
database, so a restart loses nothing, a job run twice (or by two replicas) sends once, and work
that fell due while the bot was down is done at the next run. Failed posts are retried by the sweep
that makes them (48-hour rule, reminders' retry) or by the retry job (announcements, postmortem
threads, reports of what keeps failing).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import deadlines, deliveries, reminders, retries

logger = logging.getLogger(__name__)

FORGET_EVENTS_JOB = "forget-processed-events"
DEADLINES_JOB = "postmortem-deadlines"
DEADLINE_SWEEP_EVERY = timedelta(minutes=5)
REMINDERS_JOB = "weekly-reminders"
REMINDERS_CATCH_UP_JOB = "weekly-reminders-catch-up"
REMINDERS_RETRY_JOB = "weekly-reminders-retry"
REMINDER_RETRY_EVERY = timedelta(minutes=15)
RETRY_POSTS_JOB = "retry-failed-posts"
RETRY_POSTS_EVERY = timedelta(minutes=5)
CRON_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def sweep_postmortem_deadlines(rt: Runtime, slack: Slack) -> None:
    result = deadlines.sweep(rt, slack)
    if result.opened or result.asked or result.escalated:
        logger.info(
            "48-hour rule: opened %s, asked %s, escalated %s", result.opened, result.asked, result.escalated
        )


def send_weekly_reminders(rt: Runtime, slack: Slack, *, only_pending: bool = False) -> None:
    """The weekly sweep (also run once at start, for a run missed while down, and as the retry)."""
    result = reminders.sweep(rt, slack, only_pending=only_pending)
    if result.posted or result.failed:
        logger.info(
            "weekly reminders %s: posted %d, failed %d", result.week, len(result.posted), len(result.failed)
        )


def retry_failed_posts(rt: Runtime, slack: Slack) -> None:
    """Announcements and postmortem threads that failed, past their backoff; reports of what keeps failing."""
    result = retries.sweep(rt, slack)
    if result.retried or result.told:
        logger.info("retried %s; told someone about %s", result.retried, result.told)


def reminder_trigger(rt: Runtime) -> CronTrigger:
    """REMINDER_SCHEDULE as a cron trigger in DEFAULT_TIMEZONE (wall-clock time across DST changes)."""
    schedule = rt.settings.reminder_schedule
    return CronTrigger(
        day_of_week=CRON_DAYS[schedule.weekday],
        hour=schedule.at.hour,
        minute=schedule.at.minute,
        timezone=rt.settings.default_timezone,
    )


def build_scheduler(rt: Runtime, slack: Slack | None = None) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone=rt.settings.default_timezone,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    scheduler.add_job(
        deliveries.forget_old_event_ids,
        IntervalTrigger(hours=6),
        args=[rt],
        id=FORGET_EVENTS_JOB,
        replace_existing=True,
    )
    if slack is not None:
        # First run at start: deadlines that passed while the bot was down are kept now.
        scheduler.add_job(
            sweep_postmortem_deadlines,
            IntervalTrigger(seconds=int(DEADLINE_SWEEP_EVERY.total_seconds())),
            args=[rt, slack],
            id=DEADLINES_JOB,
            replace_existing=True,
            next_run_time=rt.clock(),
        )
        scheduler.add_job(
            send_weekly_reminders,
            reminder_trigger(rt),
            args=[rt, slack],
            id=REMINDERS_JOB,
            replace_existing=True,
        )
        # Once at start: this week's run, if it passed while the bot was down (claims make it a no-op
        # when it was sent), and never older weeks'.
        scheduler.add_job(
            send_weekly_reminders,
            args=[rt, slack],
            id=REMINDERS_CATCH_UP_JOB,
            replace_existing=True,
            next_run_time=rt.clock(),
        )
        scheduler.add_job(
            send_weekly_reminders,
            IntervalTrigger(seconds=int(REMINDER_RETRY_EVERY.total_seconds())),
            args=[rt, slack],
            kwargs={"only_pending": True},
            id=REMINDERS_RETRY_JOB,
            replace_existing=True,
        )
        scheduler.add_job(
            retry_failed_posts,
            IntervalTrigger(seconds=int(RETRY_POSTS_EVERY.total_seconds())),
            args=[rt, slack],
            id=RETRY_POSTS_JOB,
            replace_existing=True,
        )
    return scheduler
