"""Mentions and markup end to end: what people type reaches Slack escaped, so it shows as typed and
never pings, links or formats, in the incident channel, in POSTMORTEM_CHANNEL and in every answer.

Slack sends a command's text with `&`, `<` and `>` escaped and mentions as tokens: typing
"@channel" arrives as `<!channel>`, typing "<b> & co" as `&lt;b&gt; &amp; co`. The bot keeps what
was typed and escapes it again wherever it posts it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.config import Settings
from bot.store.models import ActionItem
from tests.conftest import BotUnderTest, FrozenClock, bot_env, serving_bot
from tests.inbound.payments_outage import (
    ALICE,
    BOB,
    CHANNEL,
    ask,
    parent_message,
    submit_view,
    watch_incident,
)
from tests.slack_stub import SlackStub

pytestmark = pytest.mark.e2e

POSTMORTEMS = "#postmortems"
BROADCAST = re.compile(r"<!(?:channel|here|everyone|subteam)\b")
SHOWN_TITLE = "&lt;!channel&gt; outage &lt;!here&gt;"


@pytest.fixture
def bot(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[BotUnderTest]:
    """The bot with a POSTMORTEM_CHANNEL, where each new postmortem is linked."""
    slack_stub.add_channel("C0POSTMORTEMS", "postmortems")
    settings = Settings.from_env(bot_env(database_url, slack_stub, POSTMORTEM_CHANNEL=POSTMORTEMS))
    with serving_bot(settings, slack_stub, clock) as running:
        yield running


def _mrkdwn(value: Any) -> Iterator[str]:
    """Every text Slack reads as markup: a message's `text` and every mrkdwn text object."""
    if isinstance(value, dict):
        if isinstance(value.get("text"), str) and value.get("type") in (None, "mrkdwn"):
            yield value["text"]
        for key, inner in value.items():
            if key != "text" or not isinstance(inner, str):
                yield from _mrkdwn(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _mrkdwn(inner)


def _everything_sent(bot: BotUnderTest) -> list[str]:
    """The markup of every post, update, ephemeral, view and response_url answer the bot sent."""
    methods = ("chat.postMessage", "chat.update", "chat.postEphemeral", "views.publish", "views.open")
    sent = [c.decoded for c in bot.stub.calls if c.method in methods]
    return [text for body in [*sent, *bot.stub.responses] for text in _mrkdwn(body)]


def _assert_pings_nobody(bot: BotUnderTest) -> None:
    bot.idle()
    texts = _everything_sent(bot)
    assert texts
    pinging = [text for text in texts if BROADCAST.search(text)]
    assert pinging == [], "a broadcast went out"


def _posted_in(bot: BotUnderTest, channel: str) -> list[dict[str, Any]]:
    return [c.decoded for c in bot.stub.calls_to("chat.postMessage") if c.decoded["channel"] == channel]


def _item(bot: BotUnderTest, item_id: int) -> ActionItem:
    with bot.rt.transaction() as session:
        return session.get_one(ActionItem, item_id)


def test_a_title_with_broadcasts_is_shown_as_typed_and_pings_nobody(bot: BotUnderTest) -> None:
    watch_incident(bot)
    answer = ask(bot, "start <!channel> outage <!here>", "Postmortem opened")
    assert f"*{SHOWN_TITLE}*" in answer["text"]

    parent = parent_message(bot)
    assert parent["text"] == f"Postmortem: {SHOWN_TITLE}"
    assert parent["blocks"][0]["text"] == {
        "type": "plain_text",
        "text": "Postmortem: <!channel> outage <!here>",  # plain_text: as typed, not escaped
    }
    (link,) = _posted_in(bot, POSTMORTEMS)
    assert f"#inc-2025-03-15-payments: {SHOWN_TITLE} — https://" in link["text"]

    assert SHOWN_TITLE in ask(bot, "status", "Still empty")["text"]
    assert f"*{SHOWN_TITLE}* is now In review" in ask(bot, "review", "is now In review")["text"]
    assert SHOWN_TITLE in ask(bot, "start again", "already has its postmortem")["text"]
    _assert_pings_nobody(bot)


def test_section_text_is_escaped_once_whether_typed_in_a_command_or_a_modal(bot: BotUnderTest) -> None:
    watch_incident(bot)
    ask(bot, "start Payments outage", "Postmortem opened")
    # Typed: "@here <b> & co lost &lt;data&gt;" (the last part typed literally, entities and all).
    ask(bot, "set summary <!here> &lt;b&gt; &amp; co lost &amp;lt;data&amp;gt;", "Saved summary")
    parent = parent_message(bot)
    sections = [b["text"]["text"] for b in parent["blocks"] if b["type"] == "section"]
    assert "*Summary*\n&lt;!here&gt; &lt;b&gt; &amp; co lost &amp;lt;data&amp;gt;" in sections  # once

    select = {
        "type": "block_actions",
        "user": {"id": ALICE},
        "channel": {"id": CHANNEL, "name": "inc"},
        "trigger_id": "trigger.edit",
        "container": {"type": "message", "message_ts": parent["ts"], "channel_id": CHANNEL},
        "message": parent,
        "actions": [
            {
                "type": "static_select",
                "action_id": "postmortem.edit_section",
                "block_id": "b",
                "selected_option": {"value": "summary", "text": {"type": "plain_text", "text": "summary"}},
            }
        ],
        "response_url": bot.stub.response_url,
    }
    assert bot.slack.interaction(select).status == 200
    view = bot.stub.wait_for("views.open").decoded["view"]
    (text_input,) = [b for b in view["blocks"] if b["type"] == "input"]
    assert text_input["element"]["initial_value"] == "<!here> <b> & co lost &lt;data&gt;"  # as typed

    typed = "<!channel> is what <b>Bob</b> & co saw"  # a modal's input arrives as typed
    reply = submit_view(bot, view, {"section_text": {"type": "plain_text_input", "value": typed}})
    assert reply.status == 200
    shown = "&lt;!channel&gt; is what &lt;b&gt;Bob&lt;/b&gt; &amp; co saw"
    bot.stub.wait_for("chat.update", lambda c: shown in json.dumps(c.decoded.get("blocks")))
    _assert_pings_nobody(bot)


def test_an_action_item_and_a_wont_do_reason_with_broadcasts_ping_nobody(bot: BotUnderTest) -> None:
    watch_incident(bot)
    added = ask(
        bot, f"action <@{BOB}> 2025-03-20 P1 Warn <!here> before &lt;deploys&gt; &amp; rollbacks", "Added"
    )
    shown = "Warn &lt;!here&gt; before &lt;deploys&gt; &amp; rollbacks"
    assert shown in added["text"]
    assert _item(bot, 1).text == "Warn <!here> before <deploys> & rollbacks"  # what was typed

    listing = ask(bot, "actions", "Action items in #inc-2025-03-15-payments")
    assert shown in json.dumps(listing["blocks"])

    changed = ask(bot, "wontdo 1 <!channel> agreed &amp; moved on", "is now won't do", user=BOB)
    assert shown in changed["text"]
    assert _item(bot, 1).wont_do_reason == "<!channel> agreed & moved on"

    ask(bot, f"action <@{BOB}> 2025-03-20 P2 Page <!everyone> on &lt;p99&gt;", "Added `#2`")
    assert bot.slack.event({"type": "app_home_opened", "user": BOB, "tab": "home"}).status == 200
    home = bot.stub.wait_for("views.publish").decoded["view"]
    assert "Page &lt;!everyone&gt; on &lt;p99&gt;" in json.dumps(home)

    _wontdo_by_modal(bot, "2", "<!here> it is <b>done</b> elsewhere")
    assert _item(bot, 2).wont_do_reason == "<!here> it is <b>done</b> elsewhere"
    _assert_pings_nobody(bot)


def _wontdo_by_modal(bot: BotUnderTest, item_id: str, reason: str) -> None:
    click = {
        "type": "block_actions",
        "user": {"id": BOB},
        "trigger_id": "trigger.wontdo",
        "channel": {"id": CHANNEL, "name": "inc"},
        "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL, "is_ephemeral": True},
        "response_url": bot.stub.response_url,
        "actions": [{"type": "button", "action_id": "action_item.wontdo", "block_id": "b", "value": item_id}],
    }
    assert bot.slack.interaction(click).status == 200
    view = bot.stub.wait_for("views.open").decoded["view"]
    reply = submit_view(bot, view, {"item_reason": {"type": "plain_text_input", "value": reason}}, user=BOB)
    assert reply.status == 200
    bot.stub.wait_for("chat.postEphemeral", lambda c: "won't do" in json.dumps(c.decoded))
