"""Slack's user JSON → the name the bot shows (bot/outbound/slack/payloads.user_from_slack)."""

from __future__ import annotations

import pytest

from bot.outbound.slack.payloads import message_from_slack, user_from_slack


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


# --- what the record keeps ------------------------------------------------------------------------------

TS = "1742069100.000100"
LONG = "U" + "X" * 40


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ({"user": LONG}, "has a user id over 32 characters"),
        ({"user": "U1\x00"}, "has a user id with a NUL character in it"),
        ({"bot_id": "B" + "9" * 40}, "has a bot id over 32 characters"),
        ({"subtype": "s" * 65}, "has a subtype over 64 characters"),
        ({"thread_ts": "yesterday"}, "has a thread_ts that is not a Slack ts"),
        ({"reactions": [{"name": "b" * 101, "users": ["U1"]}]}, "emoji name is over 100 characters"),
        ({"reactions": [{"name": "boom", "users": ["U1", LONG]}]}, "a :boom: reaction by a user id over 32"),
    ],
)
def test_a_message_the_record_cannot_keep_is_refused_saying_which_and_why(
    message: dict[str, object], said: str
) -> None:
    with pytest.raises(ValueError) as raised:
        message_from_slack({"ts": TS, "text": "hi", **message})
    assert f"the message at ts '{TS}' " in str(raised.value)
    assert said in str(raised.value)


def test_ids_as_long_as_the_record_keeps_are_kept() -> None:
    record = message_from_slack(
        {
            "ts": TS,
            "user": "U" * 32,
            "bot_id": "B" * 32,
            "reactions": [{"name": "e" * 100, "users": ["W" * 32]}],
        }
    )
    assert (record.user_id, record.bot_id, record.reactions) == ("U" * 32, "B" * 32, {"e" * 100: ("W" * 32,)})


def test_text_is_kept_as_sent_and_names_as_the_record_keeps_them() -> None:
    record = message_from_slack(
        {"ts": TS, "text": "a\x00b", "bot_id": "B1", "username": "Grafana\x00 " + "x" * 300}
    )
    assert record.text == "a\x00b"  # the store keeps it as U+FFFD (store/db.KeptText)
    assert record.author_name is not None
    assert len(record.author_name) == 255 and "\x00" not in record.author_name
    user = user_from_slack({"id": "U1", "real_name": "Ana\x00", "tz": "Europe/Berlin\x00"})
    assert (user.display_name, user.tz) == ("Ana\ufffd", None)


@pytest.mark.parametrize(
    ("files", "names"),
    [
        ([{"id": "F1", "name": "graph.png"}], ("graph.png",)),
        ([{"id": "F1", "title": "Latency"}], ("Latency",)),
        ([{"id": "F1", "mode": "hidden_by_limit"}], ("",)),  # a file the plan no longer shows
        ([{"id": "F1", "mode": "tombstone"}, {"id": "F2", "name": "a.csv"}], ("", "a.csv")),  # deleted
        (["not a file"], ()),
    ],
)
def test_a_file_without_a_name_is_still_a_file(files: list[object], names: tuple[str, ...]) -> None:
    assert message_from_slack({"ts": TS, "files": files}).files == names
