"""What the four webhook readers share: headers by any case, HMACs compared in constant time, JSON."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from bot.inbound.trackers import WebhookMalformed, WebhookRefused


def header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    return next((str(v) for k, v in headers.items() if k.lower() == wanted), None)


def hmac_sha256(secret: str | bytes, message: bytes) -> bytes:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).digest()


def require_hex_signature(given: str | None, secret: str, body: bytes, *, prefix: str = "") -> None:
    """`given` must be `prefix` + the hex HMAC-SHA256 of `body` under `secret`."""
    if not secret:
        raise WebhookRefused("no webhook secret is configured")
    if not given or not given.startswith(prefix):
        raise WebhookRefused("no signature")
    expected = prefix + hmac_sha256(secret, body).hex()
    if not hmac.compare_digest(given.strip().lower().encode(), expected.encode()):
        raise WebhookRefused("the signature does not match")


def load(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise WebhookMalformed("the body is not JSON") from error
    if not isinstance(payload, dict):
        raise WebhookMalformed("the body is not a JSON object")
    return payload


def obj(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise WebhookMalformed(f"{what} is missing or not an object")
    return value


def maybe(value: object) -> dict[str, Any]:
    """An optional object: itself, or {} when absent or not an object."""
    return value if isinstance(value, dict) else {}


def text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError as error:
        raise WebhookMalformed(f"not a date: {value!r}") from error


def instant(value: object) -> datetime | None:
    """ISO 8601 (`Z` or an offset, Jira's `+0000` too), or GitLab's older `2025-03-15 18:00:00 UTC`."""
    if not isinstance(value, str) or not value:
        return None
    raw = value.strip().replace(" UTC", "+00:00").replace("Z", "+00:00")
    if len(raw) > 5 and raw[-5] in "+-" and raw[-3] != ":":
        raw = raw[:-2] + ":" + raw[-2:]
    try:
        when = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)
