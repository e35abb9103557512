"""What the four tracker clients share: reading statuses, instants and dates the way trackers write them."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from bot.domain.tickets import TrackerKind
from bot.outbound.trackers import Reason, TrackerFailed

# Titles longer than this are cut (Jira's summary allows 255; the others more).
MAX_TITLE = 250


def reason_for(status: int) -> Reason:
    if status in (401, 403):
        return Reason.AUTH
    if status in (404, 410):
        return Reason.NOT_FOUND
    if status == 429:
        return Reason.RATE_LIMITED
    if status >= 500 or status == 0:
        return Reason.UNREACHABLE
    return Reason.REFUSED


def failed(kind: TrackerKind, status: int, detail: str) -> TrackerFailed:
    return TrackerFailed(kind, reason_for(status), f"HTTP {status}: {detail}"[:500] if status else detail)


def title(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_TITLE else text[: MAX_TITLE - 1] + "…"


_OFFSET = re.compile(r"([+-][0-9]{2})([0-9]{2})$")


def parse_instant(value: object) -> datetime | None:
    """`2025-03-15T18:00:00Z`, `…+00:00`, Jira's `2025-03-15T18:00:00.000+0000`; None if unreadable."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    text = _OFFSET.sub(r"\1:\2", text)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def parse_day(value: object) -> date | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def text_of(value: object) -> str:
    return value if isinstance(value, str) else ""


_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")


def markdown_links_to_jira(text: str) -> str:
    """Jira's wiki markup writes `[label|url]` where Markdown writes `[label](url)`."""
    return _MD_LINK.sub(lambda m: f"[{m.group(1)}|{m.group(2)}]", text)
