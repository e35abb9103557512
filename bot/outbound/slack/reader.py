"""Reading from Slack: history pages, threads, one message, channel and user facts.

Answers come back as the bot's own records (NewMessage, UserInfo, ChannelInfo), never as Slack's
JSON; failures come back as SlackFailed. 429s are waited out by the client (web.make_web_client).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.domain.messages import NewMessage
from bot.domain.timeline import UserInfo
from bot.outbound.slack.identity import Identity
from bot.outbound.slack.payloads import message_from_slack, user_from_slack
from bot.outbound.slack.web import call, failures_as, own_identity

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 200


@dataclass(frozen=True)
class HistoryPage:
    """One page of conversations.history, newest first; `next_cursor` None on the last page."""

    messages: list[NewMessage]
    next_cursor: str | None


@dataclass(frozen=True)
class ChannelInfo:
    channel_id: str
    name: str
    is_archived: bool
    is_member: bool
    is_private: bool


@dataclass(frozen=True)
class UserFacts:
    info: UserInfo
    is_bot: bool
    is_admin: bool = False  # a workspace admin or owner (users.info is_admin / is_owner)


def _parsed(raw_messages: Iterable[Mapping[str, Any]], channel: str) -> list[NewMessage]:
    parsed = []
    for raw in raw_messages:
        try:
            parsed.append(message_from_slack(raw))
        except ValueError:
            logger.warning("skipping a message without a usable ts in %s", channel)
    return parsed


class SlackReader:
    """What the bot asks Slack. One per Web API client."""

    def __init__(self, client: WebClient) -> None:
        self._client = client

    def identity(self) -> Identity:
        return own_identity(self._client)

    def workspace_url(self, team_id: str) -> str | None:
        """The URL of workspace `team_id` (`https://acme.slack.com/`), as auth.test answers it for
        the bot's token (asked once per token); None when the token is another workspace's or
        Slack names no URL."""
        identity = self.identity()
        return identity.url if identity.team_id == team_id else None

    def history_page(
        self, channel: str, *, cursor: str | None = None, oldest: str | None = None
    ) -> HistoryPage:
        kwargs: dict[str, Any] = {"channel": channel, "limit": HISTORY_PAGE_SIZE}
        if cursor:
            kwargs["cursor"] = cursor
        if oldest:
            kwargs["oldest"] = oldest
        response = call("conversations.history", lambda: self._client.conversations_history(**kwargs))
        next_cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not response.get("has_more"):
            next_cursor = None
        return HistoryPage(_parsed(response.get("messages") or [], channel), next_cursor)

    def thread_replies(self, channel: str, thread_ts: str) -> list[NewMessage]:
        """Every message of a thread, parent first, following cursors."""
        raw: list[Mapping[str, Any]] = []
        cursor: str | None = None
        while True:
            kwargs: dict[str, Any] = {"channel": channel, "ts": thread_ts, "limit": HISTORY_PAGE_SIZE}
            if cursor:
                kwargs["cursor"] = cursor
            response = self._replies_page(kwargs)
            raw += list(response.get("messages") or [])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor or not response.get("has_more", True):
                return _parsed(raw, channel)

    def _replies_page(self, kwargs: dict[str, Any]) -> SlackResponse:
        with failures_as("conversations.replies"):
            return self._client.conversations_replies(**kwargs)

    def single_message(self, channel: str, ts: str) -> NewMessage | None:
        """The message at `ts`, top-level or a thread reply, or None."""
        response = call(
            "conversations.history",
            lambda: self._client.conversations_history(
                channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
            ),
        )
        for message in _parsed(response.get("messages") or [], channel):
            if message.ts == ts:
                return message
        replies = call(
            "conversations.replies",
            lambda: self._client.conversations_replies(channel=channel, ts=ts, limit=HISTORY_PAGE_SIZE),
        )
        return next((m for m in _parsed(replies.get("messages") or [], channel) if m.ts == ts), None)

    def channel_info(self, channel: str) -> ChannelInfo:
        raw = call("conversations.info", lambda: self._client.conversations_info(channel=channel))["channel"]
        return ChannelInfo(
            channel_id=channel,
            name=str(raw.get("name", "")),
            is_archived=bool(raw.get("is_archived")),
            is_member=bool(raw.get("is_member")),
            is_private=bool(raw.get("is_private")),
        )

    def user(self, user_id: str) -> UserFacts:
        raw = call("users.info", lambda: self._client.users_info(user=user_id))["user"]
        return UserFacts(
            user_from_slack(raw),
            is_bot=bool(raw.get("is_bot")),
            is_admin=bool(raw.get("is_admin") or raw.get("is_owner") or raw.get("is_primary_owner")),
        )

    def permalink(self, channel: str, ts: str) -> str:
        answer = call(
            "chat.getPermalink", lambda: self._client.chat_getPermalink(channel=channel, message_ts=ts)
        )
        return str(answer["permalink"])

    def is_member(self, channel: str, user_id: str) -> bool:
        """Whether `user_id` is in `channel` (conversations.members, every page)."""
        cursor: str | None = None
        while True:
            kwargs: dict[str, Any] = {"channel": channel, "limit": 1000}
            if cursor:
                kwargs["cursor"] = cursor
            page = self._members_page(kwargs)
            if user_id in (page.get("members") or []):
                return True
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return False

    def _members_page(self, kwargs: dict[str, Any]) -> SlackResponse:
        with failures_as("conversations.members"):
            return self._client.conversations_members(**kwargs)
