"""What a /postmortem subcommand handler is given, and how it is declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.outbound.slack.ids import Sub
from bot.runtime import Runtime


@dataclass(frozen=True)
class Invocation:
    """One /postmortem call, parsed."""

    team_id: str
    channel_id: str
    channel_name: str
    user_id: str
    args: str
    client: WebClient
    respond: Respond

    def reply(self, text: str) -> None:
        """An ephemeral answer, seen only by whoever ran the command."""
        self.respond(response_type="ephemeral", replace_original=False, text=text)


Run = Callable[[Runtime, Invocation], None]


@dataclass(frozen=True)
class Subcommand:
    name: Sub
    args: str
    summary: str
    run: Run
