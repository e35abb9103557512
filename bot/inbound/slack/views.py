"""Modal submissions: parse (errors go back into the modal), ack, then call a service."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.domain import postmortem as pmd
from bot.domain.errors import UserError
from bot.outbound.slack.ids import Block, View
from bot.outbound.slack.render.postmortem import blameless_suggestion
from bot.runtime import Runtime
from bot.services import postmortems


def _value(state: dict[str, Any], block: Block) -> str:
    element = state.get(block.value, {}).get(block.value, {})
    if element.get("type") == "static_select":
        return str((element.get("selected_option") or {}).get("value") or "")
    return str(element.get("value") or "")


def _parse_edit(view: dict[str, Any]) -> tuple[str, pmd.Section, str]:
    """(channel id, section, text as `/postmortem set` takes it); UserError when it cannot be saved."""
    meta = json.loads(view["private_metadata"])
    section = pmd.Section(meta["section"])
    state = view["state"]["values"]
    if section is pmd.Section.SEVERITY:
        text = pmd.parse_severity(_value(state, Block.SECTION_VALUE)).value
    elif section is pmd.Section.CONTRIBUTING_FACTORS:
        text = f"{_value(state, Block.FACTOR_CATEGORY)} {_value(state, Block.SECTION_TEXT)}"
        pmd.parse_factor(text)
    else:
        text = _value(state, Block.SECTION_TEXT).strip()
        if not text:
            raise UserError("Write something, or close this window to leave the section as it is.")
    return str(meta["channel_id"]), section, text


def register(app: App, rt: Runtime) -> None:
    @app.view(View.EDIT_SECTION)
    def edit_section_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        try:
            channel_id, section, text = _parse_edit(view)
        except UserError as error:
            field = Block.SECTION_VALUE if '"severity"' in view["private_metadata"] else Block.SECTION_TEXT
            ack(response_action="errors", errors={field.value: str(error)[:150]})
            return
        ack()
        user_id = body["user"]["id"]
        try:
            saved = postmortems.set_section(
                rt,
                client,
                team_id=str(context.team_id),
                channel_id=channel_id,
                user_id=user_id,
                section_name=section.value,
                text=text,
            )
        except UserError as error:
            client.chat_postEphemeral(channel=channel_id, user=user_id, text=f":warning: {error}")
            return
        if saved.review is not None:
            client.chat_postEphemeral(
                channel=channel_id, user=user_id, text=blameless_suggestion(saved.review)
            )
