"""The postmortem thread end to end: signed commands, buttons and modals in; what Slack is sent out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from tests.conftest import BotUnderTest
from tests.inbound.payments_outage import (
    ALICE,
    BOB,
    CHANNEL,
    NAME,
    ask,
    parent_message,
    seed_incident,
    start_postmortem,
    submit_view,
    watch_incident,
)

pytestmark = pytest.mark.e2e


def test_start_opens_the_thread_prefilled_from_the_timeline(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    parent = parent_message(bot)
    shown = json.dumps(parent["blocks"])
    assert "Postmortem: Payments outage" in shown
    assert "2025-03-15 21:58 UTC" in shown  # impact start, in UTC
    assert "Duration:* 2h 14m" in shown
    assert "Still empty:" in shown
    assert "*Participants:* Alice, Bob" in shown  # who posted
    replies = [
        m
        for m in bot.stub.messages(CHANNEL)
        if m.get("thread_ts") == parent["ts"] and m["ts"] != parent["ts"]
    ]
    texts = json.dumps([r.get("blocks") for r in replies])
    assert "PaymentsCheckoutErrorRate firing" in texts  # the timeline, as a reply
    assert "What system or decision allowed" in texts or "Root cause" in texts  # guiding questions


def test_start_again_links_the_existing_postmortem(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    answer = ask(bot, "start Something else", "already has its postmortem")
    assert "Payments outage" in answer["text"]
    parent_message(bot)  # still exactly one parent


def test_start_outside_an_incident_channel_explains_and_stores_nothing(bot: BotUnderTest) -> None:
    bot.stub.add_channel("C0GENERAL", "general")
    assert bot.slack.command("start", channel="C0GENERAL", channel_name="general").status == 200
    answer = bot.stub.wait_for_response(lambda r: "not an incident channel" in r.get("text", ""))
    assert "/postmortem watch" in answer["text"]
    bot.idle()
    assert bot.stub.calls_to("chat.postMessage") == []


def test_set_updates_the_parent_in_place_and_checks_the_wording(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    ask(bot, "set summary Card payments failed for 2h 14m after a schema migration.", "Saved summary")
    assert "Card payments failed" in json.dumps(parent_message(bot)["blocks"])
    assert bot.stub.calls_to("chat.update"), "the parent message is updated with chat.update"

    answer = ask(bot, "set root-cause Bob should have checked the logs before deploying", "Saved root cause")
    assert "What would have made it easier for anyone in that position" in answer["text"]
    assert "names a person" in json.dumps(parent_message(bot)["blocks"])  # stays flagged until changed

    ask(
        bot,
        "set root-cause The migration reached production without running on staging first.",
        "Saved root cause.",
    )
    assert "names a person" not in json.dumps(parent_message(bot)["blocks"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("set colour blue", "summary"),  # an unknown section lists the valid ones
        ("set severity SEV9", "SEV1"),  # a severity outside the policy lists the valid ones
        ("set factor weather it rained", "technical"),
        ("set summary", "What should"),
    ],
)
def test_bad_set_input_is_explained_and_stores_nothing(bot: BotUnderTest, text: str, expected: str) -> None:
    start_postmortem(bot)
    updates_before = len(bot.stub.calls_to("chat.update"))
    answer = ask(bot, text, ":warning:")
    assert expected in answer["text"]
    assert len(bot.stub.calls_to("chat.update")) == updates_before


def test_status_review_and_complete(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    status = ask(bot, "status", "Still empty")
    assert "left in the 48-hour window" in status["text"]
    ask(bot, "review", "is now In review")
    refused = ask(bot, "complete", "cannot be completed")
    assert "summary, impact and root cause" in refused["text"]
    for text in (
        "set summary Checkout failed for card payments.",
        "set impact 312 customers could not pay for 2h 14m.",
        "set root-cause A migration with a breaking schema change reached production unvalidated.",
    ):
        ask(bot, text, "Saved")
    ask(bot, "complete", "is now Complete")
    assert "Complete" in json.dumps(parent_message(bot)["blocks"])


def test_lead_is_shown_on_the_parent(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    ask(bot, f"lead <@{BOB}|bob>", "now leads this postmortem")
    assert "*Lead:* Bob" in json.dumps(parent_message(bot)["blocks"])
    ask(bot, "lead nobody", "exactly one person")


def test_export_uploads_to_the_thread_and_writes_the_canvas(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    answer = ask(bot, "export", "Uploaded")
    assert "channel canvas" in answer["text"]
    upload = bot.stub.uploads[0]
    assert upload.thread_ts == parent_message(bot)["ts"]
    assert upload.filename == "2025-03-15-payments-outage.md"
    assert b"| Time (UTC) | Event | Source |" in upload.content
    assert bot.stub.canvases, "the document went to the channel canvas"


def test_export_when_canvases_are_refused_keeps_the_file(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    bot.stub.fail("conversations.canvases.create", "canvas_disabled", times=None)
    answer = ask(bot, "export", "Uploaded")
    assert "refused the channel canvas (canvas_disabled)" in answer["text"]
    assert bot.stub.uploads


def _open_edit_modal(bot: BotUnderTest, section: str) -> dict[str, Any]:
    """Pick `section` in the parent's "Edit a section…" select; the modal Slack was asked to open."""
    parent = parent_message(bot)
    before = len(bot.stub.calls_to("views.open"))
    select = {
        "type": "block_actions",
        "user": {"id": ALICE},
        "channel": {"id": CHANNEL, "name": NAME},
        "trigger_id": f"trigger.edit.{section}",
        "container": {"type": "message", "message_ts": parent["ts"], "channel_id": CHANNEL},
        "message": parent,
        "actions": [
            {
                "type": "static_select",
                "action_id": "postmortem.edit_section",
                "block_id": "b",
                "selected_option": {"value": section, "text": {"type": "plain_text", "text": section}},
            }
        ],
        "response_url": bot.stub.response_url,
    }
    assert bot.slack.interaction(select).status == 200
    opened = bot.stub.wait_for("views.open", lambda c: len(bot.stub.calls_to("views.open")) > before)
    return dict(opened.decoded["view"])


@pytest.mark.parametrize(
    ("section", "values", "marked"),
    [
        ("impact", {"section_text": {"type": "plain_text_input", "value": "  "}}, "section_text"),
        (
            "factor",
            {
                "factor_category": {"type": "static_select", "selected_option": {"value": "alerting"}},
                "section_text": {"type": "plain_text_input", "value": ""},
            },
            "section_text",
        ),
        ("factor", {"section_text": {"type": "plain_text_input", "value": "it rained"}}, "factor_category"),
    ],
)
def test_the_edit_modal_marks_the_input_an_error_is_about(
    bot: BotUnderTest, section: str, values: dict[str, Any], marked: str
) -> None:
    start_postmortem(bot)
    reply = submit_view(bot, _open_edit_modal(bot, section), values)
    assert list(reply.json()["errors"]) == [marked]


def test_the_edit_select_opens_a_modal_and_saving_it_updates_the_parent(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    view = _open_edit_modal(bot, "impact")
    assert view["callback_id"] == "postmortem.edit_section_view"
    saved = submit_view(
        bot, view, {"section_text": {"type": "plain_text_input", "value": "312 customers, 2h 14m"}}
    )
    assert saved.status == 200
    bot.stub.wait_for("chat.update", lambda c: "312 customers" in json.dumps(c.decoded.get("blocks")))


def test_cli_export_writes_one_file_per_postmortem_the_same_bytes_each_time(
    bot: BotUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    start_postmortem(bot)
    ask(bot, "set severity sev2", "Saved severity")
    monkeypatch.setenv("DATABASE_URL", str(bot.rt.settings.database_url))
    assert main(["export", "--out", str(tmp_path / "a")]) == 0
    assert main(["export", "--out", str(tmp_path / "b"), "--channel", NAME]) == 0
    first = tmp_path / "a" / "2025-03-15-payments-outage.md"
    assert first.read_bytes() == (tmp_path / "b" / first.name).read_bytes()
    front = yaml.safe_load(first.read_text().split("---\n")[1])
    assert front["severity"] == "SEV2"
    assert front["status"] == "draft"
    assert main(["export", "--out", str(tmp_path / "c"), "--channel", "inc-nope"]) == 1


def _button(bot: BotUnderTest, action_id: str) -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": BOB},
        "channel": {"id": CHANNEL, "name": NAME},
        "trigger_id": "trigger.ask",
        "container": {"type": "message", "message_ts": "1.0", "channel_id": CHANNEL},
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": "x"}],
        "response_url": bot.stub.response_url,
    }
    assert bot.slack.interaction(payload).status == 200


def test_is_a_postmortem_wanted_yes_starts_it_with_the_clicker_as_lead(bot: BotUnderTest) -> None:
    watch_incident(bot)
    before = len(bot.stub.responses)
    _button(bot, "postmortem.start")
    answer = bot.stub.wait_for_response(timeout=10, after=before)
    assert answer["replace_original"] is True
    assert f"<@{BOB}> started the postmortem" in answer["text"]
    assert "*Lead:* Bob" in json.dumps(parent_message(bot)["blocks"])


def test_is_a_postmortem_wanted_no_records_who_decided(bot: BotUnderTest) -> None:
    watch_incident(bot)
    before = len(bot.stub.responses)
    _button(bot, "postmortem.decline")
    answer = bot.stub.wait_for_response(timeout=10, after=before)
    assert answer["text"] == f"No postmortem for this incident, decided by <@{BOB}>."
    assert not [m for m in bot.stub.messages(CHANNEL) if "Postmortem: " in json.dumps(m.get("blocks", []))]


def test_participants_are_everyone_who_posted_not_only_authors_of_marked_messages(bot: BotUnderTest) -> None:
    seed_incident(bot)
    bot.stub.add_user("U0CAROL", "carol", display_name="Carol", tz="Asia/Kolkata")
    bot.stub.add_message(CHANNEL, ts="1742076600.000700", user="U0CAROL", text="DB replication lag is normal")
    ask(bot, "watch", "Recording")
    ask(bot, "start Payments outage", "Postmortem opened")
    assert "*Participants:* Alice, Bob, Carol" in json.dumps(parent_message(bot)["blocks"])


def test_a_person_whose_slack_name_is_blank_does_not_break_writing_the_postmortem(bot: BotUnderTest) -> None:
    watch_incident(bot)
    bot.stub.add_user("U0BLANK", "  ", display_name="   ", real_name=" ")
    said = {"type": "message", "channel": CHANNEL, "user": "U0BLANK", "text": "checking the pool"}
    assert bot.slack.event({**said, "ts": "1742090000.000100"}).status == 200
    ask(bot, "start", "Postmortem opened")  # looks up everyone who posted, the blank name included
    ask(bot, "set summary Checkout failed for 41 minutes after a config push.", "Saved summary")
