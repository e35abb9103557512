"""Who may do what, over HTTP against the Slack stand-in: nobody takes the lead to close someone
else's items, workspace admins may hand over the lead, and a refusal about another channel's item
names nobody."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.store.models import ActionItem, Postmortem
from tests.conftest import BotUnderTest
from tests.factories import count_rows
from tests.inbound.payments_outage import ALICE, BOB, ask, start_postmortem

pytestmark = pytest.mark.e2e

MALLORY, ADMIN, OWNER = "U0MALLORY", "U0ADMIN", "U0OWNER"


def _lead(bot: BotUnderTest) -> str | None:
    with bot.rt.transaction() as s:
        return s.scalar(select(Postmortem.lead_user_id))


def _status_of_item(bot: BotUnderTest, item_id: int) -> str:
    with bot.rt.transaction() as s:
        return s.get_one(ActionItem, item_id).status


@pytest.fixture
def incident(bot: BotUnderTest) -> BotUnderTest:
    start_postmortem(bot)  # Alice starts it and leads it
    bot.stub.add_user(MALLORY, "mallory", display_name="Mallory")
    bot.stub.add_user(ADMIN, "ada", display_name="Ada", is_admin=True)
    bot.stub.add_user(OWNER, "olu", display_name="Olu", is_owner=True)
    ask(bot, f"action <@{BOB}> 2025-03-20 P1 Add a p99 latency alert on checkout", "Added `#1`")
    return bot


def test_taking_the_lead_to_close_someone_elses_item_is_refused(incident: BotUnderTest) -> None:
    refused = ask(incident, f"lead <@{MALLORY}>", "Only the postmortem's lead", user=MALLORY)
    assert f"<@{ALICE}>" in refused["text"]
    assert _lead(incident) == ALICE
    ask(incident, "done 1", "Only the owner", user=MALLORY)
    ask(incident, "complete", "Only the postmortem's lead", user=MALLORY)
    assert _status_of_item(incident, 1) == "open"


@pytest.mark.parametrize("admin", [ADMIN, OWNER])
def test_a_workspace_admin_or_owner_may_hand_over_the_lead(incident: BotUnderTest, admin: str) -> None:
    ask(incident, f"lead <@{BOB}>", "now leads this postmortem", user=admin)
    assert _lead(incident) == BOB
    ask(incident, f"lead <@{ALICE}>", "now leads this postmortem", user=BOB)  # the new lead hands it on
    assert _lead(incident) == ALICE


def test_the_lead_hands_over_and_then_no_longer_decides(incident: BotUnderTest) -> None:
    ask(incident, f"lead <@{BOB}>", "now leads this postmortem", user=ALICE)
    ask(incident, f"lead <@{ALICE}>", "Only the postmortem's lead", user=ALICE)
    assert _lead(incident) == BOB


def test_a_refusal_from_another_channel_reads_like_no_such_item(incident: BotUnderTest) -> None:
    general = {"channel": "C0GENERAL", "channel_name": "general"}
    elsewhere = ask(incident, "done 1", "There is no action item #1", user=MALLORY, **general)
    missing = ask(incident, "done 99", "There is no action item #99", user=MALLORY, **general)
    assert elsewhere["text"].replace("#1", "#N") == missing["text"].replace("#99", "#N")
    assert "<@" not in elsewhere["text"]
    assert _status_of_item(incident, 1) == "open"
    assert count_rows(incident.rt, ActionItem) == 1
