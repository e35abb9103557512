"""Reading from Slack: history pages, threads, one message, channel and user facts, and the bot's
own posts made under a claim (found by the claim's tag, for adoption).

Answers come back as the bot's own records (NewMessage, UserInfo, ChannelInfo, Posted), never as
Slack's JSON; failures come back as SlackFailed. 429s are waited out by the client
(web.make_web_client), and every read here is retried when its connection drops.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.web import SlackResponse

from bot.domain.messages import NewMessage
from bot.domain.timeline import UserInfo
from bot.outbound.slack.errors import SlackFailed
from bot.outbound.slack.identity import Identity
from bot.outbound.slack.messenger import Posted
from bot.outbound.slack.payloads import message_from_slack, user_from_slack
from bot.outbound.slack.tags import Tag, part_of
from bot.outbound.slack.web import call, failures_as, own_identity

logger = logging.getLogger(__name__)

HISTORY_PAGE_SIZE = 200
# How far back a post made under a claim is looked for in a channel's history: from the time the
# caller gives (an hour before the attempt that may have posted), and at most this many pages.
TAGGED_PAGES = 5
_CONVERSATION_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")


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
        except ValueError as error:  # no usable ts, or something the record cannot keep
            logger.warning("skipping a message in %s: %s", channel, error)
    return parsed


class SlackReader:
    """What the bot asks Slack. One per Web API client."""

    def __init__(self, client: WebClient) -> None:
        self._client = client
        self._ids_by_name: dict[str, str] = {}

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

    # ---- the bot's own posts, by the claim they were made under ----------------------------------

    def dm_channel(self, user_id: str) -> str:
        """The id of the bot's direct-message conversation with `user_id` (conversations.open)."""
        opened = call("conversations.open", lambda: self._client.conversations_open(users=user_id))
        return str(opened["channel"]["id"])

    def channel_id(self, ref: str) -> str:
        """A conversation id for `ref`: an id as it is, a `#name` (POSTMORTEM_CHANNEL may be one)
        looked up with conversations.list, once per reader. SlackFailed channel_not_found if none."""
        if _CONVERSATION_ID.match(ref):
            return ref
        name = ref.removeprefix("#")
        cursor: str | None = None
        while name not in self._ids_by_name:
            page = self._channels_page(cursor)
            for channel in page.get("channels") or []:
                self._ids_by_name.setdefault(str(channel.get("name")), str(channel["id"]))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor and name not in self._ids_by_name:
                raise SlackFailed("conversations.list", "channel_not_found")
        return self._ids_by_name[name]

    def _channels_page(self, cursor: str | None) -> SlackResponse:
        kwargs: dict[str, Any] = {"types": "public_channel,private_channel", "limit": 1000}
        if cursor:
            kwargs["cursor"] = cursor
        with failures_as("conversations.list"):
            return self._client.conversations_list(**kwargs)

    def tagged(
        self, channel: str, tag: Tag, *, thread_ts: str | None = None, oldest: str | None = None
    ) -> list[Posted]:
        """The messages of the post made under `tag` that are in Slack, first part first (empty when
        none is): in the thread of `thread_ts` when given, else in `channel`'s history from `oldest`
        (at most TAGGED_PAGES pages) and the thread of the post's first message. Only the bot's own
        messages count."""
        channel = self.channel_id(channel)
        me = self.identity()
        parts: dict[int, Posted] = {}
        first_has_replies = False
        if thread_ts:
            raws: Iterable[Mapping[str, Any]] = self._thread_raw(channel, thread_ts)
        else:
            raws = self._history_raw(channel, oldest)
        for raw in raws:
            part = part_of(raw, tag) if _written_by(me, raw) else None
            if part is not None and part not in parts:
                parts[part] = Posted(channel, str(raw["ts"]))
                first_has_replies |= part == 0 and bool(raw.get("reply_count"))
        if not thread_ts and first_has_replies:  # a long post continues in its first message's thread
            for raw in self._thread_raw(channel, parts[0].ts):
                part = part_of(raw, tag) if _written_by(me, raw) else None
                if part is not None and part not in parts:
                    parts[part] = Posted(channel, str(raw["ts"]))
        found: list[Posted] = []
        while len(found) in parts:  # parts go out in order: only an unbroken run from 0 counts
            found.append(parts[len(found)])
        return found

    def _history_raw(self, channel: str, oldest: str | None) -> Iterator[Mapping[str, Any]]:
        kwargs: dict[str, Any] = {
            "channel": channel,
            "limit": HISTORY_PAGE_SIZE,
            "include_all_metadata": True,
        }
        if oldest:
            kwargs["oldest"] = oldest
        for _ in range(TAGGED_PAGES):
            page = call("conversations.history", lambda: self._client.conversations_history(**kwargs))
            yield from page.get("messages") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not (cursor and page.get("has_more")):
                return
            kwargs["cursor"] = cursor

    def _thread_raw(self, channel: str, thread_ts: str) -> Iterator[Mapping[str, Any]]:
        kwargs: dict[str, Any] = {
            "channel": channel,
            "ts": thread_ts,
            "limit": HISTORY_PAGE_SIZE,
            "include_all_metadata": True,
        }
        while True:
            page = self._replies_page(kwargs)
            yield from page.get("messages") or []
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not (cursor and page.get("has_more", True)):
                return
            kwargs["cursor"] = cursor


def _written_by(me: Identity, raw: Mapping[str, Any]) -> bool:
    return raw.get("user") == me.user_id or (me.bot_id is not None and raw.get("bot_id") == me.bot_id)
