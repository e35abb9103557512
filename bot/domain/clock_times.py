"""Clock times stated in message text ("at 2:14 PM EST") → the aware UTC instant they name.

People post in incident channels long after the fact; the timeline places such a message at the time
it states. The regexes here only *find* a candidate and are deliberately strict; python-dateutil reads
the calendar date next to it and resolves wall times that a DST change skips or repeats.

Rules, in order:
- The first clock time in the text counts: `H:MM` / `HH:MM[:SS]` (24h), either form or a bare hour
  with am/pm (`3pm`, `2:14 p.m.`), or "at noon" / "at midnight". A single-digit 24h time such as
  `1:10` reads as a ratio unless a zone, a date or a word like "at" / "around" / "@" marks it a time.
- A zone after it (an abbreviation from `ZONE_OFFSETS`, `Z`, `UTC+2`, `+02:00`, or the US
  generic ET/CT/MT/PT) fixes the zone; otherwise the author's zone does. In a range
  ("2-3pm", "14:19 - 15:06 UTC") the first time counts and borrows the second's am/pm and zone.
- The date is the posting date in that zone, or the day before if that would be after the post;
  an adjacent date ("on March 15", "2025-03-15T", "yesterday") overrides it. A date without a
  year takes the posting year, or the year before if that would be after the post.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from types import MappingProxyType
from zoneinfo import ZoneInfo

from dateutil import parser as date_parser
from dateutil import tz as date_tz

__all__ = ["ZONE_OFFSETS", "stated_time"]

ZONE_OFFSETS: Mapping[str, timedelta] = MappingProxyType(
    {
        "UTC": timedelta(0),
        "GMT": timedelta(0),
        "Z": timedelta(0),
        "EST": timedelta(hours=-5),
        "EDT": timedelta(hours=-4),
        "CST": timedelta(hours=-6),
        "CDT": timedelta(hours=-5),
        "MST": timedelta(hours=-7),
        "MDT": timedelta(hours=-6),
        "PST": timedelta(hours=-8),
        "PDT": timedelta(hours=-7),
        "AKST": timedelta(hours=-9),
        "HST": timedelta(hours=-10),
        "BST": timedelta(hours=1),
        "CET": timedelta(hours=1),
        "CEST": timedelta(hours=2),
        "EET": timedelta(hours=2),
        "EEST": timedelta(hours=3),
        "IST": timedelta(hours=5, minutes=30),
        "SGT": timedelta(hours=8),
        "JST": timedelta(hours=9),
        "AEST": timedelta(hours=10),
        "AEDT": timedelta(hours=11),
    }
)
"""Zone abbreviations accepted after a clock time (any case, except `Z`), as fixed UTC offsets."""

# "2pm ET" means whichever of EST/EDT applies that day. Upper case only: "et" is a word.
_REGION_ZONES: Mapping[str, str] = MappingProxyType(
    {"ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver", "PT": "America/Los_Angeles"}
)

_MAX_OFFSET = timedelta(hours=14)
_LOOKBACK = 80  # characters before a time searched for its date

_WS = r"[ \t\u00a0]"
_MERIDIEM = r"[AaPp]\.?[Mm]\.?"
_NOT_GLUED_AFTER = r"(?![^\W_]|[.:][0-9])"  # no letter/digit, no ".5" or ":99" tail
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_ISO_DATE = r"[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}"
_DATE = (
    rf"(?i:{_ISO_DATE}"
    rf"|{_MONTH}\.?{_WS}+{_DAY}(?:,?{_WS}+[0-9]{{4}})?"
    rf"|{_DAY}(?:{_WS}+of)?{_WS}+{_MONTH}\.?(?:,?{_WS}+[0-9]{{4}})?)"
)
_RELATIVE_DAY = rf"(?i:(?:(?:the{_WS}+)?day{_WS}+before{_WS}+)?yesterday|today)"
_RANGE_SEP = rf"(?:{_WS}*(?:--?|[\u2013\u2014]){_WS}*|{_WS}+(?i:to|until|till|through|and){_WS}+)"


def _zone_pattern() -> str:
    names = "|".join(sorted((name for name in ZONE_OFFSETS if name != "Z"), key=len, reverse=True))
    regions = "|".join(_REGION_ZONES)
    return rf"""(?:
        {_WS}?(?i:UTC|GMT)(?P<named_sign>[-+\u2212])(?P<named_hours>[0-9]{{1,2}})(?::?(?P<named_minutes>[0-9]{{2}}))?
      | {_WS}?(?P<bare_sign>[-+\u2212])(?P<bare_hours>[0-9]{{2}}):(?P<bare_minutes>[0-9]{{2}})
      | (?P<zulu>[Zz])
      | {_WS}?(?P<paren>\()?(?P<abbr>(?i:{names})|{regions})(?(paren)\))
    )"""


_TIME = re.compile(
    rf"""
    (?: (?<=[0-9]T) | (?<![^\W_])(?<![.:/\\#=&?%+$])(?<![0-9][-/]) )
    (?:
        (?:
            (?P<hour>[0-9]{{1,2}}):(?P<minute>[0-9]{{2}})(?::(?P<second>[0-9]{{2}})(?:\.[0-9]{{1,9}})?)?
            (?:{_WS}?(?P<meridiem>{_MERIDIEM}))?
          | (?P<short_hour>[0-9]{{1,2}}){_WS}?(?P<short_meridiem>{_MERIDIEM})
          | (?P<word>(?i:noon|midnight))
        )
        (?P<zone>{_zone_pattern()})?
      | (?P<range_hour>[0-9]{{1,2}})(?={_RANGE_SEP}[0-9]{{1,2}}(?::[0-9]{{2}})?{_WS}?{_MERIDIEM})
    )
    {_NOT_GLUED_AFTER}
    """,
    re.VERBOSE,
)

# The second half of a range; only its am/pm and zone matter.
_RANGE_TAIL = re.compile(
    rf"""
    {_RANGE_SEP}
    (?P<hour>[0-9]{{1,2}})(?::(?P<minute>[0-9]{{2}})(?::[0-9]{{2}})?)?
    (?:{_WS}?(?P<meridiem>{_MERIDIEM}))?
    (?P<zone>{_zone_pattern()})?
    {_NOT_GLUED_AFTER}
    """,
    re.VERBOSE,
)

_DATE_BEFORE = re.compile(
    rf"""
    (?<![^\W_])
    (?:
        (?P<iso_t>{_ISO_DATE})T
      | (?:(?P<date>{_DATE}) | (?<!(?i:before){_WS})(?P<relative>{_RELATIVE_DAY}))
        (?:{_WS}*,)?{_WS}*(?:(?i:at|around|about|from|by){_WS}+|@{_WS}*)?
    )\Z
    """,
    re.VERBOSE,
)

_DATE_AFTER = re.compile(
    rf"""
    (?:{_WS}*,)?{_WS}+
    (?:
        (?i:on){_WS}+(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?{_WS}+)?(?P<date>{_DATE})
      | (?P<relative>{_RELATIVE_DAY})
    )
    (?![^\W_]|[-/][0-9])
    """,
    re.VERBOSE,
)

# What makes a bare single-digit "3:42" a time rather than a ratio, and "noon" a time of day.
_TIME_WORD_BEFORE = re.compile(
    rf"(?:(?<![^\W_])(?i:at|around|about|approx\.?|approximately|by|since|from|until|till|before|after)"
    rf"{_WS}+|[@~]{_WS}*)\Z"
)
_NOON_WORD_BEFORE = re.compile(
    rf"(?<![^\W_])(?i:at|around|about|by|since|until|till|after|before){_WS}+(?:12{_WS}+)?\Z"
)

# Slack markup (<@U123>, <#C123|x>, <https://…|label>, <!date^…>) and bare URLs hold no stated time.
_SLACK_MARKUP = re.compile(r"<[^<>\n]*>")
_BARE_URL = re.compile(r"(?i)(?<![^\W_])[a-z][a-z0-9+.\-]*://\S*")
_YEAR = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_DAY_NUMBER = re.compile(r"(?<![0-9])[0-9]{1,2}(?![0-9])")


class _UnreadableError(ValueError):
    """A clock time was found but its date or zone cannot be read: the text states no usable instant."""


@dataclass(frozen=True, slots=True)
class _Stated:
    clock: time
    zone: tzinfo | None
    on: date | None = None  # an explicit calendar date (year 2000 as a placeholder when not stated)
    year_stated: bool = False
    days_ago: int | None = None  # "today" → 0, "yesterday" → 1, "the day before yesterday" → 2


def stated_time(text: str, posted_at: datetime, tz: tzinfo) -> datetime | None:
    """The instant (timezone-aware, in UTC) that `text` states, or None when it states no clock time.

    `posted_at` is when the message was posted (aware); `tz` is the author's zone, used when the text
    names none. Never raises on any text.
    """
    if posted_at.utcoffset() is None:
        raise ValueError("posted_at must be timezone-aware")
    cleaned = _BARE_URL.sub(" ", _SLACK_MARKUP.sub(" ", text))
    try:
        for match in _TIME.finditer(cleaned):
            stated = _read(cleaned, match)
            if stated is not None:
                return _place(stated, posted_at.astimezone(UTC), tz)
    except (_UnreadableError, OverflowError):
        return None
    return None


def _read(text: str, match: re.Match[str]) -> _Stated | None:
    """The time `match` states, or None when it is not a clock time after all."""
    start = match.start()
    before = _DATE_BEFORE.search(text, max(0, start - _LOOKBACK), start)
    iso_t = before is not None and before["iso_t"] is not None
    if text[start - 1 : start] == "T" and not iso_t:
        return None

    end = match.end()
    zone: tzinfo | None = None
    if match["zone"] is not None:
        if match["bare_sign"] not in (None, "+") and not iso_t:
            # "14:19-15:06" is a range, not an offset; only ISO 8601 text gets a bare negative offset.
            end = match.start("zone")
        else:
            zone = _zone(match)

    tail = _RANGE_TAIL.match(text, end)
    tail_hour, tail_minute, tail_pm = _tail_clock(tail)
    tail_zone = _tail_zone(tail)

    meridiem = match["meridiem"] or match["short_meridiem"]
    hour_text = match["hour"] or match["short_hour"] or match["range_hour"] or ""
    if match["word"] is not None:
        if _NOON_WORD_BEFORE.search(text, max(0, start - 20), start) is None:
            return None
        hour, minute, second = (12 if match["word"].lower() == "noon" else 0), 0, 0
    else:
        hour, minute, second = int(hour_text), int(match["minute"] or 0), int(match["second"] or 0)
        if match["range_hour"] is not None and tail_pm is None:
            return None
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem[0] in "pP" else 0)
    elif tail_pm is not None and 1 <= hour <= 12 and not hour_text.startswith("0"):
        # "11-1pm" is 11am, "2-3pm" is 2pm: the first time is PM only if it comes before the second.
        # A leading zero ("02:30-3pm") marks a 24h time, which borrows nothing.
        same_half = (hour % 12, minute) <= (tail_hour % 12, tail_minute)
        hour = hour % 12 + (12 if tail_pm == same_half else 0)
    elif match["range_hour"] is not None:
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    if zone is None:
        zone = tail_zone

    # "ratio 1:10" is no time; "at 1:10", "1:10 UTC", "March 15 1:10" are.
    looks_like_ratio = (
        match["hour"] is not None
        and len(match["hour"]) == 1
        and meridiem is None
        and tail_pm is None
        and zone is None
        and before is None
    )
    if looks_like_ratio and _TIME_WORD_BEFORE.search(text, max(0, start - 20), start) is None:
        return None

    dated = before
    if dated is None:
        dated = _DATE_AFTER.match(text, tail.end() if tail is not None and tail_hour >= 0 else end)
    return _with_date(time(hour, minute, second), zone, dated)


def _tail_clock(tail: re.Match[str] | None) -> tuple[int, int, bool | None]:
    """(hour, minute, is_pm) of a range's second time; hour -1 when it is not a time."""
    if tail is None or (tail["minute"] is None and tail["meridiem"] is None):
        return -1, 0, None
    hour, minute = int(tail["hour"]), int(tail["minute"] or 0)
    if minute > 59:
        return -1, 0, None
    if tail["meridiem"] is None:
        return (hour, minute, None) if hour <= 23 else (-1, 0, None)
    if not 1 <= hour <= 12:
        return -1, 0, None
    return hour, minute, tail["meridiem"][0] in "pP"


def _tail_zone(tail: re.Match[str] | None) -> tzinfo | None:
    if tail is None or tail["zone"] is None or tail["bare_sign"] not in (None, "+"):
        return None
    try:
        return _zone(tail)
    except _UnreadableError:
        return None


def _zone(match: re.Match[str]) -> tzinfo:
    """The zone a match's `zone` group names."""
    if match["zulu"] is not None:
        return UTC
    if match["abbr"] is not None:
        abbr = match["abbr"]
        if abbr in _REGION_ZONES:
            return ZoneInfo(_REGION_ZONES[abbr])
        return _fixed(ZONE_OFFSETS[abbr.upper()])
    prefix = "named" if match["named_sign"] is not None else "bare"
    sign = 1 if match[f"{prefix}_sign"] == "+" else -1
    hours, minutes = int(match[f"{prefix}_hours"]), int(match[f"{prefix}_minutes"] or 0)
    offset = timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or offset > _MAX_OFFSET:
        raise _UnreadableError(match.group("zone"))
    return _fixed(sign * offset)


def _fixed(offset: timedelta) -> tzinfo:
    return UTC if not offset else timezone(offset)


def _with_date(clock: time, zone: tzinfo | None, dated: re.Match[str] | None) -> _Stated:
    if dated is None:
        return _Stated(clock, zone)
    if dated["relative"] is not None:
        relative = dated["relative"].lower()
        days_ago = 2 if "before" in relative else 1 if "yesterday" in relative else 0
        return _Stated(clock, zone, days_ago=days_ago)
    iso = dated["iso_t"] if "iso_t" in dated.re.groupindex else None
    text = iso or dated["date"]
    return _Stated(clock, zone, on=_calendar_date(text), year_stated=_YEAR.search(text) is not None)


def _calendar_date(text: str) -> date:
    """The date an explicit date phrase names; year 2000 (a leap year) when it names none."""
    try:
        if re.fullmatch(_ISO_DATE, text):
            return date_parser.isoparse(text.replace("/", "-")).date()
        parsed = date_parser.parse(text, default=datetime(2000, 1, 1, tzinfo=UTC))
    except (ValueError, OverflowError) as error:
        raise _UnreadableError(text) from error
    day = _DAY_NUMBER.search(_YEAR.sub(" ", text))
    if day is None or parsed.day != int(day.group()):  # dateutil guessed something else
        raise _UnreadableError(text)
    return parsed.date()


def _place(stated: _Stated, posted_at: datetime, tz: tzinfo) -> datetime | None:
    """The UTC instant of `stated`, dated by the rules in the module docstring."""
    zone = tz if stated.zone is None else stated.zone
    local_post = posted_at.astimezone(zone)
    if stated.days_ago is not None:
        day = local_post.date() - timedelta(days=stated.days_ago)
        return _nearest_before(_instants(day, stated.clock, zone), posted_at)
    if stated.on is not None and stated.year_stated:
        return _nearest_before(_instants(stated.on, stated.clock, zone), posted_at)
    if stated.on is not None:
        for year in range(local_post.year, local_post.year - 8, -1):  # 8 years always hold a Feb 29
            try:
                day = stated.on.replace(year=year)
            except ValueError:
                continue
            earlier = [i for i in _instants(day, stated.clock, zone) if i <= posted_at]
            if earlier:
                return max(earlier)
        return None
    for days_back in range(3):  # a skipped calendar day (Samoa, 2011) needs the third
        day = local_post.date() - timedelta(days=days_back)
        earlier = [i for i in _instants(day, stated.clock, zone) if i <= posted_at]
        if earlier:
            return max(earlier)
    return None


def _instants(day: date, clock: time, zone: tzinfo) -> list[datetime]:
    """The UTC instants the wall time `day` `clock` can mean in `zone`: one, or two when a DST change
    repeats it. A wall time a DST change skips moves forward by the gap ("02:30" → 03:30 EDT)."""
    wall = datetime.combine(day, clock, tzinfo=zone)
    if not date_tz.datetime_exists(wall):
        return [date_tz.resolve_imaginary(wall).astimezone(UTC)]
    if date_tz.datetime_ambiguous(wall):
        return sorted({wall.replace(fold=0).astimezone(UTC), wall.replace(fold=1).astimezone(UTC)})
    return [wall.astimezone(UTC)]


def _nearest_before(instants: list[datetime], posted_at: datetime) -> datetime:
    """The latest of `instants` not after the post, else the earliest (an explicit date may be ahead)."""
    earlier = [i for i in instants if i <= posted_at]
    return max(earlier) if earlier else min(instants)
