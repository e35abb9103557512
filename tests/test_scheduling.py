"""The scheduler: stable job ids, and jobs that do their work against the database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.runtime import Runtime
from bot.scheduling import FORGET_EVENTS_JOB, build_scheduler
from bot.services.deliveries import forget_old_event_ids
from bot.store.events import claim_event
from bot.store.models import ProcessedEvent


def test_jobs_have_stable_ids(rt: Runtime) -> None:
    scheduler = build_scheduler(rt)
    assert FORGET_EVENTS_JOB in {job.id for job in scheduler.get_jobs()}


def test_old_event_ids_are_forgotten_and_recent_ones_kept(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as s:
        claim_event(s, event_id="old", team_id="T", event_type="message", now=now - timedelta(days=4))
        claim_event(s, event_id="recent", team_id="T", event_type="message", now=now - timedelta(hours=2))
    assert forget_old_event_ids(rt) == 1
    with rt.transaction() as s:
        assert s.scalars(select(ProcessedEvent.event_id)).all() == ["recent"]
