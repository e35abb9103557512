"""The 48-hour rule: auto-open after POSTMORTEM_OPEN_AFTER, ask once for minor severities, escalate
once at 48 hours — computed from the record, claimed before posting, kept after downtime."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import channels, deadlines
from tests.conftest import FrozenClock
from tests.factories import runtime_for, slack_for
from tests.slack_stub import SlackStub

CHANNEL, NAME = "C0INC9", "inc-2025-03-15-search"
RESOLVED = datetime(2025, 3, 15, 17, 0, tzinfo=UTC)


@dataclass
class World:
    rt: Runtime
    slack: Slack
    stub: SlackStub
    clock: FrozenClock

    def at(self, after_resolution: timedelta) -> deadlines.SweepResult:
        self.clock.now = RESOLVED + after_resolution
        return deadlines.sweep(self.rt, self.slack)

    def posted(self, channel: str = CHANNEL) -> list[dict[str, object]]:
        return [
            c.decoded
            for c in self.stub.calls_to("chat.postMessage")
            if c.ok and c.decoded["channel"] == channel
        ]


def _world(database_url: str, stub: SlackStub, clock: FrozenClock, **env: str) -> Iterator[World]:
    rt = runtime_for(database_url, stub, clock, **env)
    stub.add_user("U1", "ana", display_name="Ana", tz="UTC")
    stub.add_channel(CHANNEL, NAME, members=["U1", "UBOT"])
    stub.add_channel("C0POSTMORTEMS", "postmortems")
    stub.add_message(
        CHANNEL,
        ts=f"{(RESOLVED - timedelta(hours=2)).timestamp():.6f}",
        user="U1",
        text="search is down",
        reactions={"rotating_light": ["U1"]},
    )
    try:
        yield World(rt, slack_for(rt), stub, clock)
    finally:
        rt.close()


@pytest.fixture
def world(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[World]:
    yield from _world(database_url, slack_stub, clock, POSTMORTEM_CHANNEL="#postmortems")


def _resolve(w: World, text: str = "resolved, search healthy") -> None:
    w.stub.add_message(
        CHANNEL,
        ts=f"{RESOLVED.timestamp():.6f}",
        user="U1",
        text=text,
        reactions={"white_check_mark": ["U1"]},
    )
    w.clock.now = RESOLVED
    channels.known_channel(w.rt, w.slack, "T0TEST", CHANNEL)  # an inc-* channel: watched and backfilled


def _threads(w: World) -> list[dict[str, object]]:
    return [m for m in w.posted() if "Postmortem: " in json.dumps(m.get("blocks"))]


def test_nothing_happens_before_the_open_after_time(world: World) -> None:
    _resolve(world)
    assert world.at(timedelta(hours=23, minutes=59)) == deadlines.SweepResult()
    assert _threads(world) == []


def test_unresolved_incidents_have_no_clock(world: World) -> None:
    channels.known_channel(world.rt, world.slack, "T0TEST", CHANNEL)
    assert world.at(timedelta(days=5)) == deadlines.SweepResult()


def test_after_24_hours_the_bot_opens_the_thread_itself_once(world: World) -> None:
    _resolve(world)
    assert world.at(timedelta(hours=24, minutes=1)).opened == (NAME,)
    assert len(_threads(world)) == 1
    assert any(
        "I opened this postmortem because nobody had, 24h after resolution" in str(m.get("text"))
        for m in world.posted()
    )
    assert world.at(timedelta(hours=25)) == deadlines.SweepResult()  # a later sweep posts nothing again
    assert len(_threads(world)) == 1


def test_two_replicas_sweeping_at_once_open_one_thread(world: World) -> None:
    _resolve(world)
    world.clock.now = RESOLVED + timedelta(hours=30)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _: deadlines.sweep(world.rt, world.slack), range(2)))
    assert sorted(len(r.opened) for r in results) == [0, 1]
    assert len(_threads(world)) == 1


def test_at_48_hours_a_missing_root_cause_is_escalated_once_here_and_in_the_postmortem_channel(
    world: World,
) -> None:
    _resolve(world)
    world.at(timedelta(hours=24, minutes=5))
    assert world.at(timedelta(hours=47, minutes=59)).escalated == ()
    assert world.at(timedelta(hours=48, minutes=1)).escalated == (NAME,)
    escalations = [m for m in world.posted() if "48 hours since" in str(m.get("text"))]
    assert len(escalations) == 1
    assert "no lead yet" in str(escalations[0]["text"])
    assert "summary, impact, root cause" in str(escalations[0]["text"])
    assert any("48 hours since" in str(m.get("text")) for m in world.posted("#postmortems"))
    assert world.at(timedelta(hours=60)).escalated == ()


def test_after_downtime_the_missed_deadlines_are_kept(world: World) -> None:
    _resolve(world)
    assert world.at(timedelta(hours=72)).opened == (NAME,)  # the bot was down through both deadlines
    assert world.at(timedelta(hours=72, minutes=5)).escalated == (NAME,)


def test_a_failed_escalation_is_retried_not_lost(world: World) -> None:
    _resolve(world)
    world.at(timedelta(hours=24, minutes=5))
    world.stub.fail("chat.postMessage", "ratelimited", times=1)
    assert world.at(timedelta(hours=49)).escalated == ()
    assert world.at(timedelta(hours=49, minutes=5)).escalated == (NAME,)
    assert len([m for m in world.posted() if "48 hours since" in str(m.get("text"))]) == 1


def test_a_minor_severity_is_asked_once_and_never_escalated(world: World) -> None:
    world.stub.add_message(
        CHANNEL,
        ts=f"{(RESOLVED - timedelta(hours=1)).timestamp():.6f}",
        user="U1",
        text="Declaring this a SEV3",
    )
    _resolve(world)
    assert world.at(timedelta(hours=24, minutes=1)).asked == (NAME,)
    assert world.at(timedelta(hours=30)) == deadlines.SweepResult()
    assert world.at(timedelta(hours=50)) == deadlines.SweepResult()
    questions = [m for m in world.posted() if "Is a postmortem wanted?" in str(m.get("text"))]
    assert len(questions) == 1
    assert _threads(world) == []


def test_a_required_severity_declared_in_the_channel_is_opened_with_it(world: World) -> None:
    world.stub.add_message(
        CHANNEL, ts=f"{(RESOLVED - timedelta(hours=1)).timestamp():.6f}", user="U1", text="upgrading to sev-2"
    )
    _resolve(world)
    assert world.at(timedelta(hours=25)).opened == (NAME,)
    assert "Severity:* SEV2" in json.dumps(_threads(world)[0]["blocks"])


def test_finished_incidents_drop_out_of_the_sweep(world: World) -> None:
    """Escalated, asked-about and completed incidents are not rebuilt every five minutes forever."""
    _resolve(world)
    names = lambda: [c.name for c in deadlines._channels_with_work(world.rt)]  # noqa: E731
    assert names() == [NAME]
    world.at(timedelta(hours=25))  # opened: still a candidate, for the 48-hour escalation
    assert names() == [NAME]
    world.at(timedelta(hours=49))  # escalated: nothing left for the rule to do
    assert names() == []
