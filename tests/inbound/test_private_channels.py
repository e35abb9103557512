"""What a private channel says never goes anywhere its members cannot see: not its name, its
postmortem's title or link, its late escalation, or its archived channel's reminders. And an item in
a private channel can only be owned by someone who can see it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from bot.config import Settings
from bot.services import deadlines, reminders
from bot.store.models import ActionItem
from tests.conftest import BotUnderTest, FrozenClock, bot_env, serving_bot
from tests.factories import count_rows, slack_for
from tests.inbound.payments_outage import ALICE, BOB, ask
from tests.slack_stub import SlackStub

pytestmark = pytest.mark.e2e

SECRET, SECRET_NAME = "C0SECRET1", "inc-2025-03-15-acquisition"
POSTMORTEMS = "C0POSTMORTEMS"
OUTSIDER = "U0OUTSIDER"
HERE = {"channel": SECRET, "channel_name": SECRET_NAME}


@pytest.fixture
def bot(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[BotUnderTest]:
    """The bot with a POSTMORTEM_CHANNEL, invited into a private incident channel."""
    slack_stub.add_channel(POSTMORTEMS, "postmortems")
    for user, name in ((ALICE, "alice"), (BOB, "bob"), (OUTSIDER, "olga")):
        slack_stub.add_user(user, name, display_name=name.title())
    slack_stub.add_channel(SECRET, SECRET_NAME, is_private=True, members=[ALICE, BOB, "UBOT"])
    for ts, user, text, emoji in (
        ("1742075880.000100", ALICE, "payroll export failing for the acquired team", "boom"),
        ("1742076391.000200", BOB, "PayrollExportErrors firing", "rotating_light"),
        ("1742083925.000500", ALICE, "resolved", "white_check_mark"),
    ):
        slack_stub.add_message(SECRET, ts=ts, user=user, text=text, reactions={emoji: [user]})
    settings = Settings.from_env(bot_env(database_url, slack_stub, POSTMORTEM_CHANNEL=POSTMORTEMS))
    with serving_bot(settings, slack_stub, clock) as running:
        joined = {
            "type": "member_joined_channel",
            "user": "UBOT",
            "channel": SECRET,
            "event_ts": "1742090000.1",
        }
        assert running.slack.event(joined).status == 200
        running.idle()
        yield running


def _said_in_postmortems(bot: BotUnderTest) -> str:
    return json.dumps(
        [c.decoded for c in bot.stub.calls_to("chat.postMessage") if c.decoded["channel"] == POSTMORTEMS]
    )


def test_starting_a_postmortem_in_a_private_channel_tells_the_postmortem_channel_nothing_of_it(
    bot: BotUnderTest,
) -> None:
    ask(bot, "start Payroll export of the acquired team", "Postmortem opened", **HERE)
    said = _said_in_postmortems(bot)
    assert "private incident channel" in said
    for secret in (SECRET_NAME, SECRET, "Payroll", "acquired", "/archives/"):
        assert secret not in said


def test_its_late_escalation_copy_says_only_that_one_is_late(bot: BotUnderTest, clock: FrozenClock) -> None:
    ask(bot, "start Payroll export of the acquired team", "Postmortem opened", **HERE)
    clock.advance(hours=60)  # resolved at 00:12 UTC, so more than 48 hours ago
    assert deadlines.sweep(bot.rt, slack_for(bot.rt)).escalated == (SECRET_NAME,)
    in_channel = [c.decoded for c in bot.stub.calls_to("chat.postMessage") if c.decoded["channel"] == SECRET]
    assert any("since #" in str(m.get("text")) for m in in_channel)  # the channel itself hears it all
    said = _said_in_postmortems(bot)
    assert "past its 48 hours" in said
    for secret in (SECRET_NAME, "Payroll", f"<@{ALICE}>"):
        assert secret not in said


def test_an_archived_private_channels_reminder_goes_to_its_owners_not_the_postmortem_channel(
    bot: BotUnderTest, clock: FrozenClock
) -> None:
    ask(bot, f"action <@{BOB}> 2025-03-20 Rotate the export credentials", "Added `#1`", **HERE)
    bot.stub.archive(SECRET)
    archived = {"type": "group_archive", "channel": SECRET, "event_ts": "1742090001.1"}
    assert bot.slack.event(archived).status == 200
    bot.idle()
    clock.advance(days=2)
    result = reminders.sweep(bot.rt, slack_for(bot.rt))
    assert [m.about for m in result.posted if "archived" in m.about] == [
        f"#{SECRET_NAME} (archived) → DM <@{BOB}>"
    ]
    assert "Rotate the export credentials" not in _said_in_postmortems(bot)


def test_an_item_in_a_private_channel_is_only_for_someone_who_can_see_it(bot: BotUnderTest) -> None:
    refused = ask(
        bot,
        f"action <@{OUTSIDER}> 2025-03-20 Rotate the export credentials",
        "not in this private channel",
        **HERE,
    )
    assert refused["response_type"] == "ephemeral"
    assert count_rows(bot.rt, ActionItem) == 0
    ask(bot, f"action <@{BOB}> 2025-03-20 Rotate the export credentials", "Added `#1`", **HERE)
    assert count_rows(bot.rt, ActionItem) == 1


def test_an_incident_resolved_long_before_the_bot_knew_its_channel_is_left_alone(
    bot: BotUnderTest, clock: FrozenClock
) -> None:
    """Invited into an old incident channel (or importing an old export), the bot neither opens a
    postmortem "14,963 hours after resolution" nor escalates it, in any later sweep."""
    bot.stub.add_channel("C0OLD0001", "inc-2024-11-02-dns", is_private=True, members=[ALICE, "UBOT"])
    bot.stub.add_message(
        "C0OLD0001",
        ts="1730534400.000100",
        user=ALICE,
        text="dns fixed",
        reactions={"white_check_mark": [ALICE]},
    )
    joined = {
        "type": "member_joined_channel",
        "user": "UBOT",
        "channel": "C0OLD0001",
        "event_ts": "1742090001.1",
    }
    assert bot.slack.event(joined).status == 200
    bot.idle()
    slack = slack_for(bot.rt)
    for _ in range(3):
        result = deadlines.sweep(bot.rt, slack)
        assert "inc-2024-11-02-dns" not in result.opened + result.asked + result.escalated
        clock.advance(days=3)
    said = [
        str(c.decoded.get("text"))
        for c in bot.stub.calls_to("chat.postMessage")
        if c.decoded["channel"] == "C0OLD0001"
    ]
    assert len(said) == 1 and "recording this channel" in said[0]  # the greeting, nothing else
