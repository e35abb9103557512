"""Requests built byte for byte, for the tests of what the HTTP layer accepts: the same signed bytes
sent again (a replay), bodies and headers no Slack would send, and the check that what was refused
left one log line and no traceback.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
from typing import Any

import pytest

from tests.conftest import BotUnderTest
from tests.harness import SIGNING_SECRET, TEAM_ID, Response, http, sign

FORM = "application/x-www-form-urlencoded"


def command_body(
    text: str, *, user: str, channel: str, channel_name: str, trigger_id: str, response_url: str
) -> bytes:
    """A /postmortem form exactly as Slack sends it, with a trigger_id of the test's choosing."""
    form = {
        "token": "legacy-verification-token",
        "team_id": TEAM_ID,
        "team_domain": "test",
        "channel_id": channel,
        "channel_name": channel_name,
        "user_id": user,
        "user_name": user.lower(),
        "command": "/postmortem",
        "text": text,
        "api_app_id": "A0TEST",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urllib.parse.urlencode(form).encode()


def interaction_body(payload: dict[str, Any]) -> bytes:
    """An interactivity request (`payload=` and the JSON), with the workspace Slack always names."""
    return urllib.parse.urlencode({"payload": json.dumps({"team": {"id": TEAM_ID}, **payload})}).encode()


def post_signed(bot: BotUnderTest, body: bytes, content_type: str = FORM, *, timestamp: int) -> Response:
    """`body`, signed with `timestamp`: the same arguments give the same bytes and signature."""
    return bot.slack.post(body, content_type, timestamp=timestamp)


def post_raw(bot: BotUnderTest, body: bytes, headers: dict[str, str]) -> Response:
    """`body` with exactly these headers (and no others a test did not ask for)."""
    return http("POST", bot.slack.events_url, body, headers)


def signed_headers(body: bytes, content_type: str = "application/json", **extra: str) -> dict[str, str]:
    ts = int(time.time())
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(SIGNING_SECRET, ts, body),
        **extra,
    }


def calm(caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing logged at ERROR, no traceback in the log or on stderr (where wsgiref prints its own)."""
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert loud == [], [r.getMessage() for r in loud]
    assert "Traceback" not in capsys.readouterr().err


def warned(caplog: pytest.LogCaptureFixture, *fragments: str) -> str:
    """The one WARNING line holding every fragment (there must be one)."""
    lines = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    found = [line for line in lines if all(f in line for f in fragments)]
    assert found, f"no warning saying {fragments}; warnings were {lines}"
    return found[0]
