"""Signed requests malformed in shape, over real HTTP: each gets a clean answer (a command or an
interaction 400, an event 200) and one warning line, never a traceback, and nothing is done.

The least each kind must carry is checked in one place (bot/inbound/slack/shapes.py) before Bolt
reads the body; what an event means is read tolerantly by bot/inbound/slack/payloads.py.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest

from tests.conftest import BotUnderTest
from tests.harness import TEAM_ID
from tests.inbound.channels import incident_channel, message_event, reaction_event, stored
from tests.inbound.signed import FORM, calm, warned

pytestmark = pytest.mark.e2e

CHANNEL = "C0SHAPE"


@pytest.fixture(autouse=True)
def _log_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)


def _press(**changes: Any) -> dict[str, Any]:
    """A press of the Done button on item 1 in a listing, as Slack sends it, with `changes`."""
    press = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "trigger_id": "1001.2002.shape",
        "channel": {"id": CHANNEL, "name": "inc-shape"},
        "container": {"type": "message", "message_ts": "1.0", "channel_id": CHANNEL},
        "actions": [{"type": "button", "action_id": "action_item.done", "block_id": "b", "value": "1"}],
    }
    return {k: v for k, v in (press | changes).items() if v is not None}


def _submit(callback_id: str, meta: Any, values: Any = None, **changes: Any) -> dict[str, Any]:
    """A modal submission: `meta` becomes its private_metadata (JSON unless it is already text)."""
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": meta if isinstance(meta, str) else json.dumps(meta),
        "state": {"values": {} if values is None else values},
    }
    submission = {"type": "view_submission", "user": {"id": "U1"}, "trigger_id": "1001.2002.v", "view": view}
    return {k: v for k, v in (submission | changes).items() if v is not None}


def _item_view(meta: Any, values: Any = None, **changes: Any) -> dict[str, Any]:
    return _submit("action_item.redate_view", meta, values, **changes)


DUE = {"item_due": {"item_due": {"type": "datepicker", "selected_date": "2025-04-01"}}}

INTERACTIONS = [
    pytest.param(_press(user=None), "block_actions without a user", id="a press with no user"),
    pytest.param(_press(user="U1"), "block_actions without a user", id="a press whose user is an id"),
    pytest.param(_press(actions=[]), "without an action", id="a press with an empty actions list"),
    pytest.param(_press(actions="done"), "`actions` is not a list of objects", id="actions that are text"),
    pytest.param(_press(trigger_id=None), "without a trigger_id", id="a press with no trigger_id"),
    pytest.param(_press(channel=None), "on a message without its channel", id="a press with no channel"),
    pytest.param(
        _press(actions=[{"type": "button", "action_id": "action_item.done", "value": "abc"}]),
        "not an item number",
        id="an item button whose value is not a number",
    ),
    pytest.param(
        _press(actions=[{"type": "button", "action_id": "action_item.redate", "value": "99999999999"}]),
        "not an item number",
        id="an item number past what the database holds",
    ),
    pytest.param(
        _press(actions=[{"type": "static_select", "action_id": "postmortem.edit_section"}]),
        "no section chosen",
        id="the edit select with no option",
    ),
    pytest.param(
        _press(actions=[{"type": "button", "action_id": "action_item.done", "value": 1}]),
        "a value that is not text",
        id="a value that is a number",
    ),
    pytest.param(_item_view("{not json", DUE), "not a JSON object", id="private_metadata that is not JSON"),
    pytest.param(_item_view("[1]", DUE), "not a JSON object", id="private_metadata that is a list"),
    pytest.param(_item_view({"channel_id": CHANNEL}, DUE), "without an item number", id="metadata, no item"),
    pytest.param(
        _item_view({"item_id": 1}, DUE, user=None), "without a user", id="a submission with no user"
    ),
    pytest.param(
        _item_view(
            {"item_id": 1}, {"item_due": {"item_due": {"type": "datepicker", "selected_date": "friday"}}}
        ),
        "a date that is not a date",
        id="a datepicker's date that is not a date",
    ),
    pytest.param(
        _item_view({"item_id": 1}, {"item_due": "2025-04-01"}),
        "not nested as Slack nests them",
        id="input values not nested",
    ),
    pytest.param(
        _submit("action_item.wontdo_view", {"item_id": 1}, "not an object"),
        "no input values",
        id="a submission whose state has no values",
    ),
    pytest.param(_item_view(7, DUE), "private_metadata that is not a JSON object", id="metadata: a number"),
    pytest.param(
        _submit("postmortem.edit_section_view", {"channel_id": CHANNEL, "section": "nope"}),
        "without a section",
        id="the edit modal naming no section",
    ),
    pytest.param(
        _submit("postmortem.edit_section_view", {"section": "summary"}, view=None),
        "without a callback_id",
        id="a submission with no view",
    ),
    pytest.param(_press(team=5), "`team` is not an object or an id", id="a team that is a number"),
    pytest.param(_press(authorizations={}), "`authorizations` is not a list", id="authorizations not a list"),
    pytest.param(
        _press(user={"id": "U" + "1" * 40}), "`user.id` over 32 characters", id="a user id too long"
    ),
    pytest.param(
        _press(team={"id": "T" + "1" * 40}), "`team.id` over 32 characters", id="a team id too long"
    ),
    pytest.param(_press(team="T" + "1" * 40), "`team` over 32 characters", id="a team, as an id, too long"),
    pytest.param(
        _item_view(
            {"item_id": 1},
            {"item_owner": {"item_owner": {"type": "users_select", "selected_user": "U" + "1" * 40}}},
        ),
        "a chosen user id over 32 characters",
        id="a modal's chosen user id too long",
    ),
]


@pytest.mark.parametrize(("payload", "problem"), INTERACTIONS)
def test_a_malformed_interaction_is_400_with_a_warning(
    bot_without_database: BotUnderTest,
    payload: dict[str, Any],
    problem: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = bot_without_database
    reply = bot.slack.interaction(payload)
    assert reply.status == 400
    warned(caplog, "ignored a signed", problem)
    bot.idle()
    assert len(bot.stub.calls) == 1 and bot.stub.responses == []  # auth.test at start-up; nothing since
    calm(caplog, capsys)


def _command(**changes: str | None) -> bytes:
    form = {
        "team_id": TEAM_ID,
        "channel_id": CHANNEL,
        "user_id": "U1",
        "command": "/postmortem",
        "text": "done 1",
        "trigger_id": "1001.2002.c",
        "response_url": "https://hooks.slack.invalid/commands/1",
    }
    return urllib.parse.urlencode({k: v for k, v in (form | changes).items() if v is not None}).encode()


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param(_command(channel_id=None), "without `channel_id`", id="no channel_id"),
        pytest.param(_command(user_id=None), "without `user_id`", id="no user_id"),
        pytest.param(_command(team_id=None), "without `team_id`", id="no team_id"),
        pytest.param(_command(channel_id=""), "without `channel_id`", id="an empty channel_id"),
        pytest.param(_command(user_id="U" + "1" * 40), "`user_id` over 32 characters", id="a long user_id"),
        pytest.param(_command(team_id="T" + "1" * 40), "`team_id` over 32 characters", id="a long team_id"),
        pytest.param(_command(channel_id="C" + "1" * 40), "`channel_id` over 32", id="a long channel_id"),
    ],
)
def test_a_malformed_command_is_400_with_a_warning(
    bot_without_database: BotUnderTest,
    body: bytes,
    problem: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bot = bot_without_database
    assert bot.slack.post(body, FORM).status == 400
    warned(caplog, "ignored a signed command", problem)
    bot.idle()
    assert len(bot.stub.calls) == 1
    calm(caplog, capsys)


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        pytest.param("reaction_added", "`event` is not an object", id="an event that is text"),
        pytest.param({"user": "U1"}, "an event without a type", id="an event with no type"),
        pytest.param(
            {"type": "app_home_opened", "user": 5, "tab": "home"},
            "`event.user` is not an object or an id",
            id="a user that is a number",
        ),
        pytest.param(
            {"type": "message", "subtype": "message_changed", "channel": CHANNEL, "message": ["x"]},
            "`event.message` is not an object",
            id="an edit whose message is a list",
        ),
        pytest.param(
            {"type": "reaction_added", "reaction": "boom", "item": {"type": "message", "channel": 7}},
            "`event.item.channel` is not an object or an id",
            id="a reaction on a channel that is a number",
        ),
    ],
)
def test_a_malformed_event_is_200_with_a_warning_and_ignored(
    bot_without_database: BotUnderTest,
    event: Any,
    problem: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """200: Slack retries an event it sees refused, and would only send the same thing again."""
    bot = bot_without_database
    assert bot.slack.event(event).status == 200
    warned(caplog, "ignored a signed event_callback", problem)
    bot.idle()
    assert len(bot.stub.calls) == 1
    calm(caplog, capsys)


def test_a_reaction_with_no_reaction_and_a_message_with_no_channel_are_ignored_with_a_warning(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """Shapes every event may take, read by payloads.py: well formed, but missing what it is about."""
    incident_channel(bot, CHANNEL, "inc-shape")
    bot.idle()
    calls = len(bot.stub.calls)
    ts = bot.stub.add_message(CHANNEL, text="checkout errors climbing", user="U1")
    no_reaction = reaction_event("reaction_added", CHANNEL, ts, "boom")
    del no_reaction["reaction"]
    assert bot.slack.event(no_reaction).status == 200
    no_channel = message_event(CHANNEL, "1742075880.000100", "where am I")
    del no_channel["channel"]
    assert bot.slack.event(no_channel).status == 200
    bot.idle()
    warned(caplog, "reaction event without channel, ts or reaction")
    warned(caplog, "message event without a channel")
    assert stored(bot, CHANNEL) == {}
    assert len(bot.stub.calls) == calls  # nothing asked of Slack either
    calm(caplog, capsys)
