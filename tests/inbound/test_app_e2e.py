"""The real Bolt app over real HTTP: signed requests in, Web API calls out to the Slack stand-in."""

from __future__ import annotations

import json
import time

import pytest

from bot.app import build_bolt_app
from bot.config import Settings
from bot.runtime import Runtime
from bot.web import Server, make_wsgi_app
from tests.conftest import BotUnderTest, serving_bot
from tests.harness import http

pytestmark = pytest.mark.e2e


def _usage_text(reply: dict[str, object]) -> str:
    return json.dumps(reply["blocks"])


@pytest.mark.parametrize("text", ["help", "", "  HELP  "])
def test_help_answers_ephemerally_with_the_usage(bot: BotUnderTest, text: str) -> None:
    reply = bot.slack.command(text)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "/postmortem help" in _usage_text(body)
    # "<id>" would be read as a link by Slack: the usage shows it escaped
    assert "/postmortem done &lt;id&gt;" in _usage_text(body) and "<id>" not in _usage_text(body)


def test_an_unknown_subcommand_is_named_and_answered_with_the_usage(bot: BotUnderTest) -> None:
    body = bot.slack.command("frobnicate the database").json()
    assert body["response_type"] == "ephemeral"
    assert "`frobnicate` is not a /postmortem subcommand" in body["text"]
    assert "/postmortem help" in _usage_text(body)


def test_a_forged_signature_is_refused(bot_without_database: BotUnderTest) -> None:
    reply = bot_without_database.slack.command("help", secret="not-the-signing-secret")
    assert reply.status == 401
    assert "usage" not in reply.text.lower()


def test_a_six_minute_old_signature_is_refused(bot: BotUnderTest) -> None:
    assert bot.slack.command("help", timestamp=int(time.time()) - 6 * 60).status == 401
    assert bot.slack.command("help", timestamp=int(time.time()) - 4 * 60).status == 200


def test_an_unsigned_event_changes_nothing(bot: BotUnderTest) -> None:
    reply = bot.slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"}, secret="forged")
    assert reply.status == 401
    bot.idle()
    assert bot.stub.calls_to("views.publish") == []


def test_url_verification_echoes_the_challenge(bot_without_database: BotUnderTest) -> None:
    body = json.dumps(
        {
            "type": "url_verification",
            "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
            "token": "x",
        }
    )
    reply = bot_without_database.slack.post(body.encode(), "application/json")
    assert reply.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" in reply.text


def _home_opened() -> dict[str, str]:
    return {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1.0"}


def test_opening_app_home_publishes_the_home_tab(bot: BotUnderTest) -> None:
    assert bot.slack.event(_home_opened()).status == 200
    call = bot.stub.wait_for("views.publish")
    assert call.args["user_id"] == "U1"
    assert "/postmortem help" in json.dumps(call.args["view"])


def test_the_same_event_delivered_twice_is_processed_once(bot: BotUnderTest) -> None:
    assert bot.slack.event(_home_opened(), event_id="Ev0001").status == 200
    bot.stub.wait_for("views.publish")
    assert bot.slack.event(_home_opened(), event_id="Ev0001", retry_num=1).status == 200
    assert bot.slack.event(_home_opened(), event_id="Ev0002").status == 200  # a new event is handled
    bot.idle()  # a wrongly handled redelivery has published by now
    assert len(bot.stub.calls_to("views.publish")) == 2


def test_a_second_replica_on_the_same_database_skips_an_event_the_first_handled(bot: BotUnderTest) -> None:
    with serving_bot(bot.rt.settings, bot.stub, bot.rt.clock) as replica:
        assert bot.slack.event(_home_opened(), event_id="EvShared").status == 200
        bot.stub.wait_for("views.publish")
        assert replica.slack.event(_home_opened(), event_id="EvShared").status == 200
        replica.idle()
        bot.idle()
        assert len(bot.stub.calls_to("views.publish")) == 1


def test_a_429_from_slack_is_waited_out_and_retried(bot: BotUnderTest) -> None:
    bot.stub.rate_limit("views.publish", retry_after=1)
    bot.slack.event(_home_opened())
    bot.stub.wait_for("views.publish", lambda c: c.ok, timeout=10)
    assert [c.ok for c in bot.stub.calls_to("views.publish")] == [False, True]


def test_healthz_reports_the_database_and_schema(bot: BotUnderTest) -> None:
    reply = http("GET", bot.url + "/healthz")
    assert reply.status == 200
    assert reply.json()["database"] == "ok"
    assert reply.json()["schema"] == "current"


def test_healthz_is_503_when_the_database_is_gone(bot_without_database: BotUnderTest) -> None:
    broken = Runtime.create(Settings.from_env({"DATABASE_URL": "postgresql://nobody:x@127.0.0.1:1/none"}))
    app = make_wsgi_app(build_bolt_app(bot_without_database.rt), broken)
    server = Server(app, "127.0.0.1", 0).start_in_background()
    try:
        reply = http("GET", server.url + "/healthz")
        assert reply.status == 503
        assert reply.json()["database"] == "unreachable"
    finally:
        server.shutdown()
        broken.close()


def test_unknown_paths_are_404(bot_without_database: BotUnderTest) -> None:
    assert http("GET", bot_without_database.url + "/nope").status == 404


def test_an_error_that_quotes_usage_shows_its_placeholders(bot: BotUnderTest) -> None:
    """`/postmortem done` alone: the usage in the answer reads `<id>`, not a broken link."""
    reply = bot.slack.command("done")
    assert reply.status == 200
    answer = bot.stub.wait_for_response(lambda r: "Usage" in r.get("text", ""))
    assert "/postmortem done &lt;id&gt;" in answer["text"] and "<id>" not in answer["text"]
