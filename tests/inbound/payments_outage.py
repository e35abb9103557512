"""The payments outage the postmortem and action-item tests play through, and how they talk to the bot.

Alice and Bob worked it in #inc-2025-03-15-payments: five marked messages (impact start to
resolution) and one unmarked. Helpers send what Slack would and wait for the bot's answer.
"""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import BotUnderTest
from tests.harness import Response

CHANNEL = "C0INC1"
NAME = "inc-2025-03-15-payments"
ALICE, BOB = "U0ALICE", "U0BOB"


def seed_incident(bot: BotUnderTest) -> None:
    """The people, the channel and what was said in it, in Slack (the bot has not heard of it yet)."""
    stub = bot.stub
    stub.add_user(ALICE, "alice", display_name="Alice", tz="America/New_York")
    stub.add_user(BOB, "bob", display_name="Bob", tz="Europe/Berlin")
    stub.add_channel(CHANNEL, NAME, members=[ALICE, BOB, "UBOT"])
    marks = [
        ("1742075880.000100", ALICE, "checkout errors climbing", "boom"),
        ("1742076391.000200", BOB, "PaymentsCheckoutErrorRate firing", "rotating_light"),
        ("1742076435.000300", ALICE, "ack, I'm IC", "eyes"),
        ("1742078460.000400", BOB, "rolled back payment-api, errors down", "adhesive_bandage"),
        ("1742083925.000500", ALICE, "resolved, ledger reconciled", "white_check_mark"),
    ]
    for ts, user, text, emoji in marks:
        stub.add_message(CHANNEL, ts=ts, user=user, text=text, reactions={emoji: [user]})
    stub.add_message(CHANNEL, ts="1742076500.000600", user=BOB, text="looking at the deploy log")


def watch_incident(bot: BotUnderTest) -> None:
    """The incident seeded and `/postmortem watch` run in its channel by Alice."""
    seed_incident(bot)
    assert bot.slack.command("watch", channel=CHANNEL, channel_name=NAME, user=ALICE).status == 200
    bot.stub.wait_for_response(lambda r: "Recording" in r.get("text", ""))


def start_postmortem(bot: BotUnderTest, title: str = "Payments outage") -> dict[str, Any]:
    """The incident watched and its postmortem started by Alice; the bot's answer."""
    watch_incident(bot)
    assert bot.slack.command(f"start {title}", channel=CHANNEL, channel_name=NAME, user=ALICE).status == 200
    return bot.stub.wait_for_response(lambda r: "Postmortem opened" in r.get("text", ""), timeout=10)


def parent_message(bot: BotUnderTest) -> dict[str, Any]:
    """The postmortem's parent message in the channel (there is exactly one)."""
    parents = [m for m in bot.stub.messages(CHANNEL) if "Postmortem: " in json.dumps(m.get("blocks", []))]
    assert len(parents) == 1, "one parent message, updated in place"
    return parents[0]


def ask(
    bot: BotUnderTest,
    text: str,
    contains: str = "",
    user: str = ALICE,
    *,
    channel: str = CHANNEL,
    channel_name: str = NAME,
) -> dict[str, Any]:
    """Send a command (in the incident channel unless told) and wait for its own ephemeral answer
    (not an earlier one), and for the command to have finished whatever else it does."""
    before = len(bot.stub.responses)
    assert bot.slack.command(text, channel=channel, channel_name=channel_name, user=user).status == 200
    answer = bot.stub.wait_for_response(timeout=10, after=before)
    bot.idle()
    assert contains in answer.get("text", ""), answer
    return answer


def submit_view(
    bot: BotUnderTest, view: dict[str, Any], values: dict[str, Any], user: str = ALICE
) -> Response:
    """Submit the modal `view` with `values` (block id → the input's value; each block holds one
    input, its action id the block's)."""
    state = {block: {block: value} for block, value in values.items()}
    submission = {
        "type": "view_submission",
        "user": {"id": user},
        "view": {**view, "id": "V1", "state": {"values": state}},
    }
    return bot.slack.interaction(submission)
