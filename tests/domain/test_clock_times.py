"""stated_time: the clock time a message states → the aware UTC instant it means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.clock_times import ZONE_OFFSETS, stated_time

NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")

# Thursday 2025-03-20 18:00 UTC = 14:00 EDT in New York = 19:00 CET in Berlin.
POSTED = datetime(2025, 3, 20, 18, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


CASES: list[tuple[str, datetime, tzinfo, datetime | None]] = [
    # --- the forms of a clock time, in the author's zone when the text names none
    ("03:42 the pager fired", POSTED, UTC, utc(2025, 3, 20, 3, 42)),
    ("03:42 the pager fired", POSTED, NY, utc(2025, 3, 20, 7, 42)),
    ("03:42 the pager fired", POSTED, BERLIN, utc(2025, 3, 20, 2, 42)),
    ("3:42am", POSTED, NY, utc(2025, 3, 20, 7, 42)),
    ("3:42 AM", POSTED, UTC, utc(2025, 3, 20, 3, 42)),
    ("2:14pm", POSTED, UTC, utc(2025, 3, 20, 14, 14)),
    ("2:14 P.M. someone merged", POSTED, UTC, utc(2025, 3, 20, 14, 14)),
    ("at 3:42 a.m. the disk filled", POSTED, UTC, utc(2025, 3, 20, 3, 42)),
    ("3pm", POSTED, UTC, utc(2025, 3, 20, 15, 0)),
    ("3:42a", POSTED, UTC, utc(2025, 3, 20, 3, 42)),  # was None: "a"/"p" glued is am/pm
    ("around 3 PM things calmed down", POSTED, UTC, utc(2025, 3, 20, 15, 0)),
    ("5 pm-ish", POSTED, UTC, utc(2025, 3, 20, 17, 0)),
    ("12 am", POSTED, UTC, utc(2025, 3, 21, 0, 0)),  # 6 h ahead: a plan for the coming midnight
    ("12:30 PM", POSTED, UTC, utc(2025, 3, 20, 12, 30)),
    ("14:19:07 ERROR upstream reset", POSTED, UTC, utc(2025, 3, 20, 14, 19, 7)),
    ("14:19:07.532 ERROR", POSTED, UTC, utc(2025, 3, 20, 14, 19, 7)),
    ("*14:19* _deploy_", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("deploy @14:19", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("at 9:30 we paged", POSTED, UTC, utc(2025, 3, 20, 9, 30)),
    ("9:30 UTC", POSTED, UTC, utc(2025, 3, 20, 9, 30)),
    ("around noon", POSTED, NY, utc(2025, 3, 20, 16, 0)),
    ("at midnight", POSTED, UTC, utc(2025, 3, 21, 0, 0)),  # 6 h ahead: a plan
    ("at midnight", utc(2025, 3, 20, 12, 0), UTC, utc(2025, 3, 20, 0, 0)),  # 12 h back
    # --- a zone after the time wins over the author's zone
    ("at 2:14 PM EST the deploy started", POSTED, BERLIN, utc(2025, 3, 20, 19, 14)),  # ahead: a plan
    ("at 2:14 PM EST the deploy started", utc(2025, 3, 20, 20, 5), BERLIN, utc(2025, 3, 20, 19, 14)),
    ("14:19 UTC", POSTED, NY, utc(2025, 3, 20, 14, 19)),
    ("15:06 CEST", POSTED, UTC, utc(2025, 3, 20, 13, 6)),
    ("14:19Z", POSTED, BERLIN, utc(2025, 3, 20, 14, 19)),
    ("14:19 GMT", POSTED, BERLIN, utc(2025, 3, 20, 14, 19)),
    ("14:19 (UTC)", POSTED, NY, utc(2025, 3, 20, 14, 19)),
    ("3pm est", POSTED, UTC, utc(2025, 3, 20, 20, 0)),  # 2 h ahead: a plan
    ("14:19 UTC+2", POSTED, NY, utc(2025, 3, 20, 12, 19)),
    ("09:00 UTC+05:30", POSTED, NY, utc(2025, 3, 20, 3, 30)),
    ("14:19 GMT-5", POSTED, UTC, utc(2025, 3, 20, 19, 19)),  # ahead: a plan
    ("14:19+02:00", POSTED, UTC, utc(2025, 3, 20, 12, 19)),
    ("3pm ET", POSTED, UTC, utc(2025, 3, 20, 19, 0)),  # EDT on that day; 1 h ahead: a plan
    ("14:19 UTC+25", POSTED, UTC, None),  # no such offset
    # --- the date: the reading nearest the post, time ahead counting double (a plan up to 8 h ahead)
    ("19:00", POSTED, UTC, utc(2025, 3, 20, 19, 0)),  # 1 h ahead: a plan, not yesterday
    ("18:00", POSTED, UTC, utc(2025, 3, 20, 18, 0)),  # exactly the post is not after it
    ("18:00:01", POSTED, UTC, utc(2025, 3, 20, 18, 0, 1)),
    ("3 PM", POSTED, NY, utc(2025, 3, 20, 19, 0)),  # 15:00 EDT is still ahead at 14:00 EDT: a plan
    ("19:30", POSTED, BERLIN, utc(2025, 3, 20, 18, 30)),
    ("00:30 JST", POSTED, UTC, utc(2025, 3, 20, 15, 30)),  # posted 03:00 on Mar 21 in Tokyo
    ("23:30 PST", POSTED, UTC, utc(2025, 3, 20, 7, 30)),  # posted 10:00 on Mar 20 in PST
    ("rollback at 11:45 p.m.", POSTED, UTC, utc(2025, 3, 20, 23, 45)),  # 5 h 45 m ahead: a plan
    ("rollback at 11:45 p.m.", utc(2025, 3, 20, 9, 0), UTC, utc(2025, 3, 19, 23, 45)),  # 14 h ahead
    ("23:50", utc(2025, 3, 20, 0, 10), UTC, utc(2025, 3, 19, 23, 50)),  # clearly the day before
    ("00:10", utc(2025, 3, 19, 23, 50), UTC, utc(2025, 3, 20, 0, 10)),  # clearly just after midnight
    ("07:59", utc(2025, 3, 20, 0, 0), UTC, utc(2025, 3, 20, 7, 59)),  # under 8 h ahead: a plan
    ("08:01", utc(2025, 3, 20, 0, 0), UTC, utc(2025, 3, 19, 8, 1)),  # over 8 h ahead: 16 h back
    # --- an explicit date next to the time
    ("on March 15 at 14:19", POSTED, UTC, utc(2025, 3, 15, 14, 19)),
    ("2025-03-15 14:19", POSTED, NY, utc(2025, 3, 15, 18, 19)),
    ("15 March 14:19", POSTED, BERLIN, utc(2025, 3, 15, 13, 19)),
    ("the deploy on 15th of March, 14:19 CET", POSTED, NY, utc(2025, 3, 15, 13, 19)),
    ("Tuesday, March 18th, 2025 at 9:05 am", POSTED, UTC, utc(2025, 3, 18, 9, 5)),
    ("14:19 UTC on March 15", POSTED, NY, utc(2025, 3, 15, 14, 19)),
    ("2025-03-15T14:19:05Z", POSTED, NY, utc(2025, 3, 15, 14, 19, 5)),
    ("2025-03-15T14:19:05-05:00", POSTED, UTC, utc(2025, 3, 15, 19, 19, 5)),
    ("March 20 at 19:00", POSTED, UTC, utc(2025, 3, 20, 19, 0)),  # no year: the nearest, a plan
    ("March 22 at 10:00", POSTED, UTC, utc(2025, 3, 22, 10, 0)),  # not a year back
    ("Dec 31 at 23:00", utc(2025, 1, 1, 12, 0), UTC, utc(2024, 12, 31, 23, 0)),
    ("Dec 31 at 23:00", utc(2025, 1, 1, 12, 0), NY, utc(2025, 1, 1, 4, 0)),
    ("Feb 29 at 10:00", POSTED, UTC, utc(2024, 2, 29, 10, 0)),
    ("2025-12-24 10:00", POSTED, UTC, utc(2025, 12, 24, 10, 0)),  # a stated year is used as is
    ("Feb 30 at 14:19", POSTED, UTC, None),
    ("2025-13-01 14:19", POSTED, UTC, None),
    ("yesterday at 3pm", POSTED, UTC, utc(2025, 3, 19, 15, 0)),
    ("3pm yesterday", POSTED, NY, utc(2025, 3, 19, 19, 0)),
    ("the day before yesterday at 3pm", POSTED, UTC, utc(2025, 3, 18, 15, 0)),
    ("today at 09:00", POSTED, UTC, utc(2025, 3, 20, 9, 0)),
    # --- the first clock time counts; a range takes its first end
    ("14:19 deploy, 15:06 rollback", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("14:19 - 15:06", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("14:19\u201315:06", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("14:19-15:06", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("from 14:19 to 15:06", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("14:19 - 15:06 UTC", POSTED, NY, utc(2025, 3, 20, 14, 19)),  # the zone belongs to both
    ("2-3pm EST", POSTED, UTC, utc(2025, 3, 20, 19, 0)),
    ("11-1pm", POSTED, UTC, utc(2025, 3, 20, 11, 0)),  # 11am to 1pm
    ("9:30-10:15pm", POSTED, UTC, utc(2025, 3, 20, 21, 30)),
    ("02:30-3pm", POSTED, UTC, utc(2025, 3, 20, 2, 30)),  # a leading zero is 24h: no am/pm borrowed
    ("ratio 1:10, then at 14:19 it broke", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    ("25:00 is no time, 14:19 is", POSTED, UTC, utc(2025, 3, 20, 14, 19)),
    # --- text that is not a time
    ("v2.14", POSTED, UTC, None),
    ("a 3:2 ratio", POSTED, UTC, None),
    ("port 8080", POSTED, UTC, None),
    ("10.0.0.1:8080 refused", POSTED, UTC, None),
    ("ratio 1:10", POSTED, UTC, None),
    ("25:00", POSTED, UTC, None),
    ("24:00", POSTED, UTC, None),
    ("12:60", POSTED, UTC, None),
    ("14:19:99", POSTED, UTC, None),
    ("13:00 pm", POSTED, UTC, None),
    ("00:30 am", POSTED, UTC, None),
    ("abc14:19", POSTED, UTC, None),
    ("14:19abc", POSTED, UTC, None),
    ("release 1.2.3", POSTED, UTC, None),
    ("took 3h", POSTED, UTC, None),
    ("midnight deploy", POSTED, UTC, None),
    ("<https://grafana.example.com/d/abc?from=12:30|dash>", POSTED, UTC, None),
    ("see https://grafana.example.com/d/abc?from=12:30", POSTED, UTC, None),
    ("<@U024BE7LH> <#C024BE7LH|inc-1230> <!date^1392734382^{time}|2:39 PM>", POSTED, UTC, None),
    ("", POSTED, UTC, None),
    # --- DST in America/New_York (2025-03-09 spring forward, 2025-11-02 fall back)
    ("02:30", utc(2025, 3, 9, 12, 0), NY, utc(2025, 3, 9, 7, 30)),  # skipped: read as 03:30 EDT
    ("23:30", utc(2025, 3, 10, 3, 0), NY, utc(2025, 3, 10, 3, 30)),  # 30 min ahead: a plan
    ("23:30", utc(2025, 3, 9, 7, 10), NY, utc(2025, 3, 9, 4, 30)),  # day before is still EST
    ("01:30", utc(2025, 11, 2, 7, 0), NY, utc(2025, 11, 2, 6, 30)),  # repeated: the later one
    ("01:30", utc(2025, 11, 2, 6, 10), NY, utc(2025, 11, 2, 5, 30)),  # the later one is ahead
    # --- DST in Europe/Berlin (2025-03-30 spring forward, 2025-10-26 fall back)
    ("02:30", utc(2025, 3, 30, 12, 0), BERLIN, utc(2025, 3, 30, 1, 30)),
    ("14:19", utc(2025, 3, 31, 12, 30), BERLIN, utc(2025, 3, 31, 12, 19)),
    ("02:30", utc(2025, 10, 26, 12, 0), BERLIN, utc(2025, 10, 26, 1, 30)),
    ("02:30", utc(2025, 10, 26, 0, 45), BERLIN, utc(2025, 10, 26, 0, 30)),
]


@pytest.mark.parametrize(
    ("text", "posted_at", "tz", "expected"), CASES, ids=[f"{c[0]!r}@{c[2]}" for c in CASES]
)
def test_stated_time(text: str, posted_at: datetime, tz: tzinfo, expected: datetime | None) -> None:
    got = stated_time(text, posted_at, tz)
    assert got == expected
    if got is not None:
        assert got.tzinfo is UTC


# Every abbreviation, read on a stated date so only the offset decides the instant.
ZONE_CASES = [
    ("EST", utc(2025, 3, 15, 17, 0)),
    ("EDT", utc(2025, 3, 15, 16, 0)),
    ("CST", utc(2025, 3, 15, 18, 0)),
    ("CDT", utc(2025, 3, 15, 17, 0)),
    ("MST", utc(2025, 3, 15, 19, 0)),
    ("MDT", utc(2025, 3, 15, 18, 0)),
    ("PST", utc(2025, 3, 15, 20, 0)),
    ("PDT", utc(2025, 3, 15, 19, 0)),
    ("AKST", utc(2025, 3, 15, 21, 0)),
    ("HST", utc(2025, 3, 15, 22, 0)),
    ("UTC", utc(2025, 3, 15, 12, 0)),
    ("GMT", utc(2025, 3, 15, 12, 0)),
    ("Z", utc(2025, 3, 15, 12, 0)),
    ("BST", utc(2025, 3, 15, 11, 0)),
    ("CET", utc(2025, 3, 15, 11, 0)),
    ("CEST", utc(2025, 3, 15, 10, 0)),
    ("EET", utc(2025, 3, 15, 10, 0)),
    ("EEST", utc(2025, 3, 15, 9, 0)),
    ("IST", utc(2025, 3, 15, 6, 30)),
    ("SGT", utc(2025, 3, 15, 4, 0)),
    ("JST", utc(2025, 3, 15, 3, 0)),
    ("AEST", utc(2025, 3, 15, 2, 0)),
    ("AEDT", utc(2025, 3, 15, 1, 0)),
    # upper case only: several are words
    ("AKDT", utc(2025, 3, 15, 20, 0)),
    ("AST", utc(2025, 3, 15, 16, 0)),
    ("ADT", utc(2025, 3, 15, 15, 0)),
    ("NST", utc(2025, 3, 15, 15, 30)),
    ("NDT", utc(2025, 3, 15, 14, 30)),
    ("WET", utc(2025, 3, 15, 12, 0)),
    ("WEST", utc(2025, 3, 15, 11, 0)),
    ("IDT", utc(2025, 3, 15, 9, 0)),
    ("MSK", utc(2025, 3, 15, 9, 0)),
    ("PKT", utc(2025, 3, 15, 7, 0)),
    ("HKT", utc(2025, 3, 15, 4, 0)),
    ("AWST", utc(2025, 3, 15, 4, 0)),
    ("KST", utc(2025, 3, 15, 3, 0)),
    ("ACST", utc(2025, 3, 15, 2, 30)),
    ("ACDT", utc(2025, 3, 15, 1, 30)),
    ("NZST", utc(2025, 3, 15, 0, 0)),
    ("NZDT", utc(2025, 3, 14, 23, 0)),
]
UPPER_ONLY = {"AKDT", "AST", "ADT", "NST", "NDT", "WET", "WEST", "IDT", "MSK", "PKT", "HKT", "AWST", "KST"}
UPPER_ONLY |= {"ACST", "ACDT", "NZST", "NZDT"}


@pytest.mark.parametrize(("abbr", "expected"), ZONE_CASES)
def test_every_zone_abbreviation(abbr: str, expected: datetime) -> None:
    # The author is in UTC, which goes by none of these names: only the fixed offset decides. (An
    # author whose own zone goes by the name reads it as their wall clock: test_zone_words.py.)
    separator = "" if abbr == "Z" else " "
    assert stated_time(f"2025-03-15 12:00{separator}{abbr}", POSTED, UTC) == expected
    if abbr in UPPER_ONLY:  # "wet", "ast", "msk" in lower case are words: the author's zone applies
        assert stated_time(f"2025-03-15 12:00 {abbr.lower()}", POSTED, UTC) == utc(2025, 3, 15, 12, 0)
    elif abbr != "Z":
        assert stated_time(f"2025-03-15 12:00 {abbr.lower()}", POSTED, UTC) == expected


def test_zone_offsets_are_the_documented_table() -> None:
    assert {name: offset.total_seconds() / 3600 for name, offset in ZONE_OFFSETS.items()} == {
        name: (expected.replace(tzinfo=None) - datetime(2025, 3, 15, 12, 0)).total_seconds() / -3600
        for name, expected in ZONE_CASES
    }
    with pytest.raises(TypeError):
        ZONE_OFFSETS["XST"] = timedelta(0)  # type: ignore[index]


def test_naive_posted_at_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="aware"):
        stated_time("14:19", datetime(2025, 3, 20, 18, 0), UTC)


# ---------------------------------------------------------------- properties

ZONES = [
    UTC,
    NY,
    BERLIN,
    ZoneInfo("Asia/Kolkata"),
    ZoneInfo("Australia/Lord_Howe"),
    ZoneInfo("Pacific/Kiritimati"),
    ZoneInfo("Pacific/Apia"),  # skipped 2011-12-30 entirely
    ZoneInfo("Pacific/Honolulu"),
]
posted_ats = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=0))
author_zones = st.sampled_from(ZONES)

# Fixed zones a phrase may name, with their offsets from UTC in minutes (independent of ZONE_OFFSETS).
STATED_ZONES = {"": None, " UTC": 0, "Z": 0, " EST": -300, " pdt": -420, " IST": 330, " JST": 540}
STATED_ZONES |= {" UTC+14": 840, " GMT-12": -720, " +05:45": 345}
# The names among them an author zone goes by: from that author, the zone's wall clock instead.
OWN_NAMES: dict[str, set[str]] = {"America/New_York": {"EST"}, "Asia/Kolkata": {"IST"}}


@st.composite
def clock_phrases(draw: st.DrawFn) -> tuple[str, int, int, int, int | None]:
    """A valid clock-time phrase with no date: (text, hour, minute, second, stated offset minutes)."""
    hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
    second = draw(st.sampled_from([0, draw(st.integers(0, 59))]))
    twelve = hour % 12 or 12
    forms = [f"{hour:02d}:{minute:02d}", f"{hour:02d}:{minute:02d}:{second:02d}"]
    meridiem = draw(st.sampled_from(["am", "AM", " am", " a.m.", " A.M."]))
    if hour >= 12:
        meridiem = meridiem.replace("a", "p").replace("A", "P")
    forms.append(f"{twelve}:{minute:02d}{meridiem}")
    if minute == 0 and second == 0:
        forms.append(f"{twelve}{meridiem}")
    text = draw(st.sampled_from(forms))
    if ":" not in text or text.count(":") == 1:
        second = 0
    zone = draw(st.sampled_from(sorted(STATED_ZONES)))
    return text + zone, hour, minute, second, STATED_ZONES[zone]


RESERVED = {name.lower() for name in ZONE_OFFSETS} | {"am", "pm", "noon", "midnight", "yesterday", "today"}
RESERVED |= {"et", "ct", "mt", "pt", "tomorrow", "tonight", "morning", "afternoon", "evening", "ago"}
RESERVED |= {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
RESERVED |= {"past", "after", "to", "till", "til", "quarter", "half", "five", "ten", "twenty", "clock"}
RESERVED |= {"took", "lasted", "spent", "elapsed", "duration", "uptime", "runtime", "latency", "ratio"}
RESERVED |= {"timeout", "for", "min", "mins", "minutes", "hours", "hrs", "sec", "secs", "seconds", "ms"}
RESERVED |= {"long", "eastern", "central", "mountain", "pacific"}
words = st.lists(
    st.from_regex(r"[a-z]{1,12}", fullmatch=True).filter(lambda w: w not in RESERVED), max_size=6
)
separators = st.sampled_from([" ", ", ", " (", ") ", " \u2014 ", ". ", "\n"])


@given(text=st.text(), posted_at=posted_ats, tz=author_zones)
def test_never_raises_on_arbitrary_text(text: str, posted_at: datetime, tz: tzinfo) -> None:
    result = stated_time(text, posted_at, tz)
    assert result is None or result.tzinfo is UTC


# Fragments that look like parts of times and dates, glued into near-misses.
TIMEISH = st.sampled_from(
    [
        *("14:19", "3pm", "2:30", "9", "-", "\u2013", " ", "\n", ".", ":", "(", ")", "<", ">", "|"),
        *("UTC", "est", "+02:00", "-05:00", "UTC+14", "Z", "ET", "T", "am", "p.m.", "at", "noon"),
        *("2025-03-15", "March", "15th", "Feb", "29", "12", "99", "yesterday", "on", "and", "to"),
        *("https://", "1:10"),
    ]
)


@settings(max_examples=300)
@given(
    parts=st.lists(TIMEISH, max_size=14),
    glue=st.sampled_from(["", " "]),
    posted_at=posted_ats,
    tz=author_zones,
)
def test_any_result_is_aware_utc_without_microseconds(
    parts: list[str], glue: str, posted_at: datetime, tz: tzinfo
) -> None:
    result = stated_time(glue.join(parts), posted_at.replace(microsecond=123456), tz)
    if result is not None:
        assert result.tzinfo is UTC
        assert result.utcoffset() == timedelta(0)
        assert result.microsecond == 0


@settings(max_examples=300)
@given(
    phrase=clock_phrases(), before=words, after=words, sep=separators, posted_at=posted_ats, tz=author_zones
)
def test_an_undated_time_is_the_reading_nearest_the_post_ahead_counting_double(
    phrase: tuple[str, int, int, int, int | None],
    before: list[str],
    after: list[str],
    sep: str,
    posted_at: datetime,
    tz: tzinfo,
) -> None:
    # Was: always at or before the post, within a day. Now a time less than 8 hours ahead is a plan
    # and anything else its latest occurrence, at most 16 hours back (a DST change moves either by
    # up to an hour).
    text, hour, minute, second, offset_minutes = phrase
    result = stated_time(sep.join([*before, text, *after]), posted_at, tz)
    assert result is not None
    assert posted_at - timedelta(hours=17) <= result <= posted_at + timedelta(hours=9)
    if text.split()[-1].upper() in OWN_NAMES.get(str(tz), set()):
        offset_minutes = None  # "EST" from a New Yorker is New York's wall clock, EDT in summer
    if offset_minutes is not None:  # a fixed stated zone has no DST: the wall time and the bounds are exact
        wall = result + timedelta(minutes=offset_minutes)
        assert (wall.hour, wall.minute, wall.second) == (hour, minute, second)
        assert posted_at - timedelta(hours=16) <= result < posted_at + timedelta(hours=8)


@settings(max_examples=300)
@given(
    phrase=clock_phrases(), before=words, after=words, sep=separators, posted_at=posted_ats, tz=author_zones
)
def test_words_around_a_time_do_not_change_it(
    phrase: tuple[str, int, int, int, int | None],
    before: list[str],
    after: list[str],
    sep: str,
    posted_at: datetime,
    tz: tzinfo,
) -> None:
    alone = stated_time(phrase[0], posted_at, tz)
    assert alone is not None
    assert stated_time(sep.join([*before, phrase[0], *after]), posted_at, tz) == alone
