"""`/postmortem start` when part of the thread fails, or Slack's answer to the parent is lost: the
thread is recorded as soon as it exists, the person is told what failed, what is missing is filled
in later, and no second thread is ever posted. Signed commands in over HTTP, the stand-in out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.services import retries
from tests.conftest import BotUnderTest
from tests.factories import slack_for
from tests.inbound.payments_outage import CHANNEL, ask, parent_message, watch_incident

pytestmark = pytest.mark.e2e


def _parent(args: dict[str, Any]) -> bool:
    return str(args.get("text", "")).startswith("Postmortem: ")


def _timeline(args: dict[str, Any]) -> bool:
    return str(args.get("text", "")).startswith("Timeline of #") and bool(args.get("thread_ts"))


def _prompts(args: dict[str, Any]) -> bool:
    return args.get("text") == "What to fill in"


def _thread(bot: BotUnderTest) -> list[dict[str, Any]]:
    """The replies under the (one) parent message."""
    parent_ts = parent_message(bot)["ts"]
    return [m for m in bot.stub.messages(CHANNEL) if m.get("thread_ts") == parent_ts and m["ts"] != parent_ts]


def _count(bot: BotUnderTest, which: Any) -> int:
    """How many messages of that kind Slack holds (whatever the bot was told)."""
    return sum(1 for m in bot.stub.messages(CHANNEL) if which(m))


def test_a_failed_timeline_reply_is_told_and_filled_in_later_under_the_same_thread(bot: BotUnderTest) -> None:
    watch_incident(bot)
    bot.stub.fail("chat.postMessage", "internal_error", when=_timeline)

    answer = ask(bot, "start Payments outage", "Postmortem opened")

    assert "You are its lead" in answer["text"] and "/archives/" in answer["text"]  # the thread exists
    assert ":warning: I could not post the timeline reply (`internal_error`)" in answer["text"]
    assert (_count(bot, _timeline), _count(bot, _prompts)) == (0, 1)

    retries.sweep(bot.rt, slack_for(bot.rt))  # the retry job, five minutes later

    assert (_count(bot, _parent), _count(bot, _timeline), _count(bot, _prompts)) == (1, 1, 1)
    assert "PaymentsCheckoutErrorRate firing" in json.dumps([r.get("blocks") for r in _thread(bot)])
    again = ask(bot, "start", "already has its postmortem")
    assert "could not" not in again["text"]
    assert (_count(bot, _parent), _count(bot, _timeline), _count(bot, _prompts)) == (1, 1, 1)


def test_a_lost_answer_to_the_parent_is_found_at_once_and_the_person_hears_nothing_wrong(
    bot: BotUnderTest,
) -> None:
    watch_incident(bot)
    bot.stub.drop_connection("chat.postMessage", when=_parent)

    answer = ask(bot, "start Payments outage", "Postmortem opened")

    assert "could not" not in answer["text"] and "/archives/" in answer["text"]
    assert [c.answered for c in bot.stub.calls_to("chat.postMessage") if _parent(c.decoded)] == [False]
    assert (_count(bot, _parent), _count(bot, _timeline), _count(bot, _prompts)) == (1, 1, 1)


def test_a_lost_answer_to_the_parent_that_cannot_be_checked_is_told_and_the_next_start_adopts_it(
    bot: BotUnderTest,
) -> None:
    watch_incident(bot)
    bot.stub.drop_connection("chat.postMessage", when=_parent)
    bot.stub.fail(
        "conversations.history", "internal_error", when=lambda args: bool(args.get("include_all_metadata"))
    )

    answer = ask(bot, "start Payments outage", "Postmortem opened")

    assert ":warning: I could not post the postmortem thread (`unreachable`)" in answer["text"]
    assert "/archives/" not in answer["text"]  # the bot does not know where it is yet
    assert (_count(bot, _parent), _count(bot, _timeline)) == (1, 0)  # Slack has the parent, unrecorded

    again = ask(bot, "start", "already has its postmortem")

    assert "could not" not in again["text"]
    assert "/p" + parent_message(bot)["ts"].replace(".", "") in again["text"]  # the link to the one thread
    assert len([c for c in bot.stub.calls_to("chat.postMessage") if _parent(c.decoded)]) == 1  # never again
    assert (_count(bot, _parent), _count(bot, _timeline), _count(bot, _prompts)) == (1, 1, 1)
