"""Slack's user JSON → the name the bot shows (bot/outbound/slack/payloads.user_from_slack)."""

from __future__ import annotations

import pytest

from bot.outbound.slack.payloads import user_from_slack


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ({"id": "U1", "name": "ana", "profile": {"display_name": "Ana", "real_name": "Ana B."}}, "Ana"),
        (
            {"id": "U1", "name": "ana", "profile": {"display_name": "   ", "real_name": "  Ana  B. "}},
            "Ana B.",
        ),
        ({"id": "U1", "name": " ", "profile": {"display_name": "\t", "real_name": ""}}, "U1"),
        ({"id": "U1", "profile": "not a profile"}, "U1"),
        ({}, "unknown"),
    ],
)
def test_a_blank_name_is_no_name(raw: dict[str, object], shown: str) -> None:
    assert user_from_slack(raw).display_name == shown
