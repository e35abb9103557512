"""Gone, in every way Slack says it: message_deleted, a thread parent turned into a tombstone through
message_changed (the field case deleted_thread_parent), a reply deleted from its thread. A deleted
message leaves the timeline and its mark goes with it; its text stays in the record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.domain.timeline import Mark
from tests.conftest import BotUnderTest
from tests.inbound.channels import (
    eventually,
    incident_channel,
    message_event,
    post,
    reaction_event,
    stored,
    texts,
    timeline,
    wait_stored,
)

pytestmark = pytest.mark.e2e

CASE = Path(__file__).resolve().parents[1] / "fixtures" / "cases" / "deleted_thread_parent" / "events.json"


def _people(bot: BotUnderTest) -> None:
    for user, name in (("U0ALICE", "alice"), ("U0BOB", "bob"), ("U1", "ana"), ("U2", "ben")):
        bot.stub.add_user(user, name, display_name=name.title(), tz="UTC")


def test_a_thread_parent_deleted_after_its_reply_leaves_the_timeline_and_takes_its_mark(
    bot: BotUnderTest,
) -> None:
    case: dict[str, Any] = json.loads(CASE.read_text())
    _people(bot)
    incident_channel(bot, "C0INCIDENT", "inc-2026-11-30-ledger")
    parent, reply = "1796032920.000100", "1796032980.000300"
    for event in case["events"]:
        assert bot.slack.event(event).status == 200
        if event.get("subtype") != "message_changed":
            bot.idle()  # as Slack sends them: one after the other
    eventually(lambda: stored(bot, "C0INCIDENT")[parent].deleted_at is not None, "the parent's deletion")

    built = timeline(bot, "C0INCIDENT", include_all=True)
    assert texts(built) == ["seeing 502s on my side"]  # the reply stays
    assert Mark.IMPACT_START not in {m for m, at in built.phases.items() if at is not None}
    kept = stored(bot, "C0INCIDENT")[parent]
    assert kept.text == "rolling restart of ledger-api started at 10:02 UTC"  # nothing anyone wrote is lost
    assert stored(bot, "C0INCIDENT")[reply].deleted_at is None


def test_a_reply_deleted_from_its_thread_leaves_the_timeline(bot: BotUnderTest) -> None:
    _people(bot)
    incident_channel(bot, "C1", "inc-db")
    parent = post(bot, "C1", "db primary is down")
    reply = post(bot, "C1", "wrong thread, sorry", user="U2", thread_ts=parent)
    wait_stored(bot, "C1", reply)
    bot.slack.event(
        message_event(
            "C1",
            f"{float(reply) + 5:.6f}",
            "",
            None,
            subtype="message_deleted",
            hidden=True,
            deleted_ts=reply,
        )
    )
    eventually(lambda: stored(bot, "C1")[reply].deleted_at is not None, "the reply's deletion")
    assert texts(timeline(bot, "C1", include_all=True)) == ["db primary is down"]


def test_a_delete_that_arrives_before_its_message_wins(bot: BotUnderTest) -> None:
    """After downtime Slack's retries and the backfill interleave: the delete is remembered."""
    _people(bot)
    incident_channel(bot, "C1", "inc-db")
    ts = "1742061240.000100"
    bot.slack.event(
        message_event("C1", "1742061300.000200", "", None, subtype="message_deleted", deleted_ts=ts)
    )
    bot.idle()
    bot.slack.event(message_event("C1", ts, "ignore this, wrong channel", "U1"))
    eventually(
        lambda: stored(bot, "C1").get(ts) is not None and stored(bot, "C1")[ts].text != "", "the message"
    )
    assert stored(bot, "C1")[ts].deleted_at is not None
    assert texts(timeline(bot, "C1", include_all=True)) == []


def test_a_removed_resolution_mark_stays_removed_when_slack_retries_the_add_after_it(
    bot: BotUnderTest,
) -> None:
    """The reviewer's case: Slack's retry of reaction_added reaches the bot after reaction_removed; the
    ✅ must not come back and start the 48-hour clock."""
    _people(bot)
    incident_channel(bot, "C1", "inc-db")
    ts = post(bot, "C1", "looks resolved?")
    wait_stored(bot, "C1", ts)
    added = reaction_event("reaction_added", "C1", ts, "white_check_mark") | {
        "event_ts": f"{float(ts) + 10:.6f}"
    }
    removed = reaction_event("reaction_removed", "C1", ts, "white_check_mark") | {
        "event_ts": f"{float(ts) + 20:.6f}"
    }
    assert bot.slack.event(removed).status == 200
    bot.idle()
    assert bot.slack.event(added, retry_num=1).status == 200
    bot.idle()
    assert timeline(bot, "C1").phases.get(Mark.RESOLUTION) is None
