"""A post whose answer was lost: Slack did it, the bot never heard. It is found again, never doubled.

Over real HTTP against the Slack stand-in, which performs the call and then drops the connection.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.web import make_web_client
from bot.runtime import Runtime
from bot.services import channels, deadlines, reminders
from bot.store.models import Claim
from tests.conftest import FrozenClock
from tests.factories import make_channel, make_item, runtime_for, slack_for
from tests.slack_stub import SlackStub

ALICE, BOB = "U0ALICE", "U0BOB"
DB_CH, PMS = "C0DB0001", "C0PMS001"
MONDAY = datetime(2025, 3, 17, 9, 30, tzinfo=UTC)  # week 2025-W12, after the Monday 09:00 run


def _into(channel: str) -> Any:
    return lambda args: args.get("channel") == channel


def _posts_to(stub: SlackStub, channel: str) -> list[Any]:
    return [c for c in stub.calls_to("chat.postMessage") if c.decoded.get("channel") == channel]


def _claim(rt: Runtime, kind: str) -> Claim:
    with rt.transaction() as session:
        return session.scalars(select(Claim).where(Claim.kind == kind)).one()


@pytest.fixture
def world(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[tuple[Runtime, Slack]]:
    clock.now = MONDAY
    for user in (ALICE, BOB):
        slack_stub.add_user(user, user[2:].lower())
    slack_stub.add_channel(DB_CH, "inc-db", members=[ALICE, BOB, "UBOT"])
    slack_stub.add_channel(PMS, "postmortems", members=[ALICE, "UBOT"])
    rt = runtime_for(database_url, slack_stub, clock, POSTMORTEM_CHANNEL=PMS)
    try:
        yield rt, slack_for(rt)
    finally:
        rt.close()


def _an_open_item(rt: Runtime) -> None:
    pk = make_channel(rt, DB_CH, "inc-db", watched=True).pk
    make_item(rt, pk, owner=ALICE, due=date(2025, 3, 30), text="Add config schema validation")


def test_posts_are_never_sent_again_blindly_but_reads_are(database_url: str, slack_stub: SlackStub) -> None:
    """The Web API client: a post whose connection dropped is not repeated; a read is."""
    slack_stub.add_channel(DB_CH, "inc-db")
    rt = runtime_for(database_url, slack_stub, FrozenClock(MONDAY))
    client = make_web_client(rt.settings)
    rt.close()
    slack_stub.drop_connection("chat.postMessage")
    slack_stub.drop_connection("conversations.history")

    slack = Slack.over(client, {})
    with pytest.raises(SlackFailed) as lost:
        slack.say.post(DB_CH, "hello")
    assert (lost.value.method, lost.value.reason) == ("chat.postMessage", "unreachable")
    assert len(slack_stub.calls_to("chat.postMessage")) == 1  # sent once, never again
    assert [m["text"] for m in slack_stub.messages(DB_CH)] == ["hello"]  # and Slack did post it

    page = slack.read.history_page(DB_CH)
    assert [m.text for m in page.messages] == ["hello"]
    assert [c.answered for c in slack_stub.calls_to("conversations.history")] == [False, True]


def test_a_weekly_reminder_whose_answer_was_lost_is_found_and_not_posted_again(
    world: tuple[Runtime, Slack], slack_stub: SlackStub
) -> None:
    rt, slack = world
    _an_open_item(rt)
    slack_stub.drop_connection("chat.postMessage", when=_into(DB_CH))

    result = reminders.sweep(rt, slack)

    assert [m.about for m in result.posted] == ["#inc-db"] and result.failed == []
    assert len(_posts_to(slack_stub, DB_CH)) == 1  # before: the client posted it a second time
    (posted,) = slack_stub.messages(DB_CH)
    assert posted["metadata"]["event_payload"]["key"] == "reminder.channel:1:2025-W12"
    assert _claim(rt, "reminder.channel").done_at is not None
    assert reminders.sweep(rt, slack).posted == []


def test_when_the_bot_cannot_look_at_once_a_later_sweep_adopts_the_lost_reminder(
    world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, slack = world
    _an_open_item(rt)
    slack_stub.drop_connection("chat.postMessage", when=_into(DB_CH))
    slack_stub.fail("conversations.history", "internal_error")  # the look right after the loss fails

    first = reminders.sweep(rt, slack)
    assert [(m.about, reason) for m, reason in first.failed] == [("#inc-db", "unreachable")]
    unconfirmed = _claim(rt, "reminder.channel")
    assert unconfirmed.unconfirmed_at == MONDAY and unconfirmed.done_at is None

    clock.advance(minutes=15)
    retry = reminders.sweep(rt, slack, only_pending=True)

    assert [m.about for m in retry.posted] == ["#inc-db"]
    assert len(_posts_to(slack_stub, DB_CH)) == 1  # adopted, not posted again
    assert len(slack_stub.messages(DB_CH)) == 1
    history = slack_stub.calls_to("conversations.history")[-1].decoded
    assert history["include_all_metadata"] == "1"  # form-encoded true
    assert float(history["oldest"]) == (MONDAY - timedelta(hours=1)).timestamp()
    done = _claim(rt, "reminder.channel")
    assert done.done_at is not None and done.attempts == 2


RESOLVED = datetime(2025, 3, 15, 17, 0, tzinfo=UTC)


def test_a_48_hour_escalation_whose_answer_was_lost_is_found_and_not_posted_again(
    world: tuple[Runtime, Slack], slack_stub: SlackStub, clock: FrozenClock
) -> None:
    rt, slack = world
    for ts, text, emoji in (
        (RESOLVED - timedelta(hours=2), "search is down", "rotating_light"),
        (RESOLVED, "resolved", "white_check_mark"),
    ):
        slack_stub.add_message(
            DB_CH, ts=f"{ts.timestamp():.6f}", user=ALICE, text=text, reactions={emoji: [ALICE]}
        )
    clock.now = RESOLVED
    channels.known_channel(rt, slack, "T0TEST", DB_CH)
    clock.now = RESOLVED + timedelta(hours=25)
    assert deadlines.sweep(rt, slack).opened == ("inc-db",)

    escalation = lambda args: "48 hours since" in str(args.get("text"))  # noqa: E731
    slack_stub.drop_connection("chat.postMessage", times=2, when=escalation)  # the escalation and its copy
    slack_stub.fail("conversations.replies", "internal_error")  # the first look fails
    clock.now = RESOLVED + timedelta(hours=49)
    assert deadlines.sweep(rt, slack).escalated == ()  # not confirmed: the claim is released
    assert deadlines.sweep(rt, slack).escalated == ("inc-db",)  # the next sweep finds it

    def escalations(channel: str) -> list[dict[str, Any]]:
        return [m for m in slack_stub.messages(channel) if "48 hours since" in m.get("text", "")]

    assert len(escalations(DB_CH)) == 1 and len(escalations(PMS)) == 1  # before: twice each
    assert len([c for c in slack_stub.calls_to("chat.postMessage") if escalation(c.decoded)]) == 2
    assert escalations(DB_CH)[0]["subtype"] == "thread_broadcast"
    assert _claim(rt, "escalation").done_at is not None
    assert _claim(rt, "escalation_copy").done_at is not None
    assert deadlines.sweep(rt, slack).escalated == ()


def test_a_lost_direct_message_is_looked_for_in_the_dm(
    world: tuple[Runtime, Slack], slack_stub: SlackStub
) -> None:
    rt, slack = world
    pk = make_channel(rt, DB_CH, "inc-db", watched=True).pk
    make_item(rt, pk, owner=BOB, due=date(2025, 3, 10), text="Roll back automatically")  # overdue
    dm = "D" + BOB[1:]
    slack_stub.drop_connection("chat.postMessage", when=_into(dm))

    result = reminders.sweep(rt, slack)

    assert sorted(m.about for m in result.posted) == ["#inc-db", f"DM <@{BOB}>"]
    assert len(slack_stub.messages(dm)) == 1 and len(_posts_to(slack_stub, dm)) == 1
    looked = [c.decoded for c in slack_stub.calls_to("conversations.history")]
    assert looked and looked[-1]["channel"] == dm
    assert "Roll back automatically" in json.dumps(slack_stub.messages(dm)[0]["blocks"])
