"""The Edit-a-section modal's submission: parse (errors go back into the modal), ack, then save."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.domain import postmortem as pmd
from bot.domain.errors import Field, UserError
from bot.inbound.slack.middleware import incident
from bot.outbound.slack import Slack
from bot.outbound.slack.ids import Block
from bot.outbound.slack.render.postmortem import blameless_suggestion
from bot.runtime import Runtime
from bot.services import postmortems

# Which input of the Edit modal an error is about.
_FIELD_BLOCKS = {
    Field.SEVERITY: Block.SECTION_VALUE,
    Field.CATEGORY: Block.FACTOR_CATEGORY,
    Field.TEXT: Block.SECTION_TEXT,
}


def _value(state: dict[str, Any], block: Block) -> str:
    element = state.get(block.value, {}).get(block.value, {})
    if element.get("type") == "static_select":
        return str((element.get("selected_option") or {}).get("value") or "")
    return str(element.get("value") or "")


def _parse_edit(view: dict[str, Any]) -> tuple[pmd.Section, str]:
    """(section, text as `/postmortem set` takes it); UserError, naming the input, when it cannot be saved."""
    meta = json.loads(view["private_metadata"])
    section = pmd.Section(meta["section"])
    state = view["state"]["values"]
    if section is pmd.Section.SEVERITY:
        return section, pmd.parse_severity(_value(state, Block.SECTION_VALUE)).value
    if section is pmd.Section.CONTRIBUTING_FACTORS:
        text = f"{_value(state, Block.FACTOR_CATEGORY)} {_value(state, Block.SECTION_TEXT)}"
        pmd.parse_factor(text)
        return section, text
    text = _value(state, Block.SECTION_TEXT).strip()
    if not text:
        raise UserError(
            "Write something, or close this window to leave the section as it is.", field=Field.TEXT
        )
    return section, text


def edit_section_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack
) -> None:
    try:
        section, text = _parse_edit(view)
    except UserError as error:
        block = _FIELD_BLOCKS.get(error.field) if error.field else None
        if block is None:  # an error about the whole form shows under its one text input
            block = Block.SECTION_TEXT
        ack(response_action="errors", errors={block.value: str(error)[:150]})
        return
    ack()
    user_id = body["user"]["id"]
    channel = incident(context)
    saved = postmortems.set_section(
        rt, slack, channel, user_id=user_id, section_name=section.value, text=text
    )
    if saved.review is not None:
        slack.say.ephemeral(channel.channel_id, user_id, blameless_suggestion(saved.review))
