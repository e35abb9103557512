"""Sends what Slack sends: signed slash commands, events and interactivity payloads, over real HTTP.

`SlackSender` signs exactly as Slack does (v0 HMAC-SHA256 of `v0:{timestamp}:{body}` with the
signing secret), and can also send forged or stale signatures, which the app must refuse with 401.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
TEAM_ID = "T0TEST"

_ids = itertools.count(1)


@dataclass
class Response:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def http(method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None) -> Response:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return Response(reply.status, reply.read(), dict(reply.headers))
    except urllib.error.HTTPError as error:
        return Response(error.code, error.read(), dict(error.headers))


class SlackSender:
    """Plays Slack's side of the HTTP conversation with the app at `events_url`."""

    def __init__(
        self, events_url: str, secret: str = SIGNING_SECRET, response_url: str | None = None
    ) -> None:
        self.events_url = events_url
        self.secret = secret
        self.response_url = response_url

    def post(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Response:
        ts = int(time.time()) if timestamp is None else timestamp
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(secret or self.secret, ts, body),
            **(extra_headers or {}),
        }
        return http("POST", self.events_url, body, headers)

    def command(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str = "C1",
        channel_name: str = "inc-test",
        command: str = "/postmortem",
        **signing: Any,
    ) -> Response:
        form = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "team_domain": "test",
            "channel_id": channel,
            "channel_name": channel_name,
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "api_app_id": "A0TEST",
            "response_url": self.response_url or "https://hooks.slack.invalid/commands/1",
            "trigger_id": f"trigger.{next(_ids)}",
        }
        body = urllib.parse.urlencode(form).encode()
        return self.post(body, "application/x-www-form-urlencoded", **signing)

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        **signing: Any,
    ) -> Response:
        envelope = {
            "token": "legacy-verification-token",
            "team_id": TEAM_ID,
            "api_app_id": "A0TEST",
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(_ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}],
        }
        headers = dict(signing.pop("extra_headers", {}) or {})
        if retry_num is not None:
            headers |= {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(json.dumps(envelope).encode(), "application/json", extra_headers=headers, **signing)

    def interaction(self, payload: dict[str, Any], **signing: Any) -> Response:
        payload = {"team": {"id": TEAM_ID, "domain": "test"}, "api_app_id": "A0TEST", **payload}
        body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
        return self.post(body, "application/x-www-form-urlencoded", **signing)
