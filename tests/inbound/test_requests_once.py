"""A command, a button press or a modal submission sent again is done once, over real HTTP, on one
replica or two: the same signed bytes replayed within Slack's 5 minutes get 200 and nothing more
(for a command, an empty body and no second reply). Distinct requests are each done.
"""

from __future__ import annotations

import logging
import time
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest
from slack_bolt import BoltRequest

from bot.app import build_bolt_app
from bot.config import Settings
from bot.inbound.slack.executor import ListenerPool
from bot.inbound.slack.middleware import request_key
from bot.outbound.slack.render.action_items import add_item_modal
from bot.runtime import Runtime
from bot.store.models import ActionItem
from tests.conftest import BotUnderTest, FrozenClock, bot_env, serving_bot
from tests.factories import count_rows
from tests.inbound.payments_outage import ALICE, BOB, CHANNEL, NAME, watch_incident
from tests.inbound.signed import command_body, interaction_body, post_signed
from tests.slack_stub import SlackStub

pytestmark = pytest.mark.e2e

ACTION = f"action <@{BOB}> 2025-03-20 P1 Add a p99 latency alert on checkout"


def _command(bot: BotUnderTest, text: str, trigger_id: str) -> bytes:
    return command_body(
        text,
        user=ALICE,
        channel=CHANNEL,
        channel_name=NAME,
        trigger_id=trigger_id,
        response_url=bot.stub.response_url,
    )


def _answers(bot: BotUnderTest, containing: str) -> list[dict[str, Any]]:
    return [r for r in bot.stub.responses if containing in str(r.get("text", ""))]


def test_the_same_signed_action_command_sent_three_times_adds_one_item(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    watch_incident(bot)
    body, stamp = _command(bot, ACTION, "1001.2002.aaa"), int(time.time())
    replies = [post_signed(bot, body, timestamp=stamp) for _ in range(3)]
    assert [r.status for r in replies] == [200, 200, 200]
    assert [r.body for r in replies[1:]] == [b"", b""]
    bot.stub.wait_for_response(lambda r: "Added `#1`" in r.get("text", ""))
    bot.idle()
    assert count_rows(bot.rt, ActionItem) == 1
    assert len(_answers(bot, "Added")) == 1  # one reply, not three
    assert sum("the same request was handled already" in r.getMessage() for r in caplog.records) == 2


def test_help_sent_again_gets_an_empty_answer(bot: BotUnderTest) -> None:
    body, stamp = _command(bot, "help", "1001.2002.help"), int(time.time())
    first, again = post_signed(bot, body, timestamp=stamp), post_signed(bot, body, timestamp=stamp)
    assert first.status == 200 and "/postmortem help" in first.text
    assert again.status == 200 and again.body == b""


def test_the_same_command_typed_again_is_a_new_request_and_runs_again(bot: BotUnderTest) -> None:
    """Slack mints a trigger_id per command: typing it twice is two requests, and both run."""
    watch_incident(bot)
    for trigger_id in ("1001.2002.one", "1001.2002.two"):
        assert post_signed(bot, _command(bot, ACTION, trigger_id), timestamp=int(time.time())).status == 200
    bot.stub.wait_for_response(lambda r: "Added `#2`" in r.get("text", ""))
    assert count_rows(bot.rt, ActionItem) == 2


def test_a_second_replica_on_the_same_database_skips_a_command_the_first_ran(bot: BotUnderTest) -> None:
    watch_incident(bot)
    body, stamp = _command(bot, ACTION, "1001.2002.shared"), int(time.time())
    with serving_bot(bot.rt.settings, bot.stub, bot.rt.clock) as replica:
        assert post_signed(bot, body, timestamp=stamp).status == 200
        bot.stub.wait_for_response(lambda r: "Added `#1`" in r.get("text", ""))
        again = post_signed(replica, body, timestamp=stamp)
        assert again.status == 200 and again.body == b""
        replica.idle()
        bot.idle()
        assert count_rows(bot.rt, ActionItem) == 1
        assert len(_answers(bot, "Added")) == 1


def _decline(trigger_id: str) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "user": {"id": BOB},
        "channel": {"id": CHANNEL, "name": NAME},
        "trigger_id": trigger_id,
        "container": {"type": "message", "message_ts": "1.0", "channel_id": CHANNEL},
        "actions": [{"type": "button", "action_id": "postmortem.decline", "block_id": "b", "value": "x"}],
    }


@pytest.mark.parametrize("replicas", [1, 2])
def test_the_same_button_press_sent_again_is_done_once(bot: BotUnderTest, replicas: int) -> None:
    payload = {**_decline("1001.2002.press"), "response_url": bot.stub.response_url}
    body, stamp = interaction_body(payload), int(time.time())
    with serving_bot(bot.rt.settings, bot.stub, bot.rt.clock) as replica:
        second = bot if replicas == 1 else replica
        assert post_signed(bot, body, timestamp=stamp).status == 200
        bot.stub.wait_for_response(lambda r: "No postmortem" in r.get("text", ""))
        assert post_signed(second, body, timestamp=stamp).status == 200
        second.idle()
        bot.idle()
    assert len(_answers(bot, "No postmortem")) == 1
    # A second press is a new interaction, with its own trigger_id: it is answered.
    before = len(bot.stub.responses)
    fresh = interaction_body({**_decline("1001.2002.again"), "response_url": bot.stub.response_url})
    assert post_signed(bot, fresh, timestamp=int(time.time())).status == 200
    bot.stub.wait_for_response(lambda r: "No postmortem" in r.get("text", ""), after=before)


def test_the_same_modal_submission_sent_again_adds_one_item(bot: BotUnderTest) -> None:
    watch_incident(bot)
    view = add_item_modal(CHANNEL, date(2025, 3, 15))
    values = {
        "item_owner": {"item_owner": {"type": "users_select", "selected_user": BOB}},
        "item_due": {"item_due": {"type": "datepicker", "selected_date": "2025-03-20"}},
        "item_priority": {"item_priority": {"type": "static_select", "selected_option": {"value": "P1"}}},
        "item_text": {
            "item_text": {"type": "plain_text_input", "value": "Add a p99 latency alert on checkout"}
        },
    }
    submission = {
        "type": "view_submission",
        "user": {"id": ALICE},
        "trigger_id": "1001.2002.submit",
        "view": {**view, "id": "V1", "state": {"values": values}},
    }
    body, stamp = interaction_body(submission), int(time.time())
    assert [post_signed(bot, body, timestamp=stamp).status for _ in range(3)] == [200, 200, 200]
    bot.stub.wait_for("chat.postEphemeral", lambda c: "Added `#1`" in str(c.decoded))
    bot.idle()
    assert count_rows(bot.rt, ActionItem) == 1
    assert len(bot.stub.calls_to("chat.postEphemeral")) == 1


def test_a_request_without_a_trigger_id_is_known_by_its_signature(bot: BotUnderTest) -> None:
    """Slack always sends a trigger_id; without one, the same signed bytes are the same request,
    and the same body signed at another second is another."""
    form = parse_qsl(_command(bot, "help", "").decode())
    body = urlencode([(k, v) for k, v in form if k != "trigger_id"]).encode()
    stamp = int(time.time())
    answers = [post_signed(bot, body, timestamp=t) for t in (stamp, stamp, stamp - 1)]
    assert ["/postmortem help" in a.text for a in answers] == [True, False, True]
    assert answers[1].status == 200 and answers[1].body == b""


def test_socket_mode_is_unsigned_and_done_once_by_trigger_id(
    database_url: str, slack_stub: SlackStub, clock: FrozenClock
) -> None:
    """Socket Mode requests come over Slack's own connection, unsigned, and never through bot/web.py:
    they still work, and a redelivered one (same trigger_id) is still done once."""
    rt = Runtime.create(
        Settings.from_env(bot_env(database_url, slack_stub, SLACK_APP_TOKEN="xapp-1")), clock=clock
    )
    listeners = ListenerPool()
    try:
        app = build_bolt_app(rt, listeners=listeners)
        typed = command_body(
            "help", user=ALICE, channel=CHANNEL, channel_name=NAME, trigger_id="1.2.sm", response_url="x"
        )
        form = dict(parse_qsl(typed.decode()))
        answers = [app.dispatch(BoltRequest(body=form, mode="socket_mode")) for _ in range(2)]
        fresh = app.dispatch(BoltRequest(body={**form, "trigger_id": "1.2.other"}, mode="socket_mode"))
        assert [a.status for a in (*answers, fresh)] == [200, 200, 200]
        assert ["/postmortem help" in a.body for a in (*answers, fresh)] == [True, False, True]
    finally:
        listeners.wait_idle(10)
        listeners.shutdown()
        rt.close()


def test_the_key_fits_processed_events_and_never_meets_an_event_id() -> None:
    headers = {"x-slack-signature": ["v0=" + "a" * 64]}
    by_trigger = request_key({"trigger_id": "9" * 500}, headers)
    by_signature = request_key({}, headers)
    assert by_trigger and by_signature and by_trigger != by_signature
    assert {len(by_trigger), len(by_signature)} == {64}
    assert by_trigger.startswith("request:") and by_signature.startswith("request:")
    assert request_key({}, {}) is None
