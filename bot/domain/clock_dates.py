"""Calendar days next to a clock time ("on Oct 9", "2025-10-09", "09.10.2025", "10/9", "yesterday",
"on Monday") → the days they can mean around a post.

Read here, not by dateutil, which guesses: it takes "May 17,2019" for this year, reads the day of
"27.08" and drops the month, and fills whatever it does not find from today. A phrase this module
cannot read exactly is no date.

Forms, each in any case:
- ISO-like, year first: `2025-10-09`, `2025/10/09`, `2025.10.09`, `2025:10:09` (EXIF), `2025-1-9`.
- Numeric, year last: `09.10.2025` is day first (dots are European); `10/09/2025`, `10/9/25`,
  `10-09-2025` and year-less `10/9` are month first or day first: a part over 12 settles it, else
  both readings are kept and the one nearest the post wins.
- Month names: `Oct 9`, `October 9th, 2025`, `May 17,2019`, `9 Oct`, `9th of October 2025`, `9-Oct-2025`.
- `today`, `yesterday`, `the day before yesterday`, `3 days ago`, `tomorrow`, `tonight`,
  `this morning`/`afternoon`/`evening`.
- A weekday: `Monday`, `Mon` (capitalised), `last Monday`, `next Monday`: the nearest such day to
  the post, the latest one before it, or the first one after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

__all__ = ["DATE_AFTER", "DATE_BEFORE", "DAY_PART", "Dated", "UnreadableDateError", "dated_by", "read_date"]

_WS = r"[ \t\u00a0]"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:[12][0-9]|3[01]|0?[1-9])(?:st|nd|rd|th)?"
_YEAR_AFTER = rf"(?:,?{_WS}*[0-9]{{4}}(?![0-9]))"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = (
    r"(?:(?i:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?:Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?)"
)

DAY_PART = (
    rf"(?i:in{_WS}+the{_WS}+(?:morning|afternoon|evening)|this{_WS}+(?:morning|afternoon|evening)|tonight)"
)
"""Words that say which half of the day a bare hour is in ("at 9 this morning", "10:30 tonight")."""

RELATIVE_DAY = (
    rf"(?i:(?:(?:the{_WS}+)?day{_WS}+before{_WS}+)?yesterday|today|tomorrow"
    rf"|tonight|this{_WS}+(?:morning|afternoon|evening)|[0-9]{{1,2}}{_WS}+days?{_WS}+ago)"
)

_ISO = r"[0-9]{4}(?:-[0-9]{1,2}-|/[0-9]{1,2}/|\.[0-9]{1,2}\.|:[0-9]{2}:)[0-9]{1,2}(?![0-9])"
_NUMERIC = (
    r"[0-9]{1,2}(?:\.[0-9]{1,2}\.[0-9]{4}|-[0-9]{1,2}-[0-9]{4}|/[0-9]{1,2}/(?:[0-9]{4}|[0-9]{2}))(?![0-9])"
    r"|[0-9]{1,2}/[0-9]{1,2}(?![0-9/])"
)
DATE = (
    rf"(?:{_ISO}|{_NUMERIC}"
    rf"|(?i:{_MONTH}\.?{_WS}+{_DAY}(?![0-9]){_YEAR_AFTER}?"
    rf"|{_DAY}(?:{_WS}+of)?{_WS}+{_MONTH}\.?{_YEAR_AFTER}?"
    rf"|[0-9]{{1,2}}-{_MONTH}-(?:[0-9]{{4}}|[0-9]{{2}})(?![0-9]))"
    rf"|(?:(?i:last|next|this){_WS}+)?{_WEEKDAY})"
)
"""A calendar date phrase (no groups); `read_date` reads what it matched."""

# A date just before a time: "2025-03-15T", "March 15 at ", "yesterday, around ". Searched up to
# the time's start (`endpos`), hence `\Z`.
DATE_BEFORE = re.compile(
    rf"""
    (?<![^\W_])
    (?:
        (?P<iso_t>[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}})T
      | (?:(?P<date>{DATE}) | (?<!(?i:before){_WS})(?P<relative>{RELATIVE_DAY}))
        (?:{_WS}*,)?{_WS}*(?:(?i:at|around|about|from|by){_WS}+|@{_WS}*)?
    )\Z
    """,
    re.VERBOSE,
)

# A date just after a time (or a range's end): " on Tue, March 18", " yesterday", " - 4 Aug 2015".
DATE_AFTER = re.compile(
    rf"""
    (?:{_WS}*,)?{_WS}+(?:-{_WS}+)?
    (?:
        (?i:on{_WS}+)?(?:(?i:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?{_WS}+)?(?P<date>{DATE})
      | (?P<relative>{RELATIVE_DAY})
    )
    (?![^\W_]|[-/][0-9])
    """,
    re.VERBOSE,
)

_ISO_PARTS = re.compile(r"([0-9]{4})[-/.:]([0-9]{1,2})[-/.:]([0-9]{1,2})")
_NUMERIC_PARTS = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})(?:[./-]([0-9]{4}|[0-9]{2}))?")
_NAMED_PARTS = re.compile(
    rf"(?i:(?P<m1>[a-z]+)\.?{_WS}+(?P<d1>[0-9]{{1,2}})[a-z]*"
    rf"|(?P<d2>[0-9]{{1,2}})[a-z]*(?:{_WS}+of)?{_WS}+(?P<m2>[a-z]+)\.?"
    rf"|(?P<d3>[0-9]{{1,2}})-(?P<m3>[a-z]+)-(?P<y3>[0-9]{{4}}|[0-9]{{2}}))"
    rf"(?:,?{_WS}*(?P<year>[0-9]{{4}}))?"
)
_WEEKDAY_PARTS = re.compile(rf"(?i:(?:(?P<which>last|next|this){_WS}+)?(?P<name>[a-z]+)\.?)")


class UnreadableDateError(ValueError):
    """A date phrase names no real day ("Feb 30", "2025-13-01")."""


@dataclass(frozen=True, slots=True)
class Dated:
    """What a date phrase says about the day a clock time is on."""

    days_ago: int | None = None  # today 0, yesterday 1, the day before yesterday 2, tomorrow -1
    dates: tuple[tuple[int | None, int, int], ...] = ()  # (year or None when not stated, month, day)
    weekday: int | None = None  # Monday 0
    direction: int = 0  # for a weekday: -1 last, +1 next, 0 nearest

    def days(self, posted_on: date) -> list[date]:
        """The days this can mean for a post on `posted_on` (in the zone the time is read in)."""
        if self.days_ago is not None:
            return [posted_on - timedelta(days=self.days_ago)]
        if self.weekday is not None:
            ahead = (self.weekday - posted_on.weekday()) % 7
            if self.direction < 0:
                return [posted_on - timedelta(days=(7 - ahead) or 7)]
            if self.direction > 0:
                return [posted_on + timedelta(days=ahead or 7)]
            return [posted_on + timedelta(days=ahead), posted_on + timedelta(days=ahead - 7)]
        days: list[date] = []
        for year, month, day in self.dates:
            years = [year] if year is not None else range(posted_on.year - 8, posted_on.year + 9)
            for y in years:
                try:
                    days.append(date(y, month, day))
                except ValueError:
                    continue
        return days


def relative(text: str) -> Dated:
    """A phrase matched by `RELATIVE_DAY`: `yesterday` → Dated(days_ago=1), `3 days ago` → 3 …"""
    words = text.lower().split()
    if words[0].isdigit():
        return Dated(days_ago=int(words[0]))
    if "before" in words:
        return Dated(days_ago=2)
    if "yesterday" in words:
        return Dated(days_ago=1)
    if "tomorrow" in words:
        return Dated(days_ago=-1)
    return Dated(days_ago=0)


def dated_by(found: re.Match[str]) -> Dated | None:
    """What a match of `DATE_BEFORE` or `DATE_AFTER` says about the day."""
    if found["relative"] is not None:
        return relative(found["relative"])
    iso = found["iso_t"] if "iso_t" in found.re.groupindex else None
    return read_date(iso or found["date"])


def read_date(text: str) -> Dated | None:
    """The days a phrase matched by `DATE` names; None when a year-less `A/B` is no date at all
    ("50/50"). Raises UnreadableDateError for a date that names no day ("Feb 30", "2025-13-01")."""
    text = text.strip()
    if parts := _ISO_PARTS.fullmatch(text):
        year, month, day = map(int, parts.groups())
        return _checked(((year, month, day),), text)
    if parts := _NUMERIC_PARTS.fullmatch(text):
        first, separator, second, year_text = parts.groups()
        stated_year = _year(year_text) if year_text else None
        a, b = int(first), int(second)
        if separator == ".":
            return _checked(((stated_year, b, a),), text)
        # Month first (10/9) or day first (9/10): a part over 12 settles it, else both stay.
        readings = {(stated_year, a, b), (stated_year, b, a)}
        valid = tuple(sorted(r for r in readings if 1 <= r[1] <= 12 and _exists(r)))
        if not valid and stated_year is None:
            return None  # "50/50 at 14:00": a ratio, not a date
        if not valid:
            raise UnreadableDateError(text)
        return Dated(dates=valid)
    if parts := _NAMED_PARTS.fullmatch(text):
        month_name = parts["m1"] or parts["m2"] or parts["m3"]
        day_text = parts["d1"] or parts["d2"] or parts["d3"]
        year_text = parts["year"] or parts["y3"]
        named_month = _month(month_name)
        if named_month is None:
            raise UnreadableDateError(text)
        return _checked(((_year(year_text) if year_text else None, named_month, int(day_text)),), text)
    if parts := _WEEKDAY_PARTS.fullmatch(text):
        name = parts["name"].lower()
        weekday = next((i for i, full in enumerate(_WEEKDAYS) if full.startswith(name[:3])), None)
        if weekday is None:
            raise UnreadableDateError(text)
        which = (parts["which"] or "").lower()
        return Dated(weekday=weekday, direction=-1 if which == "last" else 1 if which == "next" else 0)
    raise UnreadableDateError(text)


def _month(name: str) -> int | None:
    key = name[:3].lower()
    return _MONTHS.index(key) + 1 if key in _MONTHS else None


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def _exists(reading: tuple[int | None, int, int]) -> bool:
    year, month, day = reading
    try:
        date(2000 if year is None else year, month, day)  # 2000 is a leap year: Feb 29 exists
    except ValueError:
        return False
    return True


def _checked(readings: tuple[tuple[int | None, int, int], ...], text: str) -> Dated:
    if not all(_exists(r) for r in readings):
        raise UnreadableDateError(text)
    return Dated(dates=readings)
