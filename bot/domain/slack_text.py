"""Slack's message markup (its "wire format") → what a reader sees, and the instants Slack's own date
tokens name.

Slack sends message text with its tokens in angle brackets and three characters escaped:

  <@U024BE7LH>  <@W0WREN|wren>     a user (W… on Enterprise Grid); a label is only a hint
  <#C024BE7LH|inc-db>              a channel
  <!subteam^S0614TZR7|@sre>        a user group
  <!here> <!channel> <!everyone>   broadcasts
  <!date^1754990100^{date_short} at {time}^https://…|Aug 12, 2025 at 09:15 UTC>
                                   an exact instant, which Slack shows in each reader's own zone;
                                   the fallback after `|` is the sender's own rendering
  <https://x.example|docs>  <mailto:a@b.co>
  &amp; &lt; &gt;

The visible text of blocks and attachments arrives in the same format (outbound/slack/visible_text
writes rich-text elements as these tokens), so one reader serves every shape a message comes in.
Pure: no Slack client, no wall clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Protocol


class _Named(Protocol):
    """A user as the reader needs one: the name to show (timeline.UserInfo is one)."""

    @property
    def display_name(self) -> str: ...


# One pass over the text: a Slack token `<…>` or one of the three entities Slack escapes.
_TOKEN = re.compile(r"<([^<>]*)>|&(?:amp|lt|gt);")
_BROADCASTS = frozenset({"here", "channel", "everyone"})
_NO_NAMES: Mapping[str, str] = MappingProxyType({})

# <!date^EPOCH^FORMAT[^LINK][|FALLBACK]>; the epoch is whole seconds.
_DATE_TOKEN = re.compile(r"<!date\^(-?[0-9]{1,12})\^([^|^<>]*)(?:\^[^|<>]*)?(?:\|[^<>]*)?>")
# Format tokens that show a time of day; {date…} tokens show only the day.
_TIME_FORMATS = ("{time}", "{time_secs}", "{ago}")


def _unescape(text: str) -> str:
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _instant(epoch: str) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        return None  # outside what a datetime holds: no instant


def date_token_at(text: str) -> datetime | None:
    """The exact instant a `<!date^EPOCH^…>` token in `text` names, as aware UTC; None without one.

    With several, the first whose format shows a time of day (`{time}`, `{time_secs}`, `{ago}`)
    wins, else the first: "began <!date^…^{date}|Aug 12> at <!date^…^{time}|09:15>" means 09:15.
    """
    if "<!date^" not in text:
        return None
    first: datetime | None = None
    for match in _DATE_TOKEN.finditer(text):
        at = _instant(match.group(1))
        if at is None:
            continue
        if any(token in match.group(2) for token in _TIME_FORMATS):
            return at
        first = first or at
    return first


def _date_shown(content: str) -> str:
    """A date token without a fallback, shown in UTC: `2025-08-12 09:15 UTC` (or the day alone)."""
    _, epoch, rest = [*content.split("^", 2), "", ""][:3]
    at = _instant(epoch) if re.fullmatch(r"-?[0-9]{1,12}", epoch) else None
    if at is None:
        return "date"
    if any(token in rest for token in _TIME_FORMATS):
        return at.strftime("%Y-%m-%d %H:%M UTC")
    return at.strftime("%Y-%m-%d")


class Readable:
    """Renders message texts for one set of users and channels; each distinct token is resolved
    once per build, which keeps 10,000 messages cheap."""

    def __init__(self, users: Mapping[str, _Named], channel_names: Mapping[str, str] = _NO_NAMES) -> None:
        self.users = users
        self.channel_names = channel_names
        self.memo: dict[str, str] = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}

    def __call__(self, text: str) -> str:
        if "<" not in text and "&" not in text:
            return text
        return _TOKEN.sub(self._token, text)

    def _token(self, match: re.Match[str]) -> str:
        key = match.group()
        shown = self.memo.get(key)
        if shown is None:
            shown = self.memo[key] = self._resolve(match.group(1))
        return shown

    def _resolve(self, content: str) -> str:
        target, _, label = content.partition("|")
        label = _unescape(label)
        if target.startswith("@"):
            user = self.users.get(target[1:])
            return "@" + ((user.display_name if user else "") or label or target[1:])
        if target.startswith("#"):
            return "#" + (label or self.channel_names.get(target[1:]) or target[1:])
        if target.startswith("!"):
            kind = target[1:].partition("^")[0]
            if kind in _BROADCASTS:
                return "@" + kind
            if kind == "subteam":
                return label if label.startswith("@") else "@" + (label or "group")
            if kind == "date":  # the sender's own rendering when there is one, else the instant in UTC
                return label or _date_shown(target[1:])
            return label or kind  # anything newer: Slack's own fallback text
        url = _unescape(target)
        if url.startswith("mailto:") and label in ("", url[len("mailto:") :]):
            return url[len("mailto:") :]
        if not label or label == url:
            return url
        return f"{label} ({url})"


def readable_text(
    text: str, users: Mapping[str, _Named], channel_names: Mapping[str, str] = _NO_NAMES
) -> str:
    """Slack's wire format → what a reader sees: `<@U1>` → `@Ana`, `<#C1|inc>` → `#inc`,
    `<https://x|docs>` → `docs (https://x)`, `<!here>` → `@here`, `<!subteam^S1|@sre>` → `@sre`,
    `<!date^…|Aug 12 at 09:15>` → `Aug 12 at 09:15`, `&lt;` → `<`. A user's current display name
    wins over the label in the token; a channel's label wins over `channel_names`."""
    return Readable(users, channel_names)(text)
