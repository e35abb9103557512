"""Zone words after a clock time ("EST", "UTC+2", "+05:30", "Europe/Berlin", "CET/CEST", "PT") → a zone.

How a zone word is read, given the author's own zone (their Slack time zone):
- `UTC`, `GMT`, `Z` and explicit offsets (`UTC+2`, `GMT-05:30`, `+05:30`, `+0530`) are exact and
  never reinterpreted: people write them to mean the reference clock. `UTC+2` means two hours *ahead*
  of UTC (dateutil reads it the POSIX way round, as UTC-2).
- An IANA name (`Europe/Berlin`, `America/New_York`) is that zone's wall clock; one this machine
  does not know names no zone, and the author's applies.
- `ET`/`CT`/`MT`/`PT` and `Eastern`/`Central`/`Mountain`/`Pacific` (time) are the US region's wall
  clock: EST or EDT, whichever applies that day.
- A pair (`CET/CEST`, `EST/EDT`, `GMT/BST`) is a region's wall clock: the author's zone when it goes
  by both names, else the region `PAIR_REGIONS` gives.
- An abbreviation the author's own zone goes by at some time of the year is the author's wall clock,
  in season or not. People in New York say "EST" all year: "1pm EST" in October from a New York
  author is 1pm EDT (17:00 UTC). The same settles ambiguous names: "IST" from Kolkata is India, from
  Jerusalem Israel, from Dublin Irish summer time; "BST" from London is British, from Dhaka
  Bangladesh; "CST" from Chicago is US Central, from Shanghai China, from Havana Cuba.
- Any other abbreviation has the fixed offset in `ZONE_OFFSETS`; there IST is India, BST British
  summer time, CST US Central, AST Atlantic. So without an author zone (or from an author elsewhere)
  "1pm EST" is always UTC-5.
The long-standing names are read in any case ("3pm est"); the rest (WET, WEST, MSK, AST…) in upper
case only, since several are words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["PAIR_REGIONS", "ZONE_OFFSETS", "UnreadableZoneError", "zone_named", "zone_pattern"]

_ANY_CASE: Mapping[str, timedelta] = {
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
_UPPER_ONLY: Mapping[str, timedelta] = {
    "AKDT": timedelta(hours=-8),
    "AST": timedelta(hours=-4),
    "ADT": timedelta(hours=-3),
    "NST": timedelta(hours=-3, minutes=-30),
    "NDT": timedelta(hours=-2, minutes=-30),
    "WET": timedelta(0),
    "WEST": timedelta(hours=1),
    "IDT": timedelta(hours=3),
    "MSK": timedelta(hours=3),
    "PKT": timedelta(hours=5),
    "HKT": timedelta(hours=8),
    "AWST": timedelta(hours=8),
    "KST": timedelta(hours=9),
    "ACST": timedelta(hours=9, minutes=30),
    "ACDT": timedelta(hours=10, minutes=30),
    "NZST": timedelta(hours=12),
    "NZDT": timedelta(hours=13),
}
ZONE_OFFSETS: Mapping[str, timedelta] = MappingProxyType({**_ANY_CASE, **_UPPER_ONLY})
"""Zone abbreviations accepted after a clock time, with the fixed UTC offset each has when the
author's own zone does not go by it."""

# Never read as the author's wall clock, whatever the author's zone is called.
_EXACT = frozenset({"UTC", "GMT", "Z"})

# "2pm ET" means whichever of EST/EDT applies that day. Upper case only: "et" is a word.
_REGIONS: Mapping[str, str] = MappingProxyType(
    {
        "ET": "America/New_York",
        "CT": "America/Chicago",
        "MT": "America/Denver",
        "PT": "America/Los_Angeles",
        "eastern": "America/New_York",
        "central": "America/Chicago",
        "mountain": "America/Denver",
        "pacific": "America/Los_Angeles",
    }
)

PAIR_REGIONS: Mapping[frozenset[str], str] = MappingProxyType(
    {
        frozenset({"EST", "EDT"}): "America/New_York",
        frozenset({"CST", "CDT"}): "America/Chicago",
        frozenset({"MST", "MDT"}): "America/Denver",
        frozenset({"PST", "PDT"}): "America/Los_Angeles",
        frozenset({"AKST", "AKDT"}): "America/Anchorage",
        frozenset({"AST", "ADT"}): "America/Halifax",
        frozenset({"NST", "NDT"}): "America/St_Johns",
        frozenset({"GMT", "BST"}): "Europe/London",
        frozenset({"WET", "WEST"}): "Europe/Lisbon",
        frozenset({"CET", "CEST"}): "Europe/Berlin",
        frozenset({"EET", "EEST"}): "Europe/Helsinki",
        frozenset({"IST", "IDT"}): "Asia/Jerusalem",
        frozenset({"AEST", "AEDT"}): "Australia/Sydney",
        frozenset({"ACST", "ACDT"}): "Australia/Adelaide",
        frozenset({"NZST", "NZDT"}): "Pacific/Auckland",
    }
)
"""A pair of names ("CET/CEST") → the region whose wall clock it means when the author is elsewhere."""

# Names people use for a zone that the tz database spells as a bare offset ("+06").
_ALSO_CALLED: Mapping[str, frozenset[str]] = MappingProxyType(
    {"Asia/Dhaka": frozenset({"BST"}), "Asia/Singapore": frozenset({"SGT"})}
)

_MAX_OFFSET = timedelta(hours=14)
_WS = r"[ \t\u00a0]"
_IANA_AREAS = "Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc|US|Canada"


class UnreadableZoneError(ValueError):
    """A zone is stated but names no real offset ("UTC+25")."""


def _names(table: Mapping[str, timedelta]) -> str:
    return "|".join(sorted((n for n in table if n != "Z"), key=len, reverse=True))


def zone_pattern() -> str:
    """The regex (verbose) of a zone after a clock time; its groups are read by `zone_named`."""
    abbr = rf"(?:(?i:{_names(_ANY_CASE)})|{_names(_UPPER_ONLY)})"
    regions = "|".join(name for name in _REGIONS if name.isupper())
    region_words = "|".join(name for name in _REGIONS if name.islower())
    return rf"""(?:
        (?P<zulu>[Zz])
      | {_WS}?(?P<paren>\()?
        (?:
            (?i:UTC|GMT)(?P<named_sign>[-+\u2212])(?P<named_hours>[0-9]{{1,2}})(?::?(?P<named_minutes>[0-9]{{2}}))?
          | (?P<bare_sign>[-+\u2212])(?P<bare_hours>[0-9]{{2}}):?(?P<bare_minutes>[0-9]{{2}})(?![0-9])
          | (?P<pair>{abbr}/{abbr})
          | (?P<iana>(?:{_IANA_AREAS})/[A-Za-z][A-Za-z_+\-0-9]*(?:/[A-Za-z][A-Za-z_\-]*)?)
          | (?P<abbr>{abbr}|{regions})
          | (?P<region>(?:{region_words.title()})(?:{_WS}+(?i:time))?|(?i:{region_words}){_WS}+(?i:time))
        )
        (?(paren)\))
    )"""


def zone_named(match: re.Match[str], author_tz: tzinfo | None, posted_at: datetime) -> tzinfo | None:
    """The zone a match of `zone_pattern` names, read for an author in `author_tz` (None: unknown)
    posting at `posted_at`; None when the words name no zone this machine knows (an unknown IANA name).
    Raises UnreadableZoneError for an offset beyond ±14 hours or with more than 59 minutes."""
    if match["zulu"] is not None:
        return UTC
    if match["abbr"] is not None:
        return _abbreviation(match["abbr"], author_tz, posted_at)
    if match["pair"] is not None:
        first, second = (name.upper() for name in match["pair"].split("/"))
        if author_tz is not None and {first, second} <= _called(author_tz, posted_at):
            return author_tz
        region = PAIR_REGIONS.get(frozenset({first, second}))
        return _iana(region) if region else _abbreviation(first, author_tz, posted_at)
    if match["iana"] is not None:
        return _iana(match["iana"])
    if match["region"] is not None:
        return _iana(_REGIONS[match["region"].split()[0].lower()])
    prefix = "named" if match["named_sign"] is not None else "bare"
    sign = 1 if match[f"{prefix}_sign"] == "+" else -1
    hours, minutes = int(match[f"{prefix}_hours"]), int(match[f"{prefix}_minutes"] or 0)
    offset = timedelta(hours=hours, minutes=minutes)
    if minutes > 59 or offset > _MAX_OFFSET:
        raise UnreadableZoneError(match.group(0))
    return _fixed(sign * offset)


def _abbreviation(name: str, author_tz: tzinfo | None, posted_at: datetime) -> tzinfo | None:
    if name in _REGIONS:
        return _iana(_REGIONS[name])
    upper = name.upper()
    if upper not in _EXACT and author_tz is not None and upper in _called(author_tz, posted_at):
        return author_tz
    return _fixed(ZONE_OFFSETS[upper])


def _called(tz: tzinfo, around: datetime) -> frozenset[str]:
    """Every name `tz` goes by in the year around `around` (both seasons), upper case."""
    return _called_in(tz, around.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0))


@lru_cache(maxsize=512)
def _called_in(tz: tzinfo, month: datetime) -> frozenset[str]:
    names: set[str] = set()
    for days in (-183, -91, 0, 91, 183):
        try:
            name = (month + timedelta(days=days)).astimezone(tz).tzname()
        except (OverflowError, ValueError):
            continue
        if name:
            names.add(name.upper())
    return frozenset(names | _ALSO_CALLED.get(getattr(tz, "key", ""), frozenset()))


@lru_cache(maxsize=256)
def _iana(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _fixed(offset: timedelta) -> tzinfo:
    return UTC if not offset else timezone(offset)
