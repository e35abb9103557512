"""Instants survive the database as aware UTC; event claims are won exactly once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from bot.store.events import claim_event, ensure_workspace, forget_events_before
from bot.store.models import Channel, ProcessedEvent


def test_datetimes_come_back_aware_utc_whatever_zone_went_in(rt: Runtime) -> None:
    eastern = timezone(timedelta(hours=-5))
    stored = datetime(2025, 3, 15, 14, 19, 7, 123456, tzinfo=eastern)
    with rt.transaction() as s:
        ensure_workspace(s, "T1", stored)
        s.add(Channel(team_id="T1", channel_id="C1", name="inc-x", created_at=stored, updated_at=stored))
    with rt.transaction() as s:
        channel = s.scalars(select(Channel)).one()
    assert channel.created_at.tzinfo is UTC
    assert channel.created_at == datetime(2025, 3, 15, 19, 19, 7, 123456, tzinfo=UTC)


def test_naive_datetimes_are_refused(rt: Runtime) -> None:
    with pytest.raises(Exception, match="naive datetime"), rt.transaction() as s:
        ensure_workspace(s, "T1", datetime(2025, 1, 1))


def test_an_event_is_claimed_once(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as s:
        first = claim_event(s, event_id="Ev1", team_id="T1", event_type="message", now=now)
    with rt.transaction() as s:
        second = claim_event(s, event_id="Ev1", team_id="T1", event_type="message", now=now)
    assert (first, second) == (True, False)


def test_concurrent_claims_of_one_event_have_one_winner(rt: Runtime) -> None:
    def claim(_: int) -> bool:
        with rt.transaction() as s:
            return claim_event(s, event_id="EvRace", team_id="T1", event_type="message", now=rt.clock())

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(claim, range(16)))
    assert results.count(True) == 1
    with rt.transaction() as s:
        assert s.scalars(select(ProcessedEvent.event_id)).all() == ["EvRace"]


def test_old_claims_are_forgotten(rt: Runtime) -> None:
    now = rt.clock()
    with rt.transaction() as s:
        claim_event(s, event_id="old", team_id=None, event_type="message", now=now - timedelta(days=3))
        claim_event(s, event_id="new", team_id=None, event_type="message", now=now)
    with rt.transaction() as s:
        assert forget_events_before(s, now - timedelta(days=1)) == 1
        assert s.scalars(select(ProcessedEvent.event_id)).all() == ["new"]
