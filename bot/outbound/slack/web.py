"""The Web API client: one place that decides base URL, retries, timeouts and how failures read."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)

from bot.config import Settings
from bot.outbound.slack.errors import UNREACHABLE, SlackFailed
from bot.outbound.slack.identity import Identity

T = TypeVar("T")


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


@contextmanager
def failures_as(method: str) -> Iterator[None]:
    """Slack's refusals and lost connections leave here as SlackFailed(method, reason)."""
    try:
        yield
    except SlackApiError as error:
        reason = error.response.get("error") or f"HTTP {error.response.status_code}"
        raise SlackFailed(method, str(reason)) from error
    except (SlackClientError, OSError) as error:
        raise SlackFailed(method, UNREACHABLE) from error


def call(method: str, fn: Callable[[], T]) -> T:
    with failures_as(method):
        return fn()


_identities: dict[tuple[str, str | None], Identity] = {}


def own_identity(client: WebClient) -> Identity:
    """auth.test, once per token (Bolt hands each request a new client for the same token)."""
    key = (client.base_url, client.token)
    known = _identities.get(key)
    if known is None:
        auth = call("auth.test", client.auth_test)
        known = _identities[key] = Identity(
            str(auth["user_id"]), auth.get("bot_id"), auth.get("team_id") or None, auth.get("url") or None
        )
    return known
