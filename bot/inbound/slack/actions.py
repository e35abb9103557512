"""Buttons and selects on the bot's messages: ack, parse, call a service, render."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.domain import postmortem as pmd
from bot.domain.errors import UserError
from bot.outbound.slack.ids import Action
from bot.outbound.slack.render.postmortem import edit_section_modal
from bot.runtime import Runtime
from bot.services import postmortems
from bot.services.channels import require_watched


def register(app: App, rt: Runtime) -> None:
    @app.action(Action.EDIT_SECTION)
    def edit_section(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        ack()
        section = pmd.parse_section(action["selected_option"]["value"])
        channel_id = body["channel"]["id"]
        channel = require_watched(rt, str(context.team_id), channel_id)
        loaded = postmortems.load(rt, channel)
        client.views_open(
            trigger_id=body["trigger_id"], view=edit_section_modal(loaded.postmortem, section, channel_id)
        )

    @app.action(Action.START_POSTMORTEM)
    def start_postmortem(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            loaded, _ = postmortems.start(
                rt,
                client,
                team_id=str(context.team_id),
                channel_id=body["channel"]["id"],
                user_id=user_id,
                title="",
            )
        except UserError as error:
            respond(response_type="ephemeral", replace_original=False, text=f":warning: {error}")
            return
        respond(
            replace_original=True, text=f"<@{user_id}> started the postmortem: *{loaded.postmortem.title}*."
        )

    @app.action(Action.DECLINE_POSTMORTEM)
    def decline_postmortem(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(
            replace_original=True,
            text=f"No postmortem for this incident, decided by <@{body['user']['id']}>.",
        )

    @app.action(Action.EXPORT)
    def export(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        channel_id = body["channel"]["id"]
        user_id = body["user"]["id"]
        try:
            channel = require_watched(rt, str(context.team_id), channel_id)
            answer = postmortems.export_to_slack(rt, client, postmortems.load(rt, channel, client=client))
        except UserError as error:
            answer = f":warning: {error}"
        client.chat_postEphemeral(channel=channel_id, user=user_id, text=answer)
