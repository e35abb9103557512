"""Buttons and selects on the postmortem's messages: ack, parse, call a service, render."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.domain import postmortem as pmd
from bot.domain.slack_text import mrkdwn_escape
from bot.inbound.slack.middleware import incident
from bot.inbound.slack.postmortem_commands import thread_failures
from bot.outbound.slack import Slack
from bot.outbound.slack.render.postmortem import edit_section_modal
from bot.runtime import Runtime
from bot.services import exports, postmortems


def edit_section(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack
) -> None:
    """The "Edit a section…" select: opens the modal for that section."""
    ack()
    section = pmd.parse_section(action["selected_option"]["value"])
    channel = incident(context)
    loaded = postmortems.load(rt, channel)
    slack.say.open_modal(
        body["trigger_id"], edit_section_modal(loaded.postmortem, section, channel.channel_id)
    )


def start_postmortem(
    ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, rt: Runtime, slack: Slack
) -> None:
    """ "Is a postmortem wanted?" → yes: the presser opens it and leads it."""
    ack()
    user_id = body["user"]["id"]
    opened = postmortems.open_postmortem(rt, slack, incident(context), user_id=user_id, title="")
    title = mrkdwn_escape(opened.loaded.postmortem.title)
    respond(replace_original=True, text=f"<@{user_id}> started the postmortem: *{title}*.")
    if opened.failed:
        respond(
            response_type="ephemeral", replace_original=False, text="\n".join(thread_failures(opened.failed))
        )


def decline_postmortem(ack: Ack, body: dict[str, Any], respond: Respond) -> None:
    """ "Is a postmortem wanted?" → no: the question is replaced by who decided."""
    ack()
    respond(
        replace_original=True, text=f"No postmortem for this incident, decided by <@{body['user']['id']}>."
    )


def export(ack: Ack, body: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    """The Export button on the parent message."""
    ack()
    loaded = postmortems.load(rt, incident(context), slack=slack)
    slack.say.ephemeral(body["channel"]["id"], body["user"]["id"], exports.export_to_slack(rt, slack, loaded))
