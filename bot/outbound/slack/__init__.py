"""Everything that goes out to Slack: the Web API client, reads, the messenger and its renderers.

Services take a `Slack` and use `slack.read` (what Slack knows) and `slack.say` (what the bot
posts); both raise SlackFailed and nothing else. Listeners may also render (render/) for their own
replies and modals; services never do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slack_sdk import WebClient

from bot.domain.timeline import Mark
from bot.outbound.slack.errors import SlackFailed
from bot.outbound.slack.identity import Identity
from bot.outbound.slack.messenger import Messenger, Posted
from bot.outbound.slack.reader import SlackReader


@dataclass(frozen=True)
class Slack:
    read: SlackReader
    say: Messenger

    @classmethod
    def over(cls, client: WebClient, emoji_marks: Mapping[str, Mark]) -> Slack:
        return cls(SlackReader(client), Messenger(client, emoji_marks))


__all__ = ["Identity", "Posted", "Slack", "SlackFailed"]
