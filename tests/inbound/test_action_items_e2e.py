"""Action items end to end: /postmortem action, actions, done, redate, wontdo, buttons, modals, App Home."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.store.models import ActionItem, ActionItemRedate
from tests.conftest import BotUnderTest
from tests.factories import count_rows
from tests.inbound.payments_outage import (
    ALICE,
    BOB,
    CHANNEL,
    NAME,
    ask,
    parent_message,
    start_postmortem,
    submit_view,
    watch_incident,
)

pytestmark = pytest.mark.e2e

CAROL = "U0CAROL"
# The frozen clock stands at Sat 2025-03-15 18:00 UTC; DEFAULT_TIMEZONE is UTC.
GOOD = f"action <@{BOB}> 2025-03-20 P1 Add a p99 latency alert on checkout at 800 ms"


def _watched(bot: BotUnderTest) -> None:
    bot.stub.add_user(CAROL, "carol", display_name="Carol", tz="UTC")
    watch_incident(bot)


def _item(bot: BotUnderTest, item_id: int) -> ActionItem:
    with bot.rt.transaction() as session:
        return session.get_one(ActionItem, item_id)


def _click(bot: BotUnderTest, action_id: str, value: str, user: str, *, home: bool = False) -> None:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user},
        "trigger_id": f"trigger.{action_id}",
        "actions": [{"type": "button", "action_id": action_id, "block_id": "b", "value": value}],
    }
    if home:
        payload |= {
            "view": {"id": "VHOME", "type": "home"},
            "container": {"type": "view", "view_id": "VHOME"},
        }
    else:
        payload |= {
            "channel": {"id": CHANNEL, "name": NAME},
            "container": {"type": "message", "message_ts": "1", "channel_id": CHANNEL, "is_ephemeral": True},
            "response_url": bot.stub.response_url,
        }
    assert bot.slack.interaction(payload).status == 200


def test_an_item_needs_one_owner_and_a_date_and_echoes_the_date(bot: BotUnderTest) -> None:
    _watched(bot)
    answer = ask(bot, GOOD, "Added `#1` *P1*")
    assert "Thu 2025-03-20 (in 5 days)" in answer["text"]
    assert f"<@{BOB}>" in answer["text"]
    answer = ask(
        bot, f"action <@{BOB}> next friday Write the schema-migration runbook step for rollbacks", "*P2*"
    )
    assert "Fri 2025-03-21" in answer["text"]  # next week's Friday, said on a Saturday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("action 2025-03-20 Add the alert", "is a wish"),
        (f"action <@{BOB}> <@{ALICE}> 2025-03-20 Add the alert", "is a wish"),
        (f"action <@{BOB}> Add the alert", "is a wish"),
        (f"action <@{BOB}> 2025-03-01 Add the alert", "in the past"),
        (f"action <@{BOB}> 13/45 Add the alert", "not a date"),
        (f"action <@{BOB}> tomorrow", "Say what will change"),
        ("action", "is a wish"),
        ("done", "Usage"),
        ("done seven", "not an item number"),
        ("done 99", "no action item #99"),
        ("redate 1", "Usage"),
        ("redate 1 tomorrow because", "no action item #1"),
    ],
)
def test_bad_input_gets_a_friendly_ephemeral_answer_and_stores_nothing(
    bot: BotUnderTest, text: str, expected: str
) -> None:
    _watched(bot)
    answer = ask(bot, text, expected)
    assert answer["response_type"] == "ephemeral"
    assert count_rows(bot.rt, ActionItem) == 0


def test_action_outside_an_incident_channel_is_refused(bot: BotUnderTest) -> None:
    bot.stub.add_user(BOB, "bob")
    bot.stub.add_channel("C0GENERAL", "general")
    before = len(bot.stub.responses)
    assert bot.slack.command(GOOD, channel="C0GENERAL", channel_name="general").status == 200
    assert "not an incident channel" in bot.stub.wait_for_response(after=before)["text"]
    bot.idle()
    assert count_rows(bot.rt, ActionItem) == 0


def test_vague_items_are_saved_with_a_nudge_and_many_open_get_a_reminder(bot: BotUnderTest) -> None:
    _watched(bot)
    answer = ask(bot, f"action <@{BOB}> eow improve monitoring", "Added `#1`")
    assert "hard to call done" in answer["text"]
    assert count_rows(bot.rt, ActionItem) == 1
    for n in range(2, 6):
        answer = ask(bot, f"action <@{BOB}> in 2 weeks Add alert number {n} on the checkout queue", f"`#{n}`")
        assert "Three completed items" not in answer["text"]
    answer = ask(bot, f"action <@{BOB}> in 2 weeks Add the sixth alert on the ledger lag", "`#6`")
    assert "Three completed items beat fifteen open ones" in answer["text"]


def test_statuses_permissions_and_redates(bot: BotUnderTest) -> None:
    start_postmortem(bot)  # Alice leads the postmortem
    bot.stub.add_user(CAROL, "carol", display_name="Carol", tz="UTC")
    ask(bot, GOOD, "Added `#1`")
    refused = ask(bot, "done 1", "Only the owner", user=CAROL)
    assert f"<@{BOB}>" in refused["text"] and f"<@{ALICE}>" in refused["text"]
    assert _item(bot, 1).status == "open"

    ask(bot, "status", "*Open action items (1):*")
    ask(bot, "start-work 1", "is now in progress", user=BOB)
    ask(bot, "redate 1 2025-03-28 waiting on the metrics pipeline", "re-dated once", user=BOB)
    ask(bot, "redate 1 Mar 31 the pipeline slipped again", "re-dated 2 times", user=ALICE)  # the lead may
    ask(bot, "redate 1 2025-04-02", "Say why the date moves", user=BOB)
    ask(bot, "redate 1 2025-03-01 too late", "in the past", user=BOB)
    assert count_rows(bot.rt, ActionItemRedate) == 2
    assert str(_item(bot, 1).due_on) == "2025-03-31"

    ask(bot, "wontdo 1", "Say why this item won't be done", user=BOB)
    ask(bot, "done 1", "is now done", user=BOB)
    assert str(_item(bot, 1).done_on) == "2025-03-15"
    ask(bot, "done 1", "already done", user=BOB)
    ask(bot, "reopen 1", "is now open", user=BOB)
    ask(bot, "wontdo 1 replaced by the SLO alerting project", "is now won't do", user=ALICE)
    assert _item(bot, 1).wont_do_reason == "replaced by the SLO alerting project"


def test_the_listing_has_buttons_that_do_what_the_commands_do(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    ask(bot, GOOD, "Added `#1`")
    before = len(bot.stub.responses)
    assert bot.slack.command("actions", channel=CHANNEL, channel_name=NAME, user=BOB).status == 200
    listing = bot.stub.wait_for_response(after=before)
    shown = json.dumps(listing["blocks"])
    assert "Add a p99 latency alert" in shown
    for action_id in ("action_item.start", "action_item.done", "action_item.redate", "action_item.wontdo"):
        assert action_id in shown

    before = len(bot.stub.responses)
    _click(bot, "action_item.done", "1", CAROL)
    assert "Only the owner" in bot.stub.wait_for_response(after=before)["text"]
    before = len(bot.stub.responses)
    _click(bot, "action_item.start", "1", BOB)
    assert "in progress" in bot.stub.wait_for_response(after=before)["text"]
    assert _item(bot, 1).status == "in_progress"

    _click(bot, "action_item.redate", "1", BOB)
    view = bot.stub.wait_for("views.open", lambda c: "redate" in json.dumps(c.decoded)).decoded["view"]
    no_reason = submit_view(
        bot, view, {"item_due": {"type": "datepicker", "selected_date": "2025-04-01"}}, user=BOB
    )
    assert list(no_reason.json()["errors"]) == ["item_reason"]  # "why" goes under the reason
    same_day = submit_view(
        bot,
        view,
        {
            "item_due": {"type": "datepicker", "selected_date": "2025-03-20"},
            "item_reason": {"type": "plain_text_input", "value": "no change"},
        },
        user=BOB,
    )
    assert list(same_day.json()["errors"]) == ["item_due"]  # already due then: under the date
    ok = submit_view(
        bot,
        view,
        {
            "item_due": {"type": "datepicker", "selected_date": "2025-04-01"},
            "item_reason": {"type": "plain_text_input", "value": "vendor fix lands on the 31st"},
        },
        user=BOB,
    )
    assert ok.status == 200 and not ok.body
    bot.stub.wait_for("chat.postEphemeral", lambda c: "re-dated once" in json.dumps(c.decoded))
    assert count_rows(bot.rt, ActionItemRedate) == 1

    _click(bot, "action_item.wontdo", "1", ALICE)
    view = bot.stub.wait_for("views.open", lambda c: "wontdo" in json.dumps(c.decoded)).decoded["view"]
    blank = submit_view(bot, view, {"item_reason": {"type": "plain_text_input", "value": " "}}).json()
    assert list(blank["errors"]) == ["item_reason"]
    assert (
        submit_view(bot, view, {"item_reason": {"type": "plain_text_input", "value": "superseded"}}).status
        == 200
    )
    bot.stub.wait_for("chat.postEphemeral", lambda c: "won't do" in json.dumps(c.decoded))
    assert _item(bot, 1).status == "wont_do"


def test_the_add_button_opens_a_modal_with_a_user_and_date_picker(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    parent = parent_message(bot)
    assert "action_item.add" in json.dumps(parent["blocks"])
    _click(bot, "action_item.add", "", ALICE)
    view = bot.stub.wait_for("views.open", lambda c: "add_view" in json.dumps(c.decoded)).decoded["view"]
    shown = json.dumps(view)
    assert "users_select" in shown and "datepicker" in shown and "P3" in shown
    past = submit_view(
        bot,
        view,
        {
            "item_text": {"type": "plain_text_input", "value": "Add the alert"},
            "item_owner": {"type": "users_select", "selected_user": BOB},
            "item_due": {"type": "datepicker", "selected_date": "2025-03-01"},
            "item_priority": {"type": "static_select", "selected_option": {"value": "P1"}},
        },
    )
    assert list(past.json()["errors"]) == ["item_due"]  # shown under the date picker
    assert "in the past" in past.json()["errors"]["item_due"]
    bot.idle()
    assert count_rows(bot.rt, ActionItem) == 0
    ok = submit_view(
        bot,
        view,
        {
            "item_text": {"type": "plain_text_input", "value": "better testing"},
            "item_owner": {"type": "users_select", "selected_user": BOB},
            "item_due": {"type": "datepicker", "selected_date": "2025-03-21"},
            "item_priority": {"type": "static_select", "selected_option": {"value": "P1"}},
        },
    )
    assert ok.status == 200
    note = bot.stub.wait_for("chat.postEphemeral", lambda c: "Added" in json.dumps(c.decoded))
    assert "hard to call done" in json.dumps(note.decoded)  # the nudge, the item saved anyway
    assert _item(bot, 1).priority == "P1"


@pytest.mark.parametrize(
    ("leave_out", "marked", "says"),
    [
        ("item_owner", "item_owner", "without an owner is a wish"),
        ("item_due", "item_due", "without a date is a wish"),
        ("item_text", "item_text", "Say what will change"),
    ],
)
def test_the_add_modal_marks_the_input_an_error_is_about(
    bot: BotUnderTest, leave_out: str, marked: str, says: str
) -> None:
    start_postmortem(bot)
    _click(bot, "action_item.add", "", ALICE)
    view = bot.stub.wait_for("views.open", lambda c: "add_view" in json.dumps(c.decoded)).decoded["view"]
    values = {
        "item_text": {"type": "plain_text_input", "value": "Add the alert"},
        "item_owner": {"type": "users_select", "selected_user": BOB},
        "item_due": {"type": "datepicker", "selected_date": "2025-03-21"},
    }
    del values[leave_out]
    errors = submit_view(bot, view, values).json()["errors"]
    assert list(errors) == [marked]
    assert says in errors[marked]
    bot.idle()
    assert count_rows(bot.rt, ActionItem) == 0


def test_the_document_carries_the_items_as_a_table(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    ask(bot, GOOD, "Added `#1`")
    ask(bot, f"action <@{ALICE}> 2025-03-18 P0 Block migrations that skip staging in CI", "Added `#2`")
    ask(bot, "done 2", "done")
    ask(bot, "export", "Uploaded")
    markdown = (bot.stub.uploads[-1].content or b"").decode()
    assert "| # | Action | Owner | Priority | Due | Status |" in markdown
    assert "| 1 | Add a p99 latency alert on checkout at 800 ms | Bob | P1 | 2025-03-20 | Open |" in markdown
    assert "| 2 | Block migrations that skip staging in CI | Alice | P0 | 2025-03-18 | Done |" in markdown


def test_app_home_lists_your_items_overdue_first_with_done_buttons(bot: BotUnderTest) -> None:
    _watched(bot)
    ask(bot, f"action <@{BOB}> 2025-03-25 P3 Document the pool size limits", "Added `#1`")
    ask(bot, f"action <@{BOB}> 2025-03-16 P2 Add config schema validation in CI", "Added `#2`")
    ask(bot, f"action <@{ALICE}> 2025-03-16 P0 Not Bob's item at all", "Added `#3`")
    bot.rt.clock.advance(days=3)  # type: ignore[attr-defined]  # now #2 is 2 days overdue
    assert bot.slack.event({"type": "app_home_opened", "user": BOB, "tab": "home"}).status == 200
    home = bot.stub.wait_for("views.publish").decoded["view"]
    shown = json.dumps(home)
    assert "Your action items" in shown
    assert shown.index("config schema validation") < shown.index("pool size limits")  # overdue first
    assert "2 days overdue" in shown
    assert "Not Bob" not in shown
    assert "action_item.done" in shown
    _click(bot, "action_item.done", "2", BOB, home=True)
    bot.stub.wait_for("views.publish", lambda c: "is now done" in json.dumps(c.decoded))
    assert _item(bot, 2).status == "done"
