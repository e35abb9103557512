"""The Web API client: one place that decides base URL, retries and timeouts."""

from __future__ import annotations

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
