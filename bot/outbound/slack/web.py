"""The Web API client: one place that decides base URL, retries and timeouts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings


def make_web_client(settings: Settings) -> WebClient:
    """429s wait for Retry-After and try again; dropped connections are retried too."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            ConnectionErrorRetryHandler(max_retry_count=3),
        ],
    )


@dataclass(frozen=True)
class Identity:
    """Who the bot is: every message it posts carries this user id and bot id."""

    user_id: str
    bot_id: str | None

    def wrote(self, message: Mapping[str, Any]) -> bool:
        return message.get("user") == self.user_id or (
            self.bot_id is not None and message.get("bot_id") == self.bot_id
        )


_identities: dict[tuple[str, str | None], Identity] = {}


def own_identity(client: WebClient) -> Identity:
    """auth.test, once per token (Bolt hands each request a new client for the same token)."""
    key = (client.base_url, client.token)
    known = _identities.get(key)
    if known is None:
        auth = client.auth_test()
        known = _identities[key] = Identity(str(auth["user_id"]), auth.get("bot_id"))
    return known


HISTORY_PAGE_SIZE = 200


@dataclass(frozen=True)
class HistoryPage:
    messages: list[dict[str, Any]]
    next_cursor: str | None


def history_page(
    client: WebClient, channel: str, *, cursor: str | None = None, oldest: str | None = None
) -> HistoryPage:
    """One page of conversations.history, newest first; 429s are waited out by the client."""
    kwargs: dict[str, Any] = {"channel": channel, "limit": HISTORY_PAGE_SIZE}
    if cursor:
        kwargs["cursor"] = cursor
    if oldest:
        kwargs["oldest"] = oldest
    response = client.conversations_history(**kwargs)
    next_cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
    if not response.get("has_more"):
        next_cursor = None
    return HistoryPage(list(response.get("messages") or []), next_cursor)


def thread_replies(client: WebClient, channel: str, thread_ts: str) -> list[dict[str, Any]]:
    """Every message of a thread, parent first, following cursors."""
    messages: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        kwargs: dict[str, Any] = {"channel": channel, "ts": thread_ts, "limit": HISTORY_PAGE_SIZE}
        if cursor:
            kwargs["cursor"] = cursor
        response = client.conversations_replies(**kwargs)
        messages += list(response.get("messages") or [])
        cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor or not response.get("has_more", True):
            return messages


def single_message(client: WebClient, channel: str, ts: str) -> dict[str, Any] | None:
    """The message at `ts`, top-level or a thread reply, or None."""
    response = client.conversations_history(channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1)
    for message in response.get("messages") or []:
        if message.get("ts") == ts:
            return dict(message)
    replies = client.conversations_replies(channel=channel, ts=ts, limit=HISTORY_PAGE_SIZE)
    return next((dict(m) for m in replies.get("messages") or [] if m.get("ts") == ts), None)


def channel_info(client: WebClient, channel: str) -> dict[str, Any]:
    return dict(client.conversations_info(channel=channel)["channel"])


def user_info(client: WebClient, user: str) -> dict[str, Any]:
    return dict(client.users_info(user=user)["user"])
