"""Due dates: reading the ones people type, and writing them back unambiguously.

Pure: no wall clock. Functions that need "today" take it. `format_due` writes a date back with its
weekday (`Fri 2026-12-04`), `echo_due` adds how far away it is, `take_due` reads one at the start
of a command.

`parse_due` reads, case-insensitively:
- Absolute, read by python-dateutil with a fixed `default` (never the clock): `2026-12-01`,
  `2026/12/01`, `Dec 1`, `December 1st`, `1 Dec`, `Dec 1, 2026`, `12/01` and `12/01/2026`
  (slashes are US month/day; two-digit years are refused as ambiguous). A date without a year is
  the next one on or after today: `Dec 1` read on Dec 2 means next year's (a `Feb 29` the next
  leap year's).
- Relative: `today`, `tomorrow`, `in 3 days`, `in 2 weeks`, `in 1 month` (`a`/`an` work for 1;
  a month later is clamped to the month's last day), `eow`/`end of week`, `eom`/`end of month`.
- `eow` is this week's Friday (today on a Friday); on Saturday and Sunday it is the next Friday.
  `eom` is the last day of this month (today on that day).
- Weekdays (full names or `mon`, `tue`/`tues`, `wed`, `thu`/`thur`/`thurs`, `fri`, `sat`, `sun`):
  `friday` is the first Friday strictly after today, so `friday` said on a Friday is a week away
  (use `today` for today); `this friday` is the first Friday on or after today; `next friday` is
  the Friday of next week (weeks run Monday to Sunday): said on a Wednesday it is 9 days away,
  not 2. The reply echoes the date understood, so a misreading is visible at once.
- A date before today is refused ("… is in the past"); today is allowed.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from typing import Final

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from bot.domain.errors import UserError

__all__ = [
    "DUE_EXAMPLES",
    "WEEKDAY_ABBREVIATIONS",
    "WEEKDAY_NAMES",
    "echo_due",
    "format_due",
    "parse_due",
    "take_due",
]

DUE_EXAMPLES: Final = "2026-12-01, Dec 1, 12/01, friday, next friday, tomorrow, in 2 weeks, eow or eom"

_MAX_WORDS_IN_DUE = 4
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4})"
# Shapes that mean "this is a calendar date"; python-dateutil then reads it. Anything else is not
# handed to dateutil at all: it would happily read "may" as May 1st or "99" as 1999.
_ABSOLUTE = (
    re.compile(r"(?P<year>[0-9]{4})[-/](?P<month>[0-9]{1,2})[-/](?P<day>[0-9]{1,2})", re.ASCII),
    re.compile(r"(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})(?:/(?P<year>[0-9]{4}))?", re.ASCII),
    re.compile(rf"{_MONTHS}\.? {_DAY}(?:,? {_YEAR})?", re.ASCII),
    re.compile(rf"{_DAY} (?:of )?{_MONTHS}\.?(?:,? {_YEAR})?", re.ASCII),
)
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}", re.ASCII)
_IN = re.compile(
    r"in (?P<n>[0-9]{1,6}|an?|one|two|three|four|five|six) "
    r"(?P<unit>days?|weeks?|wks?|months?)",
    re.ASCII,
)
_NUMBER_WORDS = MappingProxyType(
    {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
)
_WEEKDAYS = MappingProxyType(
    {
        **dict.fromkeys(("mon", "monday"), 0),
        **dict.fromkeys(("tue", "tues", "tuesday"), 1),
        **dict.fromkeys(("wed", "weds", "wednesday"), 2),
        **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
        **dict.fromkeys(("fri", "friday"), 4),
        **dict.fromkeys(("sat", "saturday"), 5),
        **dict.fromkeys(("sun", "sunday"), 6),
    }
)
_WEEKDAY = re.compile(rf"(?:(?P<which>this|next) )?(?P<name>{'|'.join(_WEEKDAYS)})", re.ASCII)
_EOW = frozenset({"eow", "end of week", "end of the week"})
_EOM = frozenset({"eom", "end of month", "end of the month"})
_FRIDAY = 4
# English, whatever the process locale (calendar.day_abbr follows LC_TIME).
WEEKDAY_ABBREVIATIONS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _normalise(text: str) -> str:
    return " ".join(text.split()).strip(".,;:").strip().lower()


def format_due(due: date) -> str:
    """`Fri 2026-12-04`: unambiguous in every locale, with the weekday people plan by."""
    return f"{WEEKDAY_ABBREVIATIONS[due.weekday()]} {due.isoformat()}"


def echo_due(due: date, today: date) -> str:
    """The date understood, for the reply: `Fri 2026-12-04 (tomorrow)`, `… (in 9 days)`."""
    days = (due - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    if days < 0:
        when = f"{-days} day{'s' if days != -1 else ''} ago"
    return f"{format_due(due)} ({when})"


def _unreadable(text: str) -> UserError:
    return UserError(f"I can't read “{text.strip()}” as a due date. Try {DUE_EXAMPLES}.")


def _read_due(text: str, today: date) -> date | None:
    """The date `text` names (possibly in the past), or None when it is not a due date at all.

    Raises UserError for text shaped like a date that is not one (`13/01`, `Feb 30`)."""
    norm = _normalise(text)
    try:
        return _read_normalised(norm, text, today)
    except (OverflowError, ValueError) as error:  # far beyond year 9999
        raise UserError(f"“{text.strip()}” is too far away to be a due date.") from error


def _read_normalised(norm: str, text: str, today: date) -> date | None:
    if norm == "today":
        return today
    if norm == "tomorrow":
        return today + timedelta(days=1)
    if norm in _EOW:
        # Friday of this week; on a weekend, of the next one.
        return today + timedelta(days=(_FRIDAY - today.weekday()) % 7)
    if norm in _EOM:
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if m := _IN.fullmatch(norm):
        n = _NUMBER_WORDS.get(m["n"]) or int(m["n"])
        unit = m["unit"]
        if unit.startswith("d"):
            return today + timedelta(days=n)
        if unit.startswith("w"):
            return today + timedelta(weeks=n)
        return today + relativedelta(months=n)
    if m := _WEEKDAY.fullmatch(norm):
        return _weekday(today, _WEEKDAYS[m["name"]], m["which"])
    if _TWO_DIGIT_YEAR.fullmatch(norm):
        raise UserError(f"“{text.strip()}”: write the year in full (12/01/2026) or leave it out (12/01).")
    for shape in _ABSOLUTE:
        if m := shape.fullmatch(norm):
            return _absolute(norm, m, text, today)
    return None


def _weekday(today: date, weekday: int, which: str | None) -> date:
    ahead = (weekday - today.weekday()) % 7
    if which == "this":
        return today + timedelta(days=ahead)
    if which == "next":
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return today + timedelta(days=ahead or 7)


def _absolute(norm: str, m: re.Match[str], text: str, today: date) -> date:
    has_year = m["year"] is not None
    # A fixed default so dateutil never reads the clock; 2000 is a leap year, so "Feb 29" reads.
    default = datetime(2000, 1, 1, tzinfo=UTC)
    try:
        parsed = date_parser.parse(norm, default=default, dayfirst=False, yearfirst=True).date()
    except (ValueError, OverflowError) as error:
        hint = " Dates with slashes are month/day, as in 12/01 for December 1st." if "/" in norm else ""
        raise UserError(f"“{text.strip()}” is not a date on the calendar.{hint}") from error
    if parsed.day != int(m["day"]):  # dateutil guessed something other than what was written
        raise _unreadable(text)
    if has_year:
        return parsed
    for year in range(today.year, today.year + 9):  # any 8 consecutive years hold a Feb 29
        try:
            candidate = parsed.replace(year=year)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise UserError(f"“{text.strip()}” is too far away to be a due date.")  # only past year 9999


def _check_not_past(due: date, text: str, today: date) -> date:
    if due < today:
        raise UserError(
            f"“{text.strip()}” is {format_due(due)}, which is in the past. "
            f"Pick today ({format_due(today)}) or later."
        )
    return due


def parse_due(text: str, today: date) -> date:
    """The due date `text` names (see the module docstring). UserError when unreadable or past."""
    due = _read_due(text, today)
    if due is None:
        raise _unreadable(text)
    return _check_not_past(due, text, today)


_WORD = re.compile(r"\S+")


def take_due(text: str, today: date) -> tuple[date, str] | None:
    """The due date at the start of `text` and the rest of it as typed, or None if it starts with none.

    The longest run of up to four words that reads as a date wins: `next friday P1 …`,
    `Dec 1 Add …`, `in 2 weeks Add …`. A run shaped like a date that is invalid or in the past
    raises UserError rather than falling back to a shorter reading (`Dec 1 2020` is not `Dec 1`).
    """
    ends = [m.end() for m in _WORD.finditer(text)][:_MAX_WORDS_IN_DUE]
    for end in reversed(ends):
        prefix = text[:end]
        due = _read_due(prefix, today)
        if due is not None:
            return _check_not_past(due, prefix, today), text[end:]
    return None
