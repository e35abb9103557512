"""Captured Slack messages + emoji marks → an ordered UTC timeline, its phases and durations.

Pure: no Slack client, no database, no wall clock. Every datetime it returns is aware UTC.

How a message gets onto the timeline:
- Reactions mark it (`DEFAULT_EMOJI_MARKS`, configurable); a pinned message is a key event.
- The curated timeline holds marked and key messages; `include_all=True` adds every other
  captured message, people's and apps' alike: an unmarked alert still shows what fired and when.
  Entries posted by an app or integration say so (`Entry.from_app`).
- Deleted messages, tombstones and Slack's bookkeeping (joins, topic changes, renames, pins,
  integrations added… `slack_subtypes.SYSTEM_SUBTYPES`) never are.
- An entry whose message shows no text says what it was: its files (`(a file)` for one without a
  name, hidden by the plan's limit or deleted), `(a huddle)`, or `(no text)`; never a blank.
- A marked or key message holding Slack's own date token (`<!date^EPOCH^…>`) is placed at that
  exact instant. One that states a clock time ("rolled back at 20:58 UTC") is placed at
  that time; a time without a zone is read in the author's Slack time zone, else `default_tz`.
  A stated time after the post (a plan) or more than 7 days from it leaves the message at its
  posting time (`clock_times.trusted`). Everything else sits at its posting time.
- Durations are never negative: one whose end is marked before its start is unknown (None).
- Given the channel's id and the workspace's URL, each entry carries the link to its message
  (`permalinks`); without them, none does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain import permalinks
from bot.domain.clock_times import stated_time, trusted
from bot.domain.slack_subtypes import SYSTEM_SUBTYPES as SYSTEM_SUBTYPES  # re-exported: read here
from bot.domain.slack_subtypes import placeholder
from bot.domain.slack_text import Link, Readable, date_token_at
from bot.domain.slack_text import readable_text as readable_text  # re-exported: callers read it here


class Mark(StrEnum):
    IMPACT_START = "impact_start"
    DETECTION = "detection"
    ACKNOWLEDGMENT = "acknowledgment"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    KEY_EVENT = "key_event"


PHASES: tuple[Mark, ...] = (
    Mark.IMPACT_START,
    Mark.DETECTION,
    Mark.ACKNOWLEDGMENT,
    Mark.MITIGATION,
    Mark.RESOLUTION,
)

DEFAULT_EMOJI_MARKS: Mapping[str, Mark] = MappingProxyType(
    {
        "boom": Mark.IMPACT_START,
        "rotating_light": Mark.DETECTION,
        "eyes": Mark.ACKNOWLEDGMENT,
        "adhesive_bandage": Mark.MITIGATION,
        "white_check_mark": Mark.RESOLUTION,
        "pushpin": Mark.KEY_EVENT,
    }
)

# What Slack leaves behind when a thread parent is deleted; treated exactly like a deleted message.
TOMBSTONE_SUBTYPE = "tombstone"
BOT_SUBTYPE = "bot_message"

_MARK_ORDER: Mapping[Mark, int] = MappingProxyType({mark: i for i, mark in enumerate(Mark)})
_VALID_MARKS = ", ".join(mark.value for mark in Mark)
_EMOJI_NAME = re.compile(r"[^\s:=,]+")
_TS = re.compile(r"([0-9]{1,11})(?:\.([0-9]{1,6}))?")  # ASCII digits only
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NO_NAMES: Mapping[str, str] = MappingProxyType({})


def _emoji_name(name: str) -> str:
    """`:Eyes::skin-tone-2:` → `eyes`: colons, case and skin tone do not change what a reaction means."""
    return name.strip().strip(":").partition("::")[0].lower()


def parse_emoji_marks(spec: str) -> dict[str, Mark]:
    """`"boom=impact_start,fire=impact_start,eyes=acknowledgment"` → `{"boom": Mark.IMPACT_START, …}`.

    Several emoji may share a mark; one emoji may not mean two marks. Spaces, colons around emoji
    names and a trailing comma are forgiven. Raises ValueError naming the bad part.
    """
    marks: dict[str, Mark] = {}
    for raw in spec.split(","):
        part = raw.strip()
        if not part:
            continue
        emoji_part, sep, mark_part = part.partition("=")
        emoji = _emoji_name(emoji_part)
        mark_name = mark_part.strip().lower()
        if not sep or not mark_name or not _EMOJI_NAME.fullmatch(emoji):
            raise ValueError(
                f"Emoji marks: {part!r} is not emoji=mark (e.g. 'boom=impact_start'). "
                f"Valid marks: {_VALID_MARKS}."
            )
        try:
            mark = Mark(mark_name)
        except ValueError:
            raise ValueError(
                f"Emoji marks: {part!r} names an unknown mark {mark_name!r}. Valid marks: {_VALID_MARKS}."
            ) from None
        if marks.get(emoji, mark) != mark:
            raise ValueError(
                f"Emoji marks: {part!r} maps :{emoji}: again; it already means {marks[emoji].value}."
            )
        marks[emoji] = mark
    if not marks:
        raise ValueError(
            f"Emoji marks: {spec!r} maps no emoji (e.g. 'boom=impact_start'). Valid marks: {_VALID_MARKS}."
        )
    return marks


def ts_to_datetime(ts: str) -> datetime:
    """Slack ts `"1718000000.123456"` → aware UTC datetime, exact to the microsecond."""
    match = _TS.fullmatch(ts)
    if match is None:
        raise ValueError(f"{ts!r} is not a Slack ts like '1718000000.123456'")
    seconds, fraction = match.groups()
    micros = int((fraction or "").ljust(6, "0"))
    return _EPOCH + timedelta(seconds=int(seconds), microseconds=micros)


@dataclass(frozen=True, slots=True)
class UserInfo:
    display_name: str
    tz: str | None = None  # IANA name, e.g. "America/New_York"


@dataclass(frozen=True, slots=True)
class CapturedMessage:
    ts: str
    text: str
    user_id: str | None = None
    author_name: str | None = None  # for bots and integrations that post without a user
    thread_ts: str | None = None
    subtype: str | None = None
    bot_id: str | None = None
    reactions: frozenset[str] = frozenset()  # emoji names; "eyes::skin-tone-2" counts as "eyes"
    pinned: bool = False
    files: tuple[str, ...] = ()
    deleted: bool = False


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime  # when it happened: the stated time if the message states one, else posted_at
    posted_at: datetime
    ts: str
    thread_ts: str | None
    user: str  # display name of the author
    text: str  # readable: mentions, channels and links resolved, entities unescaped
    marks: tuple[Mark, ...]  # in Mark order; KEY_EVENT last
    stated: bool  # True when `at` comes from a time stated in the text
    from_app: bool = False  # posted by an app or integration (an alert, a bot, a workflow), not a person
    user_id: str | None = None  # the author's Slack user id; None for an integration posting without one
    permalink: str | None = None  # the message in Slack; None when the workspace URL is not known
    # `text` in pieces, its links kept apart, for views that show real links; () when it has none.
    pieces: tuple[str | Link, ...] = ()


@dataclass(frozen=True, slots=True)
class Durations:
    time_to_detect: timedelta | None
    time_to_acknowledge: timedelta | None
    time_to_mitigate: timedelta | None
    time_to_resolve: timedelta | None
    duration: timedelta | None


def _between(start: datetime | None, end: datetime | None) -> timedelta | None:
    """`end - start`; None when either is missing or the end is before the start (phases marked
    out of order: the marks need checking, and a negative duration means nothing)."""
    if start is None or end is None or end < start:
        return None
    return end - start


@dataclass(frozen=True, slots=True)
class Timeline:
    channel: str  # name without '#'
    phases: Mapping[Mark, datetime | None]  # exactly the PHASES keys
    entries: tuple[Entry, ...]  # by event time, then posting time, then ts

    @property
    def durations(self) -> Durations:
        """Detect is measured from impact start, the rest from detection; the overall duration from
        impact start, or from detection when nobody marked the start. A missing end, or one
        before its start → None."""
        impact = self.phases.get(Mark.IMPACT_START)
        detection = self.phases.get(Mark.DETECTION)
        return Durations(
            time_to_detect=_between(impact, detection),
            time_to_acknowledge=_between(detection, self.phases.get(Mark.ACKNOWLEDGMENT)),
            time_to_mitigate=_between(detection, self.phases.get(Mark.MITIGATION)),
            time_to_resolve=_between(detection, self.phases.get(Mark.RESOLUTION)),
            duration=_between(impact or detection, self.phases.get(Mark.RESOLUTION)),
        )


@lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None  # not an IANA name this machine knows: the caller falls back to the default


def _author(message: CapturedMessage, users: Mapping[str, UserInfo]) -> str:
    user = users.get(message.user_id) if message.user_id else None
    return (user.display_name if user else "") or message.author_name or message.user_id or "unknown"


def _is_bot(message: CapturedMessage) -> bool:
    return message.subtype == BOT_SUBTYPE or bool(message.bot_id)


def _marks(message: CapturedMessage, emoji_marks: Mapping[str, Mark]) -> tuple[Mark, ...]:
    if not message.reactions and not message.pinned:
        return ()
    found = {emoji_marks[name] for name in map(_emoji_name, message.reactions) if name in emoji_marks}
    if message.pinned:
        found.add(Mark.KEY_EVENT)
    return tuple(sorted(found, key=_MARK_ORDER.__getitem__))


def _stated_at(
    message: CapturedMessage, posted_at: datetime, users: Mapping[str, UserInfo], default_tz: tzinfo
) -> datetime | None:
    exact = date_token_at(message.text)  # Slack's <!date^EPOCH^…> names the instant itself
    if exact is not None:  # exact, but still a plan or a far date like any other stated time
        return exact if trusted(exact, posted_at) else None
    user = users.get(message.user_id) if message.user_id else None
    tz = (_zone(user.tz) if user and user.tz else None) or default_tz
    try:
        # The text as posted: stated_time itself ignores Slack markup and URLs.
        at = stated_time(message.text, posted_at, tz)
    except (ValueError, OverflowError):
        return None  # an unreadable time is no time: the entry sits at its posting time
    if at is None:
        return None
    at = at.astimezone(UTC) if at.tzinfo is not None else at.replace(tzinfo=UTC)
    # A plan ("failover at 18:10" posted 18:05) or a date far from the post leaves it at its posting time.
    return at if trusted(at, posted_at) else None


def _files(files: tuple[str, ...]) -> list[str]:
    """The files by name; "" (a file that shows none) as `a file`, several as `N files`."""
    named = [name for name in files if name]
    unnamed = len(files) - len(named)
    return named + (["a file" if unnamed == 1 else f"{unnamed} files"] if unnamed else [])


def _entry_text(message: CapturedMessage, readable: Readable) -> tuple[str, tuple[str | Link, ...]]:
    """The entry's readable text, and the same in pieces when it holds a link (else ()). Never blank:
    a message showing nothing says what it is."""
    pieces = list(readable.pieces(message.text))
    text = "".join(p if isinstance(p, str) else p.plain for p in pieces).strip()
    files = _files(message.files)
    attached = ""
    if files and (text or any(message.files)):
        attached = f"(attached: {', '.join(files)})"
    if attached:
        text = f"{text} {attached}" if text else attached
    elif not text:
        text = f"({files[0]})" if files else placeholder(message.subtype)
    if not any(isinstance(p, Link) for p in pieces):
        return text, ()
    if isinstance(pieces[0], str):
        pieces[0] = pieces[0].lstrip()
    if isinstance(pieces[-1], str):
        pieces[-1] = pieces[-1].rstrip()
    if attached:
        pieces.append(f" {attached}")
    return text, tuple(p for p in pieces if p != "")


def build_timeline(
    channel: str,
    messages: Iterable[CapturedMessage],
    users: Mapping[str, UserInfo],
    *,
    emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS,
    default_tz: tzinfo = UTC,
    include_all: bool = False,
    channel_names: Mapping[str, str] = _NO_NAMES,
    channel_id: str | None = None,
    workspace_url: str | None = None,
) -> Timeline:
    """The timeline of one channel. Messages may come in any order; when a ts appears more than
    once the last capture wins (it is the newer state). With the channel's Slack id and the
    workspace's URL (`https://acme.slack.com/`), each entry links to its message. Raises ValueError
    on a malformed ts or workspace URL."""
    by_emoji = {_emoji_name(name): Mark(mark) for name, mark in emoji_marks.items()}
    base = permalinks.workspace_url(workspace_url) if workspace_url else None
    if not permalinks.can_link(channel_id):
        base = None  # no id, or a name standing in for one (an export without ids): nothing to link
    latest: dict[str, CapturedMessage] = {}
    for message in messages:
        latest[message.ts] = message

    readable = Readable(users, channel_names)
    entries: list[Entry] = []
    for message in latest.values():
        if message.deleted or message.subtype == TOMBSTONE_SUBTYPE or message.subtype in SYSTEM_SUBTYPES:
            continue
        marks = _marks(message, by_emoji)
        if not marks and not include_all:
            continue
        posted_at = ts_to_datetime(message.ts)
        at = _stated_at(message, posted_at, users, default_tz) if marks else None
        text, pieces = _entry_text(message, readable)
        link = (
            permalinks.permalink(base, channel_id, message.ts, message.thread_ts)
            if base and channel_id
            else None
        )
        entries.append(
            Entry(
                at=at or posted_at,
                posted_at=posted_at,
                ts=message.ts,
                thread_ts=message.thread_ts,
                user=_author(message, users),
                text=text,
                marks=marks,
                stated=at is not None,
                from_app=_is_bot(message),
                user_id=message.user_id,
                permalink=link,
                pieces=pieces,
            )
        )
    entries.sort(key=lambda e: (e.at, e.posted_at, e.ts))

    phases: dict[Mark, datetime | None] = dict.fromkeys(PHASES)
    for entry in entries:  # sorted, so the first entry carrying a mark is the earliest
        for mark in entry.marks:
            if mark in phases and phases[mark] is None:
                phases[mark] = entry.at
    return Timeline(channel=channel.strip().lstrip("#"), phases=phases, entries=tuple(entries))


_DECLARED_SEVERITY = re.compile(r"\bsev[\s-]?([1-4])\b", re.IGNORECASE)


def declared_severity(messages: Iterable[CapturedMessage]) -> str | None:
    """The severity the channel declared last ("Declaring SEV2", "downgrading to sev-3"), as "SEVn"."""
    latest: tuple[str, str] | None = None
    for message in messages:
        if message.deleted:
            continue
        found = _DECLARED_SEVERITY.findall(message.text)
        if found and (latest is None or float(message.ts) > float(latest[0])):
            latest = (message.ts, f"SEV{found[-1]}")
    return latest[1] if latest else None
