"""A message as read from Slack (an event, a history page or an export), before it is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.timeline import CapturedMessage

TOMBSTONE_SUBTYPE = "tombstone"


class Source(StrEnum):
    """How a message reached the record."""

    LIVE = "live"  # an Events API delivery
    BACKFILL = "backfill"  # conversations.history / .replies, for what the live record missed
    IMPORT = "import"  # a Slack export (postmortem-bot import)


@dataclass(frozen=True)
class NewMessage:
    """A message as read from Slack, with what storage needs beyond the timeline's view of it."""

    ts: str
    text: str = ""
    user_id: str | None = None
    author_name: str | None = None
    thread_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    files: tuple[str, ...] = ()
    pinned: bool = False
    reply_count: int = 0
    reply_users: tuple[str, ...] = ()  # who replied in its thread (history pages say; events do not)
    edited_at: datetime | None = None
    # emoji name → who reacted; None when the source says nothing about reactions
    reactions: Mapping[str, tuple[str, ...]] | None = None

    def captured(self) -> CapturedMessage:
        return CapturedMessage(
            ts=self.ts,
            text=self.text,
            user_id=self.user_id,
            author_name=self.author_name,
            thread_ts=self.thread_ts if self.thread_ts != self.ts else None,
            subtype=self.subtype,
            bot_id=self.bot_id,
            reactions=frozenset(self.reactions or ()),
            pinned=self.pinned,
            files=self.files,
            deleted=self.subtype == TOMBSTONE_SUBTYPE,
        )


@dataclass(frozen=True)
class MessageEdited:
    """A message's text changed (Slack's message_changed); `message` is the message as it is now."""

    message: NewMessage


@dataclass(frozen=True)
class MessageDeleted:
    """A message was deleted (Slack's message_deleted)."""

    ts: str


MessageChange = NewMessage | MessageEdited | MessageDeleted
