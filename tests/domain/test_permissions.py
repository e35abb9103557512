"""Who may do what (bot/domain/permissions.py): the lead handover, status moves, item changes."""

from __future__ import annotations

import pytest

from bot.domain import permissions
from bot.domain.errors import UserError

ITEM = {"item_id": 7, "owner_id": "U_OWNER", "item_channel": "C_INC"}


def test_owner_and_lead_can_change_an_item_from_anywhere() -> None:
    for actor, lead in (("U_OWNER", "U_LEAD"), ("U_LEAD", "U_LEAD"), ("U_OWNER", None)):
        for asked_in in ("C_INC", "C_ELSEWHERE", None):
            assert permissions.item_change(actor, lead_id=lead, asked_in=asked_in, **ITEM).allowed


def test_anyone_else_in_the_channel_is_told_who_can() -> None:
    with pytest.raises(UserError) as refused:
        permissions.item_change("U_OTHER", lead_id="U_LEAD", asked_in="C_INC", **ITEM).enforce()
    assert "<@U_OWNER>" in str(refused.value) and "<@U_LEAD>" in str(refused.value)
    with pytest.raises(UserError, match=r"Only the owner, <@U_OWNER>.*no lead"):
        permissions.item_change("U_OTHER", lead_id=None, asked_in="C_INC", **ITEM).enforce()


@pytest.mark.parametrize("asked_in", ["C_ELSEWHERE", None])
def test_a_refusal_from_another_channel_reads_like_no_such_item_and_names_nobody(
    asked_in: str | None,
) -> None:
    refusal = permissions.item_change("U_OTHER", lead_id="U_LEAD", asked_in=asked_in, **ITEM)
    assert not refusal.allowed and not refusal.admin_may
    assert refusal.refusal == permissions.no_such_item(7)
    assert "<@" not in refusal.refusal


def test_an_admin_cannot_change_someone_elses_item() -> None:
    """Admins may hand over the lead, then act as the lead; items stay with owner and lead."""
    with pytest.raises(UserError):
        permissions.item_change("U_ADMIN", lead_id="U_LEAD", asked_in="C_INC", **ITEM).enforce(is_admin=True)


@pytest.mark.parametrize("decide", [permissions.lead_handover, permissions.status_move])
def test_the_lead_decides_then_whoever_started_it_then_anyone(decide: permissions.Decide) -> None:
    assert decide("U_LEAD", lead_id="U_LEAD", started_by="U_START").allowed
    refused = decide("U_START", lead_id="U_LEAD", started_by="U_START")  # once there is a lead, it is theirs
    assert not refused.allowed and refused.needs_admin and "<@U_LEAD>" in refused.refusal
    assert decide("U_START", lead_id=None, started_by="U_START").allowed
    nobody_yet = decide("U_OTHER", lead_id=None, started_by="U_START")
    assert not nobody_yet.allowed and "<@U_START>" in nobody_yet.refusal
    assert decide("U_ANYONE", lead_id=None, started_by=None).allowed  # the bot opened it itself


@pytest.mark.parametrize("decide", [permissions.lead_handover, permissions.status_move])
def test_workspace_admins_and_owners_may_always(decide: permissions.Decide) -> None:
    refused = decide("U_ADMIN", lead_id="U_LEAD", started_by="U_START")
    refused.enforce(is_admin=True)  # allowed
    with pytest.raises(UserError, match="Only the postmortem's lead"):
        refused.enforce(is_admin=False)
