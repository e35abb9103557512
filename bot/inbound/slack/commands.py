"""/postmortem <subcommand>: ack first, parse, call a service, render."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.domain.errors import UserError
from bot.inbound.slack import action_commands, postmortem_commands, timeline_commands
from bot.inbound.slack.invocation import Invocation, Subcommand
from bot.outbound.slack.ids import COMMAND, Sub
from bot.outbound.slack.render.blocks import usage_blocks
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


HELP_USAGE = (Sub.HELP.value, "what you are reading now")

# /postmortem help lists exactly these, in this order.
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


def register(app: App, rt: Runtime) -> None:
    @app.command(COMMAND)
    def postmortem(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        name, args = split_subcommand(command.get("text", ""))
        sub = SUBCOMMANDS.get(name)
        if sub is None:
            problem = None if name in ("", Sub.HELP) else f"`{name}` is not a {COMMAND} subcommand."
            blocks = usage_blocks(usages(), problem, rt.settings.emoji_marks)
            ack(response_type="ephemeral", text=problem or "How to use postmortem-bot", blocks=blocks)
            return
        ack()
        invocation = Invocation(
            team_id=command["team_id"],
            channel_id=command["channel_id"],
            channel_name=command.get("channel_name", ""),
            user_id=command["user_id"],
            args=args,
            client=client,
            respond=respond,
        )
        try:
            sub.run(rt, invocation)
        except UserError as error:
            invocation.reply(f":warning: {error}")
