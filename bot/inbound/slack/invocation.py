"""What a /postmortem subcommand handler is given, and how it is declared."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Respond

from bot.domain.channels import ChannelRef
from bot.domain.slack_text import placeholders_escaped
from bot.outbound.slack import Slack
from bot.outbound.slack.ids import Sub
from bot.runtime import Runtime


@dataclass(frozen=True)
class Invocation:
    """One /postmortem call, parsed; `channel` is the incident channel it was run in, if any."""

    team_id: str
    channel_id: str
    user_id: str
    args: str
    channel: ChannelRef | None
    slack: Slack
    respond: Respond

    @property
    def incident(self) -> ChannelRef:
        """The incident channel (the dispatcher runs a subcommand that needs one only in one)."""
        assert self.channel is not None, "the dispatcher runs this subcommand only in an incident channel"
        return self.channel

    def reply(self, text: str) -> None:
        """An ephemeral answer, seen only by whoever ran the command."""
        self.respond(response_type="ephemeral", replace_original=False, text=placeholders_escaped(text))


Run = Callable[[Runtime, Invocation], None]


@dataclass(frozen=True)
class Subcommand:
    name: Sub
    args: str
    summary: str
    run: Run
    in_incident_channel: bool = True  # refused, saying why, anywhere else
