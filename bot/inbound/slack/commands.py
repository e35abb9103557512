"""/postmortem <subcommand>: ack first, parse, call a service, render.

Each subcommand is declared once (name, arguments, summary, handler, whether it needs an incident
channel); `/postmortem help` and the App Home list exactly these, in this order.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.domain.channels import ChannelRef
from bot.inbound.slack import action_commands, postmortem_commands, timeline_commands
from bot.inbound.slack.invocation import Invocation, Subcommand
from bot.inbound.slack.middleware import INCIDENT_CHANNEL, team
from bot.outbound.slack import Slack
from bot.outbound.slack.ids import COMMAND, Sub
from bot.outbound.slack.render.blocks import usage_blocks
from bot.runtime import Runtime
from bot.services.channels import not_an_incident_channel

logger = logging.getLogger(__name__)


HELP_USAGE = (Sub.HELP.value, "what you are reading now")

SUBCOMMANDS: dict[str, Subcommand] = {
    s.name.value: s
    for s in (*postmortem_commands.SUBCOMMANDS, *action_commands.SUBCOMMANDS, *timeline_commands.SUBCOMMANDS)
}


def usages() -> list[tuple[str, str]]:
    listed = [(f"{s.name} {s.args}".strip(), s.summary) for s in SUBCOMMANDS.values()]
    return [*listed, HELP_USAGE]


def split_subcommand(text: str) -> tuple[str, str]:
    name, _, rest = text.strip().partition(" ")
    return name.lower(), rest.strip()


def postmortem(
    ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext, rt: Runtime, slack: Slack
) -> None:
    """The /postmortem command. Usage is answered in the ack itself; everything else after it."""
    name, args = split_subcommand(command.get("text", ""))
    sub = SUBCOMMANDS.get(name)
    if sub is None:
        problem = None if name in ("", Sub.HELP) else f"`{name}` is not a {COMMAND} subcommand."
        blocks = usage_blocks(usages(), problem, rt.settings.emoji_marks)
        ack(response_type="ephemeral", text=problem or "How to use postmortem-bot", blocks=blocks)
        return
    ack()
    channel = context.get(INCIDENT_CHANNEL)
    if sub.in_incident_channel and not isinstance(channel, ChannelRef):
        raise not_an_incident_channel(rt)  # answered by the error handler, like every UserError
    sub.run(
        rt,
        Invocation(
            team_id=team(context),
            channel_id=command["channel_id"],
            user_id=command["user_id"],
            args=args,
            channel=channel if isinstance(channel, ChannelRef) else None,
            slack=slack,
            respond=respond,
        ),
    )
