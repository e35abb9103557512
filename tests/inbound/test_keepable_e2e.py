"""What PostgreSQL refuses where SQLite takes it: a NUL character in text, ids longer than Slack's.

Every test runs on both databases. A NUL in what someone wrote is kept as U+FFFD (it shows and
carries nothing), on every path: a live event, a backfill page, a command. An id longer than any
Slack id is nothing Slack sends: the event is refused with one warning and a 200 (a retry brings
the same), and nothing is stored.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.store.models import Channel, Message, Postmortem, ProcessedEvent, Reaction, Workspace
from tests.conftest import BotUnderTest
from tests.harness import TEAM_ID
from tests.inbound.channels import (
    incident_channel,
    message_event,
    post,
    reaction_event,
    stored,
    texts,
    timeline,
    wait_stored,
)
from tests.inbound.payments_outage import ask, start_postmortem
from tests.inbound.signed import calm, warned

pytestmark = pytest.mark.e2e

NUL, REPLACEMENT = "\x00", "\ufffd"
LONG_USER = "U" + "X" * 40  # Slack's are 9 to 11 characters
TS = "1742069100.000100"


@pytest.fixture
def app(bot: BotUnderTest) -> BotUnderTest:
    bot.stub.add_user("U1", "ana", display_name="Ana", tz="America/New_York")
    bot.stub.add_user("U2", "ben", display_name="Ben", tz="Europe/Berlin")
    incident_channel(bot, "C1", "inc-2025-03-15-db")
    return bot


def count(bot: BotUnderTest, model: type[Any]) -> int:
    with bot.rt.transaction() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def envelope(event: dict[str, Any], /, **changes: Any) -> bytes:
    body = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev0KEEP0001",
        "event_time": 1742069100,
        "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}],
        **changes,
    }
    return json.dumps(body).encode()


# --- a NUL in text: kept, as U+FFFD ----------------------------------------------------------------------


def test_a_nul_in_a_live_message_is_kept_as_a_replacement_character(app: BotUnderTest) -> None:
    event = message_event("C1", TS, f"rolled back{NUL} the deploy", "U1")
    assert app.slack.event(event, event_id="Ev0NUL0001").status == 200
    assert wait_stored(app, "C1", TS).text == f"rolled back{REPLACEMENT} the deploy"
    # Slack's retry, and the same message edited to the same text: one message, no revision
    assert app.slack.event(event, event_id="Ev0NUL0001", retry_num=1).status == 200
    assert app.slack.event(message_event("C1", "1742069160.000100", "ok", "U1")).status == 200
    wait_stored(app, "C1", "1742069160.000100")
    assert f"rolled back{REPLACEMENT} the deploy" in texts(timeline(app, "C1", include_all=True))


def test_a_nul_in_a_backfilled_page_is_kept_and_the_backfill_finishes(bot: BotUnderTest) -> None:
    bot.stub.add_user("U1", "ana", display_name=f"An{NUL}a")
    bot.stub.add_channel("C2", "inc-2025-03-16-nul", members=["U1"])
    bot.stub.add_message("C2", ts=TS, text=f"db{NUL} down", user="U1", reactions={"boom": ["U1"]})
    bot.stub.add_message("C2", ts="1742069160.000100", text="not kept", user=LONG_USER)
    bot.stub.add_message("C2", ts="1742069220.000100", text="after it", user="U1")
    incident_channel(bot, "C2", "inc-2025-03-16-nul")  # watched and backfilled
    kept = stored(bot, "C2")
    assert kept[TS].text == f"db{REPLACEMENT} down"
    assert "1742069160.000100" not in kept  # its user id is longer than Slack's: skipped
    assert kept["1742069220.000100"].text == "after it"
    assert texts(timeline(bot, "C2")) == [f"db{REPLACEMENT} down"]


def test_a_nul_in_a_command_is_kept(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    ask(bot, f"set summary Checkout{NUL} failed for 2h", "Saved summary")
    with bot.rt.transaction() as s:
        assert s.scalar(select(Postmortem.summary)) == f"Checkout{REPLACEMENT} failed for 2h"


# --- ids longer than Slack's: refused, with a warning and a 200 --------------------------------------------


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (lambda e: {"event": {**e, "user": LONG_USER}}, "`event.user` over 32 characters"),
        (lambda e: {"event_id": "Ev" + "9" * 70}, "`event_id` over 64 characters"),
        (lambda e: {"team_id": "T" + "9" * 40}, "`team_id` over 32 characters"),
        (
            lambda e: {"authorizations": [{"team_id": "T" + "9" * 40, "user_id": "UBOT"}]},
            "`authorizations[0].team_id` over 32 characters",
        ),
        (lambda e: {"event": {**e, "thread_ts": "1" * 40}}, "`event.thread_ts` over 32 characters"),
        (lambda e: {"event": {**e, "channel": "C" + "1" * 40}}, "`event.channel` over 32 characters"),
        (lambda e: {"event": {**e, "user": "U1" + NUL}}, "`event.user` with a NUL character"),
        (
            lambda e: {"event": {"type": "channel_rename", "channel": {"id": "C1", "name": "n" * 81}}},
            "`event.channel.name` over 80 characters",
        ),
    ],
)
def test_an_event_with_an_id_longer_than_slacks_is_refused(
    app: BotUnderTest,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    change: Any,
    said: str,
) -> None:
    caplog.set_level(logging.WARNING)
    events_before, workspaces_before = count(app, ProcessedEvent), count(app, Workspace)
    event = message_event("C1", TS, "hello", "U1")
    body = envelope(event, **change(event))
    for retry in (None, "1"):  # Slack's retry gets the same answer
        extra = {"X-Slack-Retry-Num": retry} if retry else {}
        assert app.slack.post(body, "application/json", extra_headers=extra).status == 200
    app.idle()
    warned(caplog, said)
    calm(caplog, capsys)
    assert TS not in stored(app, "C1")
    assert (count(app, ProcessedEvent), count(app, Workspace)) == (events_before, workspaces_before)


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ({"thread_ts": "not-a-ts"}, "has a thread_ts that is not a Slack ts"),
        ({"bot_id": "B" + "9" * 40}, "has a bot id over 32 characters"),
        ({"subtype": "s" * 70}, "over 64 characters"),
    ],
)
def test_a_message_the_record_cannot_keep_is_refused_and_its_delivery_is_done(
    app: BotUnderTest, caplog: pytest.LogCaptureFixture, message: dict[str, Any], said: str
) -> None:
    caplog.set_level(logging.WARNING)
    event = {**message_event("C1", TS, "hello", "U1"), **message}
    for retry in (None, 1):
        assert app.slack.event(event, event_id="Ev0BAD0001", retry_num=retry).status == 200
    app.idle()
    warned(caplog, said)
    assert TS not in stored(app, "C1")


def test_a_reaction_by_a_user_id_longer_than_slacks_is_refused(
    app: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    ts = post(app, "C1", "failover started", "U1")
    wait_stored(app, "C1", ts)
    assert app.slack.event(reaction_event("reaction_added", "C1", ts, "boom", LONG_USER)).status == 200
    assert app.slack.event(reaction_event("reaction_added", "C1", ts, "b" * 120, "U2")).status == 200
    deleted = {"type": "message", "subtype": "message_deleted", "channel": "C1", "deleted_ts": "x" * 20}
    assert app.slack.event(deleted).status == 200
    app.idle()
    warned(caplog, "`event.user` over 32 characters")
    warned(caplog, "`event.reaction` over 100 characters")
    warned(caplog, "deleted_ts")
    assert count(app, Reaction) == 0
    assert stored(app, "C1")[ts].deleted_at is None


def test_a_command_with_an_id_longer_than_slacks_is_refused(
    bot: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    form = {
        "team_id": TEAM_ID,
        "channel_id": "C1",
        "user_id": "U" + "1" * 40,
        "command": "/postmortem",
        "text": "watch",
        "trigger_id": "trigger.long",
        "response_url": bot.stub.response_url,
    }
    body = urllib.parse.urlencode(form).encode()
    assert bot.slack.post(body, "application/x-www-form-urlencoded").status == 400
    warned(caplog, "`user_id` over 32 characters")
    assert count(bot, Channel) == 0
    assert count(bot, Message) == 0


def test_a_mention_longer_than_any_slack_id_is_no_mention(bot: BotUnderTest) -> None:
    """`/postmortem lead` and `action` read `<@U…>`: one longer than Slack's ids names nobody."""
    start_postmortem(bot)
    mention = f"<@U{'1' * 40}>"
    ask(bot, f"lead {mention}", "Who should lead it?")
    ask(bot, f"action {mention} tomorrow Add an alert", "has no owner")
    with bot.rt.transaction() as s:
        assert s.scalar(select(Postmortem.lead_user_id)) != f"U{'1' * 40}"
