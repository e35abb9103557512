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

The other way, `mrkdwn_escape` is the one escaping of everything the bot posts as mrkdwn (titles,
sections, item texts, names: text as typed → markup that shows it as typed and can never ping or
link); it lives here, in the domain, because the domain renders reminders' text too.
Pure: no Slack client, no wall clock.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
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


def mrkdwn_escape(text: str) -> str:
    """Text as typed → Slack markup that shows it as typed: `&`, `<` and `>` become entities, so
    nothing in it can mention, ping (`<!here>`), link or read as an entity. The one escaping every
    Slack-bound text goes through. Formatting characters (`*`, `_`, `~`, backticks) stay: mrkdwn has
    no escape for them, and they cannot ping or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_NOT_A_TOKEN = re.compile(r"<(?![@#!]|https?://|mailto:)([^<>\n]*)>")


def placeholders_escaped(text: str) -> str:
    """The bot's own mrkdwn with every `<…>` that is not a Slack token (a mention, channel, `<!…>`
    or link) escaped, so usage like `/postmortem done <id>` shows as written instead of reading as
    a broken link. For replies whose words the bot wrote (errors, usage, answers)."""
    return _NOT_A_TOKEN.sub(r"&lt;\1&gt;", text)


def mrkdwn_unescape(text: str) -> str:
    """`mrkdwn_escape` undone: Slack's escaping of the text it hands over (a slash command's
    arguments) → the characters as typed. Tokens (`<@U1>`, `<!here>`) are left as they are."""
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


@dataclass(frozen=True, slots=True)
class Link:
    """A link in a message (`<https://x.example|docs>`, `<mailto:a@b.co>`): where it leads and
    what a reader sees of it: its label, or the address itself when it has none."""

    url: str
    label: str

    @property
    def plain(self) -> str:
        """As plain text shows it: `docs (https://x.example)`; a bare link is its address alone."""
        if self.label == self.url or self.url == "mailto:" + self.label:
            return self.label
        return f"{self.label} ({self.url})"


def _link(target: str, label: str) -> Link:
    url = mrkdwn_unescape(target)
    if not label:
        label = url[len("mailto:") :] if url.startswith("mailto:") else url
    return Link(url, label)


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
        self.memo: dict[str, str | Link] = {"&amp;": "&", "&lt;": "<", "&gt;": ">"}

    def __call__(self, text: str) -> str:
        if "<" not in text and "&" not in text:
            return text
        return _TOKEN.sub(self._token, text)

    def pieces(self, text: str) -> tuple[str | Link, ...]:
        """The readable text in pieces: its links as `Link`s, the text between them as strings
        (never empty, never two in a row). Joined with each link's `plain`, it is `self(text)`."""
        if "<" not in text:
            return (self(text),) if text else ()
        out: list[str | Link] = []
        run: list[str] = []
        last = 0
        for match in _TOKEN.finditer(text):
            run.append(text[last : match.start()])
            shown = self._shown(match)
            if isinstance(shown, Link):
                out += ["".join(run), shown]
                run.clear()
            else:
                run.append(shown)
            last = match.end()
        out.append("".join(run) + text[last:])
        return tuple(piece for piece in out if piece != "")

    def _shown(self, match: re.Match[str]) -> str | Link:
        key = match.group()
        shown = self.memo.get(key)
        if shown is None:
            shown = self.memo[key] = self._resolve(match.group(1))
        return shown

    def _token(self, match: re.Match[str]) -> str:
        shown = self._shown(match)
        return shown if isinstance(shown, str) else shown.plain

    def _resolve(self, content: str) -> str | Link:
        target, _, label = content.partition("|")
        label = mrkdwn_unescape(label)
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
        return _link(target, label)


def readable_text(
    text: str, users: Mapping[str, _Named], channel_names: Mapping[str, str] = _NO_NAMES
) -> str:
    """Slack's wire format → what a reader sees: `<@U1>` → `@Ana`, `<#C1|inc>` → `#inc`,
    `<https://x|docs>` → `docs (https://x)`, `<!here>` → `@here`, `<!subteam^S1|@sre>` → `@sre`,
    `<!date^…|Aug 12 at 09:15>` → `Aug 12 at 09:15`, `&lt;` → `<`. A user's current display name
    wins over the label in the token; a channel's label wins over `channel_names`."""
    return Readable(users, channel_names)(text)
