"""Signed webhook deliveries, as each tracker sends them: `(headers, body)` ready to POST or to verify.

headers, body = github_delivery("secret", "issues", stub.issue_event("acme/payments#1", "closed"))
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from typing import Any

Delivery = tuple[dict[str, str], bytes]


def _body(payload: dict[str, Any] | bytes) -> bytes:
    return payload if isinstance(payload, bytes) else json.dumps(payload).encode()


def _hex(secret: str | bytes, body: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def github_delivery(
    secret: str, event: str, payload: dict[str, Any] | bytes, *, delivery: str | None = None
) -> Delivery:
    body = _body(payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitHub-Hookshot/abc123",
        "X-GitHub-Event": event,
        "X-GitHub-Delivery": delivery or str(uuid.uuid4()),
        "X-GitHub-Hook-ID": "42",
        "X-Hub-Signature": "sha1=" + hmac.new(secret.encode(), body, hashlib.sha1).hexdigest(),
        "X-Hub-Signature-256": "sha256=" + _hex(secret, body),
    }
    return headers, body


def gitlab_delivery(
    token: str | None,
    payload: dict[str, Any] | bytes,
    *,
    event: str = "Issue Hook",
    signing_token: str | None = None,
    timestamp: int | None = None,
    delivery: str | None = None,
) -> Delivery:
    """`token`: the Secret token (X-Gitlab-Token); `signing_token` (`whsec_…`): also sign it, Standard
    Webhooks style, at `timestamp` (epoch seconds; now by default)."""
    body = _body(payload)
    delivery = delivery or str(uuid.uuid4())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "GitLab/18.0.0",
        "X-Gitlab-Event": event,
        "X-Gitlab-Event-UUID": delivery,
        "X-Gitlab-Webhook-UUID": "hook-1",
        "X-Gitlab-Instance": "https://gitlab.example.com",
        "Idempotency-Key": delivery,
    }
    if token is not None:
        headers["X-Gitlab-Token"] = token
    if signing_token is not None:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        key = base64.b64decode(signing_token.removeprefix("whsec_"))
        signed = hmac.new(key, f"{delivery}.{stamp}.".encode() + body, hashlib.sha256).digest()
        headers |= {
            "webhook-id": delivery,
            "webhook-timestamp": stamp,
            "webhook-signature": "v1," + base64.b64encode(signed).decode(),
        }
    return headers, body


def new_signing_token() -> str:
    return "whsec_" + base64.b64encode(uuid.uuid4().bytes + uuid.uuid4().bytes).decode()


def linear_delivery(secret: str, payload: dict[str, Any] | bytes, *, delivery: str | None = None) -> Delivery:
    """`payload` carries its own `webhookTimestamp` (LinearStub.issue_webhook sets it to now)."""
    body = _body(payload)
    event = payload.get("type", "Issue") if isinstance(payload, dict) else "Issue"
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Linear-Webhook",
        "Linear-Delivery": delivery or str(uuid.uuid4()),
        "Linear-Event": str(event),
        "Linear-Signature": _hex(secret, body),
    }
    return headers, body


def jira_delivery(secret: str, payload: dict[str, Any] | bytes, *, delivery: str | None = None) -> Delivery:
    body = _body(payload)
    headers = {
        "Content-Type": "application/json; charset=UTF-8",
        "User-Agent": "Atlassian Webhook HTTP Client",
        "X-Atlassian-Webhook-Identifier": delivery or str(uuid.uuid4().int)[:12],
        "X-Atlassian-Webhook-Retry": "0",
        "X-Hub-Signature": "sha256=" + _hex(secret, body),
    }
    return headers, body
