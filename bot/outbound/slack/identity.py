"""Who the bot is, as auth.test says: what services need to tell its own posts from everyone's."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.messages import NewMessage


@dataclass(frozen=True)
class Identity:
    """Who the bot is: every message it posts carries this user id and bot id. auth.test also says
    which workspace the token is for, and that workspace's URL (`https://acme.slack.com/`)."""

    user_id: str
    bot_id: str | None
    team_id: str | None = None
    url: str | None = None

    def wrote(self, message: NewMessage) -> bool:
        return message.user_id == self.user_id or (self.bot_id is not None and message.bot_id == self.bot_id)
