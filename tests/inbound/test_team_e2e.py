"""The workspace a request is about, read one way (inbound/slack/middleware.team_of), over HTTP.

Bolt's own advice: for an event, `authorizations[0].team_id` (the workspace the app is installed
in, also for a channel shared with another organization), then the envelope's `team_id`; a command
names its `team_id`, an interaction its `team`. An event that names no workspace at all is refused
with a warning, never claimed and dropped in silence.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from slack_bolt import BoltContext
from sqlalchemy import select

from bot.inbound.slack.middleware import team_of
from bot.store.models import Channel, ProcessedEvent
from tests.conftest import BotUnderTest
from tests.harness import TEAM_ID
from tests.inbound.channels import incident_channel, message_event, stored, wait_stored
from tests.inbound.signed import warned

pytestmark = pytest.mark.e2e

OTHER_ORG = "T0OTHERORG"  # the other side of a shared channel


@pytest.fixture
def app(bot: BotUnderTest) -> BotUnderTest:
    incident_channel(bot, "C1", "inc-2025-03-15-db")
    return bot


def deliver(bot: BotUnderTest, event: dict[str, Any], event_id: str, **envelope: Any) -> int:
    body: dict[str, Any] = {
        "token": "legacy-verification-token",
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1742069100,
        **envelope,
    }
    return bot.slack.post(json.dumps(body).encode(), "application/json").status


def test_an_event_whose_envelope_names_no_team_is_filed_under_its_authorization(app: BotUnderTest) -> None:
    ts = "1742069100.000100"
    authorizations = [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}]
    assert (
        deliver(app, message_event("C1", ts, "db is down"), "Ev0TEAM001", authorizations=authorizations)
        == 200
    )
    assert wait_stored(app, "C1", ts).text == "db is down"


def test_a_shared_channel_event_is_filed_under_the_installing_workspace(app: BotUnderTest) -> None:
    """Slack Connect: the envelope names the other organization; the authorization, ours."""
    ts = "1742069160.000100"
    authorizations = [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}]
    event = {**message_event("C1", ts, "their side sees it too"), "team": OTHER_ORG, "user_team": OTHER_ORG}
    status = deliver(app, event, "Ev0TEAM002", team_id=OTHER_ORG, authorizations=authorizations)
    assert status == 200
    assert wait_stored(app, "C1", ts).text == "their side sees it too"
    with app.rt.transaction() as s:
        assert s.scalars(select(Channel.team_id)).all() == [TEAM_ID]  # no second workspace's channel
        assert (
            s.scalar(select(ProcessedEvent.team_id).where(ProcessedEvent.event_id == "Ev0TEAM002")) == TEAM_ID
        )


def test_an_org_wide_install_falls_back_to_the_envelope(app: BotUnderTest) -> None:
    ts = "1742069220.000100"
    authorizations = [{"enterprise_id": "E0GRID", "team_id": None, "user_id": "UBOT", "is_bot": True}]
    status = deliver(
        app,
        message_event("C1", ts, "from the grid"),
        "Ev0TEAM003",
        team_id=TEAM_ID,
        authorizations=authorizations,
    )
    assert status == 200
    assert wait_stored(app, "C1", ts).text == "from the grid"


def test_an_event_that_names_no_workspace_is_refused_with_a_warning(
    app: BotUnderTest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    ts = "1742069280.000100"
    event = message_event("C1", ts, "whose is this?")
    del event["team"]  # nor does the event say whose
    for _ in range(2):  # and again, as Slack's retry: the same answer, nothing claimed
        assert deliver(app, event, "Ev0TEAM004") == 200
    app.idle()
    warned(caplog, "Ev0TEAM004", "names no workspace")
    assert ts not in stored(app, "C1")
    with app.rt.transaction() as s:
        assert (
            s.scalar(select(ProcessedEvent.event_id).where(ProcessedEvent.event_id == "Ev0TEAM004")) is None
        )


@pytest.mark.parametrize(
    ("body", "context", "team"),
    [
        ({"team_id": "T1"}, {"team_id": "T2"}, "T2"),  # Bolt's reading (authorizations first) wins
        ({"team_id": "T1"}, {}, "T1"),  # an org-wide install: the envelope's
        ({}, {"enterprise_id": "E1"}, "E1"),  # only the organization
        ({"team_id": ""}, {"team_id": None}, None),
        ({}, {}, None),
    ],
)
def test_team_of_reads_in_one_order(body: dict[str, Any], context: dict[str, Any], team: str | None) -> None:
    assert team_of(body, BoltContext(context)) == team
