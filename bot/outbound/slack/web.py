"""The Web API client: one place that decides base URL, retries, timeouts and how failures read."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from urllib.error import URLError
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot.config import Settings
from bot.outbound.slack.errors import UNREACHABLE, SlackFailed
from bot.outbound.slack.identity import Identity

T = TypeVar("T")


# Methods that may be sent again when their answer was lost: reads, and writes whose repetition
# changes nothing (chat.update and canvases.edit set the same content again, views.publish the same
# view, conversations.open returns the same DM, conversations.join finds the bot already in,
# files.getUploadURLExternal hands out another upload URL and the unused one expires). Anything else
# (chat.postMessage, chat.postEphemeral, files.completeUploadExternal, canvases.create, views.open…)
# could happen twice, so it is never sent again blindly.
REPEATABLE = frozenset(
    {
        "auth.test",
        "canvases.edit",
        "chat.getPermalink",
        "chat.update",
        "conversations.history",
        "conversations.info",
        "conversations.join",
        "conversations.list",
        "conversations.members",
        "conversations.open",
        "conversations.replies",
        "files.getUploadURLExternal",
        "pins.list",
        "reactions.get",
        "users.info",
        "users.list",
        "views.publish",
        "views.update",
    }
)


def api_method(url: str) -> str:
    """`https://slack.com/api/chat.postMessage` → `chat.postMessage`."""
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def never_sent(error: Exception | None) -> bool:
    """The request cannot have reached Slack: the connection was refused or the name not resolved."""
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, ConnectionRefusedError | socket.gaierror)


class RetrySafeCalls(ConnectionErrorRetryHandler):
    """A connection error is retried only when repeating the call cannot do it twice: for REPEATABLE
    methods, or when the request never left. A post whose answer was lost is not sent again here: it
    leaves as SlackFailed(method, "unreachable"), and its claim looks for it before posting again
    (services/once.py)."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        return api_method(request.url) in REPEATABLE or never_sent(error)


def make_web_client(settings: Settings) -> WebClient:
    """429s wait for Retry-After and try again (Slack did not perform the call); a lost connection is
    retried only where that is safe (RetrySafeCalls)."""
    return WebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url,
        timeout=30,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=5),
            RetrySafeCalls(max_retry_count=3),
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
