"""Clock times stated in message text ("at 2:14 PM EST") → the aware UTC instant they name, and
whether that instant may place its message on the timeline.

People post in incident channels long after the fact; the timeline places such a message at the time
it states. The regexes here only *find* a candidate and are deliberately strict; dates are read by
`clock_dates`, zone words by `clock_zones` (which documents how "EST", "IST", "CET/CEST", "UTC+2" or
"Europe/Berlin" are read for the author's zone).

What counts as a clock time (the first one in the text counts):
- `H:MM` / `HH:MM[:SS[.fff]]` (24h), with or without am/pm (`2:14 p.m.`, `2:30p`); a bare hour with
  am/pm (`3pm`, `3 PM`, and `2p` / `11a` after "at", "by", "~"… or before a zone); `2.30pm` or
  `14.05 UTC` (a dot needs am/pm or a zone); `14h05`; `1405Z` / `1405 UTC` / `1405 hrs`; "at noon",
  "at midnight", "at midday"; spoken forms ("half past two", "quarter to four", "ten past five",
  "3 o'clock"), and a bare hour with a part of the day ("at 9 this morning", "10 tonight").
  A single-digit `1:10` reads as a ratio unless a zone, a date or a word like "at" / "around" / "@"
  marks it a time. After "took", "lasted", "uptime"… or before "min", "hours"… it is a duration.
- In a range ("2-3pm", "14:19 - 15:06 UTC") the first time counts and borrows the second's am/pm and zone.
- A spoken time without am/pm ("half past two") is 2:30 or 14:30, whichever is nearer the post.
- With no clock time, "20 min ago" / "an hour ago" is that long before the post, to the minute.

Which day (in the zone the time is read in): the reading nearest the post, time after the post
counting double (a report of the past is likelier than a plan). Undated, a time less than 8 hours
ahead is a plan for later ("failover at 18:10" posted 18:05 is 18:10 that day, "00:10" posted at
23:50 just after midnight); otherwise it is the latest one before the post, at most 16 hours back
("23:50" posted at 00:10 is the day before, "03:42" posted at 18:00 the same morning). An adjacent
date ("on March 15", "2025-03-15T", "yesterday", "on Monday", see `clock_dates`) picks the day; a date
without a year, or one that reads day-first and month-first, takes the reading nearest the post. A
wall time a DST change repeats is the later of its two instants not after the post; one it skips
moves forward by the gap.

Whether the instant places its message (`trusted`): not when it is more than `PLAN_GRACE` (2 minutes:
a watch running a little fast) after the post, which makes it a plan, nor when it is more than
`TRUST_WINDOW` (7 days) from the post either way, which is more likely a misreading or another event.
Such a message stays at its posting time, its text (with the stated time) shown as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from bot.domain.clock_dates import (
    DATE_AFTER,
    DATE_BEFORE,
    DAY_PART,
    Dated,
    UnreadableDateError,
    dated_by,
)
from bot.domain.clock_zones import ZONE_OFFSETS, UnreadableZoneError, zone_named, zone_pattern

__all__ = ["PLAN_GRACE", "TRUST_WINDOW", "ZONE_OFFSETS", "stated_time", "trusted"]

PLAN_GRACE = timedelta(minutes=2)
"""A stated time up to this much after its post is what the author's clock read, not a plan."""
TRUST_WINDOW = timedelta(days=7)
"""A stated time further than this from its post, either way, does not move its message."""

_AHEAD_WEIGHT = 2  # time after the post counts double: a report of the past is likelier than a plan
_LOOKBACK = 80  # characters before a time searched for its date
_WS = r"[ \t\u00a0]"
_MERIDIEM = r"[AaPp]\.?[Mm]\.?"
# am/pm, spaced or glued, or a lone lower-case a/p glued to the number ("2p", "11:30a").
_AMPM = rf"(?:{_WS}?{_MERIDIEM}|[ap](?![^\W_]))"
_NOT_GLUED_AFTER = r"(?![^\W_]|[.:][0-9]|%)"  # no letter/digit, no ".5" or ":99" tail, no "%"
_HOUR_WORDS = (
    *("one", "two", "three", "four", "five", "six"),
    *("seven", "eight", "nine", "ten", "eleven", "twelve"),
)
_MINUTE_WORDS = {"quarter": 15, "half": 30, "five": 5, "ten": 10, "twenty": 20}
_SPOKEN_HOUR = rf"(?i:{'|'.join(_HOUR_WORDS)})(?![^\W_])|[0-9]{{1,2}}"
_OCLOCK = rf"(?i:o['\u2019]?{_WS}?clock)"
_RANGE_SEP = rf"(?:{_WS}*(?:--?|[\u2013\u2014]){_WS}*|{_WS}+(?i:to|until|till|through|and){_WS}+)"

_TIME = re.compile(
    rf"""
    (?: (?<=[0-9]T) | (?<![^\W_])(?<![.:/\\#=&?%+$])(?<![0-9][-/.]) )
    (?:
        (?:
            (?P<hour>[0-9]{{1,2}}):(?P<minute>[0-9]{{2}})
            (?::(?P<second>[0-9]{{2}})(?:\.[0-9]{{1,9}}|,[0-9]{{3}}(?![0-9]))?)?(?P<meridiem>{_AMPM})?
          | (?P<dot_hour>[0-9]{{1,2}})\.(?P<dot_minute>[0-9]{{2}})(?P<dot_meridiem>{_AMPM})?
          | (?P<h_hour>[0-9]{{2}})[hH](?P<h_minute>[0-9]{{2}})
          | (?P<mil_hour>[01][0-9]|2[0-3])(?P<mil_minute>[0-5][0-9])
            (?=Z(?![^\W_])|{_WS}?(?:UTC|GMT)(?![^\W_])|{_WS}?hrs(?![^\W_]))
          | (?P<short_hour>[0-9]{{1,2}})(?P<short_meridiem>{_AMPM})
          | (?P<word>(?i:noon|midnight|midday))
          | (?P<spoken>
                (?:(?P<sp_words>(?i:quarter|half|five|ten|twenty(?:[- ]five)?))
                  |(?P<sp_number>[0-9]{{1,2}}){_WS}+(?i:minutes?|mins?))
                {_WS}+(?P<sp_rel>(?i:past|after|to|till|til)){_WS}+
                (?P<sp_hour>{_SPOKEN_HOUR})(?:{_WS}*{_OCLOCK})?
              | (?P<oclock_hour>{_SPOKEN_HOUR}){_WS}*{_OCLOCK}
            )
            (?P<sp_meridiem>{_WS}?{_MERIDIEM})?
        )
        (?P<zone>{zone_pattern()})?
      | (?P<range_hour>[0-9]{{1,2}})(?={_RANGE_SEP}[0-9]{{1,2}}(?::[0-9]{{2}})?{_AMPM})
      | (?P<bare_hour>[0-9]{{1,2}})  # a time only next to a part of the day: "at 9 this morning"
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
    (?P<meridiem>{_AMPM})?
    (?P<zone>{zone_pattern()})?
    {_NOT_GLUED_AFTER}
    """,
    re.VERBOSE,
)

# What makes a bare single-digit "3:42" (or "2p") a time rather than a ratio, and "noon" a time of day.
_TIME_WORD_BEFORE = re.compile(
    rf"(?:(?<![^\W_])(?i:at|around|about|approx\.?|approximately|by|since|from|until|till|before|after)"
    rf"{_WS}+|[@~]{_WS}*)\Z"
)
_NOON_WORD_BEFORE = re.compile(
    rf"(?<![^\W_])(?i:at|around|about|by|since|until|till|after|before){_WS}+(?:12{_WS}+)?\Z"
)
# What makes a time-shaped number a duration: "took 1:30", "uptime 14:22:01", "1:30 min".
_DURATION_BEFORE = re.compile(
    rf"(?<![^\W_])(?P<word>(?i:took|lasted|spent|elapsed|duration|uptime|runtime|latency|ratio|timeout|for))"
    rf":?{_WS}+(?:(?i:about|around|roughly|~){_WS}*)?\Z"
)
_DURATION_AFTER = re.compile(
    rf"{_WS}*(?i:min|mins|minutes|hours|hrs|sec|secs|seconds|ms|elapsed|long)(?![^\W_])"
)
_HALF_OF_DAY = re.compile(r"(?i)morning|afternoon|evening|tonight")
_DAY_PART_AFTER = re.compile(rf"{_WS}+(?P<part>{DAY_PART})(?![^\W_])")
_AGO = re.compile(
    rf"(?<![\w.:])(?:(?P<number>[0-9]{{1,3}})|(?P<an>(?i:an?|one))|(?P<half>(?i:half{_WS}+an)))"
    rf"{_WS}*(?P<unit>(?i:minutes?|mins?|m|hours?|hrs?|h)){_WS}+(?i:ago)(?![^\W_])"
)

# Slack markup (<@U123>, <#C123|x>, <https://…|label>, <!date^…>) and bare URLs hold no stated time.
_SLACK_MARKUP = re.compile(r"<[^<>\n]*>")
_BARE_URL = re.compile(r"(?i)(?<![^\W_])[a-z][a-z0-9+.\-]*://\S*")


@dataclass(frozen=True, slots=True)
class _Stated:
    clocks: tuple[time, ...]  # one, or the am and pm readings of a spoken time without either
    zone: tzinfo | None
    dated: Dated | None = None


def stated_time(text: str, posted_at: datetime, tz: tzinfo) -> datetime | None:
    """The instant (timezone-aware, in UTC) that `text` states, or None when it states no clock time.

    `posted_at` is when the message was posted (aware); `tz` is the author's zone, used when the text
    names none and to read zone abbreviations (see `clock_zones`). The instant may lie after the post
    (a plan) or far from it: `trusted` says whether it should place the message. Never raises on text.
    """
    if posted_at.utcoffset() is None:
        raise ValueError("posted_at must be timezone-aware")
    posted = posted_at.astimezone(UTC)
    cleaned = _BARE_URL.sub(" ", _SLACK_MARKUP.sub(" ", text))
    try:
        for match in _TIME.finditer(cleaned):
            stated = _read(cleaned, match, tz, posted)
            if stated is not None:
                return _place(stated, posted, tz)
    except (UnreadableDateError, UnreadableZoneError, OverflowError):
        return None
    return _ago(cleaned, posted)


def trusted(stated_at: datetime, posted_at: datetime) -> bool:
    """Whether a stated instant may place its message: it is not a plan (more than `PLAN_GRACE` after
    the post) and not more than `TRUST_WINDOW` away from the post."""
    ahead = stated_at - posted_at
    return ahead <= PLAN_GRACE and -ahead <= TRUST_WINDOW


def _read(text: str, match: re.Match[str], tz: tzinfo, posted_at: datetime) -> _Stated | None:
    """The time `match` states, or None when it is not a clock time after all."""
    start, end = match.start(), match.end()
    before = DATE_BEFORE.search(text, max(0, start - _LOOKBACK), start)
    iso_t = before is not None and before["iso_t"] is not None
    if text[start - 1 : start] == "T" and not iso_t:
        return None
    duration = _DURATION_BEFORE.search(text, max(0, start - 30), start)
    if duration is not None and (match["h_hour"] is not None or duration["word"].lower() != "for"):
        return None  # "took 1:30", "down for 12h30"; but "scheduled for 14:00" is a time

    zone: tzinfo | None = None
    zone_stated = False
    if match["zone"] is not None:
        if match["bare_sign"] not in (None, "+") and not iso_t and ":" in match["zone"]:
            # "14:19-15:06" is a range, not an offset; a bare negative offset needs ISO 8601 text
            # ("2025-03-15T14:19-05:00") or the compact form ("13:02:00 -0400").
            end = match.start("zone")
        else:
            zone, zone_stated = zone_named(match, tz, posted_at), True

    tail = _RANGE_TAIL.match(text, end)
    tail_clock = _tail_clock(tail)
    day_part = _DAY_PART_AFTER.match(text, end)
    part = day_part["part"] if day_part else (before["relative"] or "") if before else ""
    part_pm = None if not _HALF_OF_DAY.search(part) else "morning" not in part.lower()

    clock = _clock(text, match, tail_clock, part_pm)
    if clock is None:
        return None
    hour, minute, second, open_half = clock
    if hour > 23 or minute > 59 or second > 59:
        return None
    if zone is None and not zone_stated:
        zone = _tail_zone(tail, tz, posted_at)
    has_zone = zone_stated or zone is not None

    time_word = _TIME_WORD_BEFORE.search(text, max(0, start - 20), start) is not None
    if match["hour"] is not None and not match["meridiem"] and tail_clock[2] is None and not has_zone:
        if _DURATION_AFTER.match(text, end) is not None:
            return None  # "1:30 min"
        # "ratio 1:10" is no time; "at 1:10", "1:10 UTC", "March 15 1:10" are.
        if len(match["hour"]) == 1 and before is None and part_pm is None and not time_word:
            return None
    if match["dot_hour"] is not None and not match["dot_meridiem"] and not has_zone:
        return None  # "14.05" alone is a version or a number
    if len((match["short_meridiem"] or "").strip()) == 1 and not has_zone and not time_word:
        return None  # "step 1a", "phase 2p"; but "at 2p" is a time

    dated: Dated | None = None
    if before is not None:
        dated = dated_by(before)
    else:
        after = DATE_AFTER.match(text, tail.end() if tail is not None and tail_clock[0] >= 0 else end)
        if after is not None:
            dated = dated_by(after)
    if open_half:  # "half past two": 02:30 or 14:30, whichever is nearer the post
        return _Stated((time(hour % 12, minute), time(hour % 12 + 12, minute)), zone, dated)
    return _Stated((time(hour, minute, second),), zone, dated)


def _clock(
    text: str,
    match: re.Match[str],
    tail: tuple[int, int, bool | None],
    part_pm: bool | None,
) -> tuple[int, int, int, bool] | None:
    """(hour, minute, second, whether am or pm is still open) of the time `match` states."""
    start = match.start()
    if match["word"] is not None:
        if _NOON_WORD_BEFORE.search(text, max(0, start - 20), start) is None:
            return None
        return (0 if match["word"].lower() == "midnight" else 12), 0, 0, False
    if match["spoken"] is not None:
        return _spoken(match, part_pm)
    if match["bare_hour"] is not None:
        if part_pm is None:
            return None
        hour = int(match["bare_hour"])
        return (hour % 12 + (12 if part_pm else 0), 0, 0, False) if 1 <= hour <= 12 else None
    hour_text = (
        match["hour"] or match["dot_hour"] or match["h_hour"] or match["mil_hour"] or match["short_hour"]
    ) or match["range_hour"]
    minute = int(match["minute"] or match["dot_minute"] or match["h_minute"] or match["mil_minute"] or 0)
    second = int(match["second"] or 0)
    meridiem = (match["meridiem"] or match["dot_meridiem"] or match["short_meridiem"] or "").strip()
    hour = int(hour_text)
    tail_hour, tail_minute, tail_pm = tail
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        return hour % 12 + (12 if meridiem[0] in "pP" else 0), minute, second, False
    if tail_pm is not None and 1 <= hour <= 12 and not hour_text.startswith("0"):
        # "11-1pm" is 11am, "2-3pm" is 2pm: the first time is PM only if it comes before the second.
        # A leading zero ("02:30-3pm") marks a 24h time, which borrows nothing.
        same_half = (hour % 12, minute) <= (tail_hour % 12, tail_minute)
        return hour % 12 + (12 if tail_pm == same_half else 0), minute, second, False
    if match["range_hour"] is not None:
        return None
    if part_pm is not None and 1 <= hour <= 12 and not hour_text.startswith("0"):
        return hour % 12 + (12 if part_pm else 0), minute, second, False  # "10:30 tonight"
    return hour, minute, second, False


def _spoken(match: re.Match[str], part_pm: bool | None) -> tuple[int, int, int, bool] | None:
    """ "half past two", "quarter to 4", "ten past five pm", "3 o'clock": 12-hour, am/pm maybe open."""
    hour_text = (match["sp_hour"] or match["oclock_hour"]).lower()
    hour = _HOUR_WORDS.index(hour_text) + 1 if hour_text in _HOUR_WORDS else int(hour_text)
    if not 1 <= hour <= 12:
        return None
    minute = 0
    if match["sp_rel"] is not None:
        words = (match["sp_words"] or "").lower().replace("-", " ")
        minute = int(match["sp_number"]) if match["sp_number"] else _MINUTE_WORDS[words.split()[0]]
        minute += 5 if words == "twenty five" else 0
        to = match["sp_rel"].lower() not in ("past", "after")
        if (to and words not in ("quarter", "")) or minute > 59 or (not to and minute == 0):
            return None  # "ten to five" may be a count ("from ten to five pods"); "half to" is no time
        if to:
            minute, hour = 60 - minute, hour - 1 or 12
    meridiem = (match["sp_meridiem"] or "").strip()
    if meridiem:
        return hour % 12 + (12 if meridiem[0] in "pP" else 0), minute, 0, False
    if part_pm is not None:
        return hour % 12 + (12 if part_pm else 0), minute, 0, False
    return hour, minute, 0, True


def _tail_clock(tail: re.Match[str] | None) -> tuple[int, int, bool | None]:
    """(hour, minute, is_pm) of a range's second time; hour -1 when it is not a time."""
    if tail is None or (tail["minute"] is None and tail["meridiem"] is None):
        return -1, 0, None
    hour, minute = int(tail["hour"]), int(tail["minute"] or 0)
    if minute > 59:
        return -1, 0, None
    meridiem = (tail["meridiem"] or "").strip()
    if not meridiem:
        return (hour, minute, None) if hour <= 23 else (-1, 0, None)
    if not 1 <= hour <= 12:
        return -1, 0, None
    return hour, minute, meridiem[0] in "pP"


def _tail_zone(tail: re.Match[str] | None, tz: tzinfo, posted_at: datetime) -> tzinfo | None:
    if tail is None or tail["zone"] is None or tail["bare_sign"] not in (None, "+"):
        return None
    try:
        return zone_named(tail, tz, posted_at)
    except UnreadableZoneError:
        return None


def _place(stated: _Stated, posted_at: datetime, tz: tzinfo) -> datetime | None:
    """The UTC instant of `stated` nearest the post, time ahead of it counting double."""
    zone = tz if stated.zone is None else stated.zone
    local_day = posted_at.astimezone(zone).date()
    if stated.dated is not None:
        readings = _readings(stated.dated.days(local_day), stated.clocks, zone, posted_at)
    else:
        readings = _readings(
            [local_day + timedelta(days=n) for n in (-1, 0, 1)], stated.clocks, zone, posted_at
        )
        if len(set(readings)) < len(readings):
            # A skipped calendar day (Samoa, 2011-12-30) reads as the next one: look a day further out.
            far = [local_day + timedelta(days=n) for n in (-2, 2)]
            readings += _readings(far, stated.clocks, zone, posted_at)

    def cost(one: datetime) -> tuple[timedelta, datetime]:
        return (posted_at - one if one <= posted_at else _AHEAD_WEIGHT * (one - posted_at)), one

    return min(readings, key=cost, default=None)


def _readings(
    days: list[date], clocks: tuple[time, ...], zone: tzinfo, posted_at: datetime
) -> list[datetime]:
    """One instant per day and clock: of a wall time a DST change repeats, the later one not after
    the post (else the earlier)."""
    readings = []
    for day in days:
        for clock in clocks:
            try:
                instants = _instants(day, clock, zone)
            except (OverflowError, ValueError):
                continue
            earlier = [i for i in instants if i <= posted_at]
            readings.append(max(earlier) if earlier else min(instants))
    return readings


def _instants(day: date, clock: time, zone: tzinfo) -> list[datetime]:
    """The UTC instants the wall time `day` `clock` can mean in `zone`: one, or two when a DST change
    repeats it. A wall time a DST change skips moves forward by the gap ("02:30" → 03:30 EDT)."""
    first = datetime.combine(day, clock, tzinfo=zone)  # fold=0: the offset before a change (PEP 495)
    early, late = first.astimezone(UTC), first.replace(fold=1).astimezone(UTC)
    if early == late:
        return [early]
    if early.astimezone(zone).replace(tzinfo=None) == first.replace(tzinfo=None):
        return sorted((early, late))  # repeated: both exist
    return [max(early, late)]  # skipped: read with the offset before the gap, i.e. moved forward


def _ago(text: str, posted_at: datetime) -> datetime | None:
    """ "20 min ago", "an hour ago", "half an hour ago" → that long before the post, to the minute."""
    found = _AGO.search(text)
    if found is None:
        return None
    unit = found["unit"].lower()
    minutes = 60 if unit.startswith("h") else 1
    if found["half"]:
        span = timedelta(minutes=30 if unit.startswith("h") else 0)
    else:
        span = timedelta(minutes=minutes * (int(found["number"]) if found["number"] else 1))
    if not span:
        return None
    return (posted_at - span).replace(second=0, microsecond=0)
