"""The one error everything in outbound/slack raises when Slack says no or cannot be reached."""

from __future__ import annotations

UNREACHABLE = "unreachable"


class SlackFailed(Exception):
    """A Web API call did not do what was asked.

    `method`: the Web API method ("chat.postMessage"). `reason`: Slack's error code
    ("channel_not_found", "is_archived", "not_in_channel", "ratelimited"…), the HTTP status when
    Slack gave no code, or UNREACHABLE when no answer came (connection refused, reset, timed out).
    """

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(f"{method} failed: {reason}")
        self.method = method
        self.reason = reason
