"""The scheduler: stable job ids, and jobs that do their work against the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import outbound_slack
from bot.config import Settings
from bot.runtime import Runtime
from bot.scheduling import (
    FORGET_EVENTS_JOB,
    REMINDERS_CATCH_UP_JOB,
    REMINDERS_JOB,
    REMINDERS_RETRY_JOB,
    RETRY_POSTS_JOB,
    build_scheduler,
)
from bot.services.deliveries import forget_old_event_ids
from bot.store.events import claim_event
from bot.store.models import ProcessedEvent
from tests.conftest import FrozenClock


@pytest.fixture
def unstarted(no_database_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    """A Runtime for building a scheduler that is never started: no job runs, no database is touched."""
    settings = Settings.from_env({"DATABASE_URL": no_database_url, "SLACK_BOT_TOKEN": "xoxb-unused"})
    rt = Runtime.create(settings, clock=clock)
    yield rt
    rt.close()


def test_jobs_have_stable_ids(unstarted: Runtime) -> None:
    scheduler = build_scheduler(unstarted)
    assert FORGET_EVENTS_JOB in {job.id for job in scheduler.get_jobs()}


def test_the_scheduler_has_the_weekly_job_its_catch_up_and_the_retry(unstarted: Runtime) -> None:
    ids = {job.id for job in build_scheduler(unstarted, outbound_slack(unstarted.settings)).get_jobs()}
    assert {REMINDERS_JOB, REMINDERS_CATCH_UP_JOB, REMINDERS_RETRY_JOB} <= ids


def test_the_scheduler_retries_failed_posts(unstarted: Runtime) -> None:
    ids = {job.id for job in build_scheduler(unstarted, outbound_slack(unstarted.settings)).get_jobs()}
    assert RETRY_POSTS_JOB in ids


def test_old_event_ids_are_forgotten_and_recent_ones_kept(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as s:
        claim_event(s, event_id="old", team_id="T", event_type="message", now=now - timedelta(days=4))
        claim_event(s, event_id="recent", team_id="T", event_type="message", now=now - timedelta(hours=2))
    assert forget_old_event_ids(rt) == 1
    with rt.transaction() as s:
        assert s.scalars(select(ProcessedEvent.event_id)).all() == ["recent"]
