"""Every notice that fails is tried again with backoff, never dropped; one that keeps failing is told
to a person once. Over real HTTP against the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import channels, deadlines, postmortems, retries
from bot.store.models import Claim
from tests.conftest import FrozenClock
from tests.factories import runtime_for, slack_for
from tests.harness import TEAM_ID
from tests.slack_stub import SlackStub

ALICE = "U0ALICE"
INC, PMS = "C0INC001", "C0PMS001"
NAME = "inc-2025-03-15-db"
RESOLVED = datetime(2025, 3, 15, 17, 0, tzinfo=UTC)


@dataclass
class World:
    rt: Runtime
    slack: Slack
    stub: SlackStub
    clock: FrozenClock

    def posts_into(self, channel: str) -> list[Any]:
        return [c for c in self.stub.calls_to("chat.postMessage") if c.decoded.get("channel") == channel]

    def texts(self, channel: str) -> list[str]:
        return [str(m.get("text")) for m in self.stub.messages(channel)]

    def claim(self, kind: str) -> Claim:
        with self.rt.transaction() as session:
            return session.scalars(select(Claim).where(Claim.kind == kind)).one()


@pytest.fixture
def world(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[World]:
    clock.now = RESOLVED
    slack_stub.add_user(ALICE, "alice", display_name="Alice")
    slack_stub.add_channel(INC, NAME, members=[ALICE, "UBOT"])
    slack_stub.add_channel(PMS, "postmortems", members=[ALICE, "UBOT"])
    rt = runtime_for(database_url, slack_stub, clock, POSTMORTEM_CHANNEL=PMS)
    try:
        yield World(rt, slack_for(rt), slack_stub, clock)
    finally:
        rt.close()


def _into(channel: str) -> Any:
    return lambda args: args.get("channel") == channel


def test_a_failing_announcement_is_retried_with_backoff_and_the_postmortem_channel_hears_once(
    world: World,
) -> None:
    world.stub.fail("chat.postMessage", "not_in_channel", times=4, when=_into(INC))
    channels.known_channel(world.rt, world.slack, TEAM_ID, INC)  # watched; the greeting fails (1)
    assert world.posts_into(INC) and world.stub.messages(INC) == []

    retries.sweep(world.rt, world.slack)  # the next sweep tries again at once (2)
    retries.sweep(world.rt, world.slack)  # then it waits 5 minutes
    assert len(world.posts_into(INC)) == 2
    world.clock.advance(minutes=5)
    result = retries.sweep(world.rt, world.slack)  # (3): now someone hears
    assert len(world.posts_into(INC)) == 3
    assert result.told == [f"announcement:{world.claim('announcement').subject}:"]
    (told,) = world.texts(PMS)
    assert f"could not post the note saying what I record for #{NAME} in 3 tries" in told
    assert "`not_in_channel`" in told and "invite me back" in told

    world.clock.advance(minutes=10)
    assert retries.sweep(world.rt, world.slack).told == []  # (4) fails again; nobody is told twice
    world.clock.advance(minutes=20)
    retries.sweep(world.rt, world.slack)  # (5) Slack takes it
    assert len(world.posts_into(INC)) == 5
    assert len([t for t in world.texts(INC) if "recording" in t.lower()]) == 1
    assert len(world.texts(PMS)) == 1
    assert world.claim("announcement").done_at is not None
    world.clock.advance(hours=7)
    retries.sweep(world.rt, world.slack)
    assert len(world.posts_into(INC)) == 5  # done is done


def test_a_failing_link_in_the_postmortem_channel_is_retried_and_its_lead_hears_by_dm(world: World) -> None:
    channels.known_channel(world.rt, world.slack, TEAM_ID, INC)
    channel = channels.incident_channel(world.rt, TEAM_ID, INC)
    assert channel is not None
    world.stub.fail("chat.postMessage", "not_in_channel", times=3, when=_into(PMS))

    opened = postmortems.open_postmortem(world.rt, world.slack, channel, user_id=ALICE, title="DB outage")

    assert [(f.what, f.reason) for f in opened.failed] == [
        ("the link in the postmortem channel", "not_in_channel")
    ]
    retries.sweep(world.rt, world.slack)
    world.clock.advance(minutes=5)
    assert retries.sweep(world.rt, world.slack).told == [f"postmortem_link:{opened.loaded.row_id}:"]
    dm = "D" + ALICE[1:]
    (told,) = world.texts(dm)
    assert f"could not post the link to a postmortem for #{NAME} in 3 tries" in told
    world.clock.advance(minutes=10)
    retries.sweep(world.rt, world.slack)
    assert len(world.texts(PMS)) == 1 and "DB outage" in world.texts(PMS)[0]
    assert len(world.texts(dm)) == 1
    assert world.claim("postmortem_link").done_at is not None


def test_a_failing_auto_open_note_and_escalation_copy_are_said_by_a_later_48_hour_sweep(world: World) -> None:
    for at, text, emoji in (
        (RESOLVED - timedelta(hours=2), "db is down", "rotating_light"),
        (RESOLVED, "resolved", "white_check_mark"),
    ):
        world.stub.add_message(
            INC, ts=f"{at.timestamp():.6f}", user=ALICE, text=text, reactions={emoji: [ALICE]}
        )
    channels.known_channel(world.rt, world.slack, TEAM_ID, INC)
    opened_note = lambda args: "I opened this postmortem" in str(args.get("text"))  # noqa: E731
    world.stub.fail("chat.postMessage", "internal_error", when=opened_note)
    world.stub.fail("chat.postMessage", "internal_error", when=lambda args: args.get("channel") == PMS)

    world.clock.now = RESOLVED + timedelta(hours=25)
    assert deadlines.sweep(world.rt, world.slack).opened == (NAME,)  # the note failed; the link too
    assert not any(opened_note(m) for m in world.stub.messages(INC))
    world.clock.advance(minutes=5)
    deadlines.sweep(world.rt, world.slack)
    assert len([m for m in world.stub.messages(INC) if opened_note(m)]) == 1

    world.stub.fail("chat.postMessage", "internal_error", when=lambda args: args.get("channel") == PMS)
    world.clock.now = RESOLVED + timedelta(hours=49)
    assert deadlines.sweep(world.rt, world.slack).escalated == (NAME,)  # the copy failed: kept for later
    copies = lambda: [t for t in world.texts(PMS) if "48 hours since" in t]  # noqa: E731
    assert copies() == []
    world.clock.advance(minutes=5)
    deadlines.sweep(world.rt, world.slack)
    assert len(copies()) == 1
    assert world.claim("escalation_copy").done_at is not None
    assert world.claim("auto_open").done_at is not None
