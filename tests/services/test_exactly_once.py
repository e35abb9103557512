"""Two bot processes on one database, every post's answer lost: each post is in Slack exactly once.

Two Runtimes (two processes, as far as the database and Slack can tell) race the same work round
after round: the channels being found (the announcement), the 48-hour sweep (the auto-opened thread
with its replies, link and note, the escalation and its copy, the question whether a postmortem is
wanted), the weekly reminders (in a channel, an archived private channel's by DM, an owner's overdue
DM) and the retry sweep. The Slack stand-in performs every post and drops the connection of the
first try of each, and the first look for a lost post in each place fails, so some are found at
once and some by a later attempt.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.outbound.slack.tags import EVENT_TYPE
from bot.runtime import Runtime
from bot.services import channels, deadlines, reminders, retries
from bot.store import channels as channel_store
from bot.store.models import Claim
from tests.conftest import FrozenClock
from tests.factories import make_item, runtime_for, slack_for
from tests.harness import TEAM_ID
from tests.slack_stub import SlackStub

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
OPENED, ASKED, ITEMS, ARCHIVED, PMS = "C0OPENED", "C0ASKED0", "C0ITEMS0", "G0ARCHIV", "C0PMS001"
MONDAY = datetime(2025, 3, 17, 9, 30, tzinfo=UTC)  # week 2025-W12, after the Monday 09:00 run
EXPECTED = Counter(
    {
        "announcement": 2,  # the two channels the bot finds (it knew the others already)
        "postmortem_thread": 1,
        "postmortem_timeline": 1,
        "postmortem_prompts": 1,
        "postmortem_link": 1,
        "auto_open": 1,
        "escalation": 1,
        "escalation_copy": 1,
        "ask_wanted": 1,
        "reminder.channel": 1,
        "reminder.channel-dm": 1,
        "reminder.owner": 1,
    }
)


def _first_try_of_each_post() -> Callable[[dict[str, Any]], bool]:
    """Drop the answer to the first try of every tagged message (by its claim and part)."""
    seen: set[tuple[Any, Any]] = set()

    def first(args: dict[str, Any]) -> bool:
        payload = (args.get("metadata") or {}).get("event_payload") or {}
        tried = (payload.get("key"), payload.get("part"))
        if tried in seen:
            return False
        seen.add(tried)
        return True

    return first


def _first_look_in_each_place() -> Callable[[dict[str, Any]], bool]:
    """Fail the first look for a lost post in each channel, DM and thread: found by a later attempt."""
    seen: set[tuple[Any, Any]] = set()

    def first(args: dict[str, Any]) -> bool:
        place = (args.get("channel"), args.get("ts"))
        if not args.get("include_all_metadata") or place in seen:
            return False
        seen.add(place)
        return True

    return first


@pytest.fixture
def slack(slack_stub: SlackStub) -> SlackStub:
    for user in (ALICE, BOB, CAROL):
        slack_stub.add_user(user, user[2:].lower())
    everyone = [ALICE, BOB, CAROL, "UBOT"]
    for channel, name in (
        (OPENED, "inc-opened"),
        (ASKED, "inc-asked"),
        (ITEMS, "inc-items"),
        (PMS, "postmortems"),
    ):
        slack_stub.add_channel(channel, name, members=everyone)
    slack_stub.add_channel(ARCHIVED, "inc-secret", is_private=True, is_archived=True, members=everyone)

    def said(channel: str, hours_before: float, text: str, emoji: str | None = None) -> None:
        at = MONDAY - timedelta(hours=hours_before)
        reactions = {emoji: [ALICE]} if emoji else None
        slack_stub.add_message(
            channel, ts=f"{at.timestamp():.6f}", user=ALICE, text=text, reactions=reactions
        )

    said(OPENED, 50, "checkout is down", "rotating_light")
    said(OPENED, 47.75, "resolved", "white_check_mark")  # opened by the bot, escalated 15 minutes on
    said(ASKED, 31, "Declaring this a SEV3")
    said(ASKED, 30, "resolved", "white_check_mark")  # a minor severity: asked once
    return slack_stub


@pytest.fixture
def processes(database_url: str, slack: SlackStub, clock: FrozenClock) -> Iterator[list[Runtime]]:
    clock.now = MONDAY
    runtimes = [runtime_for(database_url, slack, clock, POSTMORTEM_CHANNEL=PMS) for _ in range(2)]
    rt = runtimes[0]
    with rt.transaction() as session:  # known to the bot already: an archived private channel's items
        secret = channel_store.upsert(
            session, TEAM_ID, ARCHIVED, "inc-secret", clock(), archived=True, private=True
        )
        items = channel_store.upsert(session, TEAM_ID, ITEMS, "inc-items", clock())
    make_item(rt, secret.pk, owner=CAROL, due=date(2025, 4, 1), text="Rotate the signing keys")
    make_item(rt, items.pk, owner=BOB, due=date(2025, 3, 14), text="Add config schema validation")
    make_item(rt, items.pk, owner=ALICE, due=date(2025, 3, 30), text="Document pool size limits")
    try:
        yield runtimes
    finally:
        for runtime in runtimes:
            runtime.close()


def _one_round(rt: Runtime) -> None:
    slack = slack_for(rt)
    for channel in (OPENED, ASKED):
        channels.known_channel(rt, slack, TEAM_ID, channel)  # found by both: announced once
    deadlines.sweep(rt, slack)
    reminders.sweep(rt, slack)
    retries.sweep(rt, slack)


def _race(runtimes: list[Runtime]) -> list[BaseException]:
    start = threading.Barrier(len(runtimes))
    errors: list[BaseException] = []

    def run(rt: Runtime) -> None:
        try:
            start.wait()
            _one_round(rt)
        except BaseException as error:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(error)

    threads = [threading.Thread(target=run, args=(rt,)) for rt in runtimes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return errors


def test_two_processes_with_every_answer_lost_post_each_message_exactly_once(
    processes: list[Runtime], slack: SlackStub, clock: FrozenClock
) -> None:
    slack.drop_connection("chat.postMessage", times=None, when=_first_try_of_each_post())
    slack.fail("conversations.history", "internal_error", times=None, when=_first_look_in_each_place())
    slack.fail("conversations.replies", "internal_error", times=None, when=_first_look_in_each_place())

    for _ in range(6):  # each round five minutes after the last, as the sweeps run
        assert _race(processes) == []
        clock.advance(minutes=5)

    with processes[0].transaction() as session:
        rows = session.scalars(select(Claim)).all()
        done = Counter(c.kind for c in rows if c.done_at is not None and c.kind in EXPECTED)
        assert [c.kind for c in rows if c.done_at is None] == []
        assert "report" not in {c.kind for c in rows}  # nothing kept failing
    assert done == EXPECTED

    conversations = [OPENED, ASKED, ITEMS, PMS, "D" + BOB[1:], "D" + CAROL[1:]]
    bots = [m for c in conversations for m in slack.messages(c) if m.get("user") == "UBOT"]
    tags = [(m.get("metadata") or {}).get("event_payload") or {} for m in bots]
    assert all((m.get("metadata") or {}).get("event_type") == EVENT_TYPE for m in bots)  # all tagged
    in_slack = Counter((t["key"], t["part"]) for t in tags)
    assert set(in_slack.values()) == {1}, [k for k, n in in_slack.items() if n > 1]  # nothing twice
    assert Counter(key.split(":")[0] for key, part in in_slack if part == 0) == EXPECTED  # nothing missing

    lost = {
        c.decoded["metadata"]["event_payload"]["key"]
        for c in slack.calls_to("chat.postMessage")
        if not c.answered
    }
    assert lost == {key for key, _ in in_slack}  # and every one of them had its answer lost
    assert slack.calls_to("chat.postMessage") and all(
        c.decoded.get("metadata") for c in slack.calls_to("chat.postMessage")
    )
