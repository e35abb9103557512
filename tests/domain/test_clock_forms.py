"""Every clock form incident channels use → the UTC instant it states (or None: not a time at all).

One moment of posting throughout: Thursday 2025-10-09 17:40 UTC, which is 13:40 EDT in New York,
19:40 CEST in Berlin, 18:40 BST in London, 23:10 IST in Kolkata and 01:40 (Friday) in Shanghai.
Most phrases are written by a New York author; a zone column says otherwise. Values were worked out
by hand from the phrase, not taken from the code. Several rows are forms dateutil is known to misread
(its issue numbers in the comments): the UTC+N sign (#70, #1478), "(GMT-04:00)" (#1391), "May
17,2019" (#1000), "11:20 PM - 4 Aug 2015" (#270), EXIF "2024:03:29" (#1446), "26 s" (#1013),
"..._12-26-45.png" (#294), a date range read as an offset (#1229), "lbl2vec ... at 7 pm" (#1189).
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.domain.clock_times import stated_time

POSTED = datetime(2025, 10, 9, 17, 40, tzinfo=UTC)
NY = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
LONDON = ZoneInfo("Europe/London")
DUBLIN = ZoneInfo("Europe/Dublin")
KOLKATA = ZoneInfo("Asia/Kolkata")
JERUSALEM = ZoneInfo("Asia/Jerusalem")
DHAKA = ZoneInfo("Asia/Dhaka")
SHANGHAI = ZoneInfo("Asia/Shanghai")
HAVANA = ZoneInfo("America/Havana")
CHICAGO = ZoneInfo("America/Chicago")
TOKYO = ZoneInfo("Asia/Tokyo")
SYDNEY = ZoneInfo("Australia/Sydney")


def oct_(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 10, day, hour, minute, second, tzinfo=UTC)


def at(year: int, month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


T1702 = oct_(9, 17, 2)  # 13:02 in New York, the answer of many rows

FORMS: list[tuple[str, tzinfo, datetime | None]] = [
    # --- 24-hour and 12-hour clocks, in the author's zone
    ("13:02 errors spiking", NY, T1702),
    ("at 1:02 pm the queue backed up", NY, T1702),
    ("1:02PM", NY, T1702),
    ("1:02 p.m.", NY, T1702),
    ("1:02 P.M. someone merged", NY, T1702),
    ("01:02 cron kicked off", NY, oct_(9, 5, 2)),
    ("9:15 am deploy", NY, oct_(9, 13, 15)),
    ("9am", NY, oct_(9, 13)),
    ("9 AM", NY, oct_(9, 13)),
    ("12:05 PM", NY, oct_(9, 16, 5)),
    ("12:05 AM", NY, oct_(9, 4, 5)),
    ("12pm", NY, oct_(9, 16)),
    ("13:02:45", NY, oct_(9, 17, 2, 45)),
    ("13:02:45.123 ERROR upstream reset", NY, oct_(9, 17, 2, 45)),
    ("13:02:45,123 WARN pool exhausted", NY, oct_(9, 17, 2, 45)),
    ("at 9:05 it paged", NY, oct_(9, 13, 5)),
    ("~9:05 things broke", NY, oct_(9, 13, 5)),
    ("deploy @13:02", NY, T1702),
    ("around 1:30pm-ish", NY, oct_(9, 17, 30)),
    ("*13:02* _deploy_", NY, T1702),
    ("`13:02` deploy", NY, T1702),
    ("13:02: rollback started", NY, T1702),
    ("(13:02) rollback", NY, T1702),
    ("13:02 deploy, 13:30 rollback", NY, T1702),
    # --- shorthand
    ("at 1p", NY, oct_(9, 17)),
    ("standup at 11a", NY, oct_(9, 15)),
    ("1:30p", NY, oct_(9, 17, 30)),
    ("13h05", NY, oct_(9, 17, 5)),
    ("09h30 premier signal", NY, oct_(9, 13, 30)),
    ("1705Z", NY, oct_(9, 17, 5)),
    ("1705 UTC", NY, oct_(9, 17, 5)),
    ("0930 hrs", NY, oct_(9, 13, 30)),
    ("1.30pm", NY, oct_(9, 17, 30)),
    ("13.05 UTC", NY, oct_(9, 13, 5)),
    # --- words
    ("at noon", NY, oct_(9, 16)),
    ("around noon", NY, oct_(9, 16)),
    ("at 12 noon", NY, oct_(9, 16)),
    ("at midday", NY, oct_(9, 16)),
    ("at midnight", NY, oct_(9, 4)),  # 13 h 40 m back; the next midnight is 10 h 20 m ahead
    ("half past one", NY, oct_(9, 17, 30)),  # 13:30, not 01:30: the reading nearest the post
    ("quarter past one", NY, oct_(9, 17, 15)),
    ("quarter to one", NY, oct_(9, 16, 45)),
    ("ten past one", NY, oct_(9, 17, 10)),
    ("twenty-five past twelve", NY, oct_(9, 16, 25)),
    ("1 o'clock", NY, oct_(9, 17)),
    ("one o'clock", NY, oct_(9, 17)),
    ("half past 1 pm", NY, oct_(9, 17, 30)),
    ("10 minutes past 1", NY, oct_(9, 17, 10)),
    ("half past eight", NY, oct_(9, 12, 30)),  # 08:30 (5 h back), not 20:30 (7 h ahead, counts 14)
    ("at 9 this morning", NY, oct_(9, 13)),
    ("at 1 in the afternoon", NY, oct_(9, 17)),
    ("at 11 tonight", NY, oct_(10, 3)),
    ("this morning at 8:15", NY, oct_(9, 12, 15)),
    ("yesterday at 4pm", NY, oct_(8, 20)),
    # --- ranges: the first time, with the second's am/pm and zone
    ("1-2pm", NY, oct_(9, 17)),
    ("11-1pm", NY, oct_(9, 15)),
    ("12:30\u20131:15pm", NY, oct_(9, 16, 30)),
    ("13:00 - 13:30", NY, oct_(9, 17)),
    ("13:00-13:30", NY, oct_(9, 17)),
    ("from 1 to 2pm", NY, oct_(9, 17)),
    ("between 1 and 2pm", NY, oct_(9, 17)),
    ("from 13:00 until 13:30 UTC", NY, oct_(9, 13)),
    ("9:00\u20139:45 (UTC)", NY, oct_(9, 9)),
    ("1pm - 2pm ET", NY, oct_(9, 17)),
    ("13:00-13:30 CEST", NY, oct_(9, 11)),
    # --- dates in several orders
    ("2025-10-09 13:02", NY, T1702),
    ("2025/10/09 13:02", NY, T1702),
    ("2025.10.09 13:02", NY, T1702),
    ("10/09/2025 1:02pm", NY, T1702),  # month first: 9 October is nearer than 10 September
    ("09/10/2025 13:02", BERLIN, oct_(9, 11, 2)),  # day first, in Berlin: 13:02 CEST
    ("10/9 at 1pm", NY, oct_(9, 17)),
    ("09.10.2025 13:02", NY, T1702),  # dots are day first
    ("9 Oct 2025 13:02", NY, T1702),
    ("Oct 9, 2025 at 1:02 PM", NY, T1702),
    ("October 9th at 1pm", NY, oct_(9, 17)),
    ("9th of October, 13:02", NY, T1702),
    ("9-Oct-2025 13:02", NY, T1702),
    ("10/9/25 1:02 PM", NY, T1702),
    ("13/10/2025 13:02", NY, oct_(13, 17, 2)),  # 13 is no month: 13 October
    ("Thu, 09 Oct 2025 17:02:00 +0000", NY, T1702),
    ("Thu, 09 Oct 2025 13:02:00 -0400", BERLIN, T1702),
    ("2025-10-09T13:02:00-04:00", BERLIN, T1702),
    ("2025-10-09T17:02:00Z", NY, T1702),
    ("2025-10-09T17:02Z", NY, T1702),
    ("2025-10-09T13:02", NY, T1702),
    ("13:02 UTC on October 9", NY, oct_(9, 13, 2)),
    ("on Monday at 14:00", NY, oct_(6, 18)),
    ("last Tuesday 9am", NY, oct_(7, 13)),
    ("Wed 13:02", NY, oct_(8, 17, 2)),
    ("13:02 on Tuesday", NY, oct_(7, 17, 2)),
    ("yesterday 23:50", NY, oct_(9, 3, 50)),
    ("the day before yesterday at 9am", NY, oct_(7, 13)),
    ("tomorrow at 9am", NY, oct_(10, 13)),
    ("13:02 today", NY, T1702),
    ("May 17,2019 at 8:21:00AM", NY, at(2019, 5, 17, 12, 21)),  # dateutil #1000 drops the year
    ("Mar 24, 2022, 7:49:10 PM (8 days ago)", NY, at(2022, 3, 24, 23, 49, 10)),  # dateutil #1201
    ("11:20 PM - 4 Aug 2015", NY, at(2015, 8, 5, 3, 20)),  # dateutil #270
    ("2024:03:29 07:19:05", NY, at(2024, 3, 29, 11, 19, 5)),  # EXIF; dateutil #1446 drops the date
    ("2025-1-9 13:02", NY, at(2025, 1, 9, 18, 2)),  # dateutil #1409; EST in January
    ("2014-04-12 13:00:10 hkhakhsak 12", NY, at(2014, 4, 12, 17, 0, 10)),  # dateutil #161
    ("lbl2vec retrain at 7 pm", NY, oct_(9, 23)),  # dateutil #1189 took "2" for the day
    ("Feb 30 at 13:02", NY, None),
    ("2025-13-01 13:02", NY, None),
    # --- zone names and offsets
    ("17:02 UTC", NY, T1702),
    ("17:02Z", NY, T1702),
    ("17:02 GMT", NY, T1702),
    ("17:02 (UTC)", BERLIN, T1702),
    ("19:02 UTC+2", NY, T1702),
    ("19:02 GMT+2", NY, T1702),  # dateutil #70: POSIX sign, read as UTC-2
    ("12:02 UTC-5", NY, T1702),  # dateutil #1478
    ("22:32 +05:30", NY, T1702),
    ("22:32 UTC+05:30", NY, T1702),
    ("22:32 UTC+0530", NY, T1702),
    ("19:02 +0200", NY, T1702),
    ("1:02 PM (GMT-04:00)", BERLIN, T1702),  # dateutil #1391
    ("19:02 Europe/Berlin", NY, T1702),
    ("1:02pm America/New_York", BERLIN, T1702),
    ("10:02 PT", NY, T1702),
    ("10:02 Pacific", NY, T1702),
    ("1:02pm Eastern time", BERLIN, T1702),
    ("12:02 CT", NY, T1702),
    ("11:02 MT", NY, T1702),
    ("19:02 CET/CEST", NY, T1702),
    ("1:02 PM EST/EDT", BERLIN, T1702),
    ("1:02 PM EDT", BERLIN, T1702),
    ("1pm EST", NY, oct_(9, 17)),  # est_in_october: a New Yorker's EST in October is EDT
    ("1pm est", NY, oct_(9, 17)),
    ("1pm EST", BERLIN, oct_(9, 18)),  # from elsewhere EST is UTC-5 (20 minutes ahead: a plan)
    ("1pm EST", UTC, oct_(9, 18)),
    ("12pm CST", CHICAGO, oct_(9, 17)),  # CDT in October
    ("12pm CST", BERLIN, oct_(9, 18)),
    ("1:02 AM CST", SHANGHAI, T1702),  # China Standard Time, UTC+8
    ("13:02 CST", HAVANA, T1702),  # Cuba, on daylight time (UTC-4) in October
    ("22:32 IST", KOLKATA, T1702),  # India
    ("20:02 IST", JERUSALEM, T1702),  # Israel, on daylight time (UTC+3) in October
    ("18:02 IST", DUBLIN, T1702),  # Irish Standard Time is their summer time, UTC+1
    ("22:32 IST", UTC, T1702),  # no author zone: India
    ("18:02 BST", LONDON, T1702),
    ("23:02 BST", DHAKA, T1702),  # Bangladesh Standard Time, UTC+6
    ("18:02 BST", UTC, T1702),
    ("18:02 GMT", LONDON, oct_(9, 18, 2)),  # GMT is exact, even in a British summer
    ("19:02 CET", BERLIN, T1702),  # a Berliner's CET in October is CEST
    ("19:02 CET", NY, oct_(9, 18, 2)),
    ("02:02 JST", TOKYO, T1702),
    ("04:02 AEDT", SYDNEY, T1702),
    ("04:02 AEST", SYDNEY, T1702),  # a Sydneysider's AEST in October is AEDT
    ("04:02 AEST", UTC, oct_(9, 18, 2)),
    ("17:02 UTC", KOLKATA, T1702),
    ("13:02", BERLIN, oct_(9, 11, 2)),
    ("22:32", KOLKATA, T1702),
    ("01:02", SHANGHAI, T1702),
    # --- relative to the post
    ("paged 20 min ago", NY, oct_(9, 17, 20)),
    ("started an hour ago", NY, oct_(9, 16, 40)),
    ("half an hour ago it spiked", NY, oct_(9, 17, 10)),
    ("2h ago", NY, oct_(9, 15, 40)),
    # --- plans: the instant stated, after the post (the timeline keeps such entries at their post)
    ("failover at 13:50", NY, oct_(9, 17, 50)),
    ("ETA 14:30", NY, oct_(9, 18, 30)),
    ("next update at 3pm", NY, oct_(9, 19)),
    # --- not times at all
    ("v2.14", NY, None),
    ("release 1.10.0 is out", NY, None),
    ("upgrading to 14.05", NY, None),
    ("port 8080 refused", NY, None),
    ("localhost:8080", NY, None),
    ("10.0.0.1:8080 refused", NY, None),
    ("ratio 1:10", NY, None),
    ("a 3:2 split", NY, None),
    ("aspect 16:9", NY, None),
    ("see https://grafana.example.com/d/abc?from=12:30", NY, None),
    ("<https://grafana.example.com/d/x?from=13:02|dash>", NY, None),
    ("<@U0ELLA> <#C0FIELD|inc-1302>", NY, None),
    ("down for 5 minutes", NY, None),
    ("took 1:30 to recover", NY, None),
    ("took 2h30", NY, None),
    ("down for 12h30", NY, None),
    ("uptime 14:22:01", NY, None),
    ("13:30 mins of downtime", NY, None),
    ("error rate 99.95%", NY, None),
    ("CPU at 12.50%", NY, None),
    ("p99 is 1.2s", NY, None),
    ("HTTP 503 from 10.0.0.12", NY, None),
    ("MAC 00:1a:2b:3c:4d:5e", NY, None),
    ("fe80::1:2", NY, None),
    ("build 20251009.1302", NY, None),
    ("step 1a of the runbook", NY, None),
    ("26 s", NY, None),  # dateutil #1013: 26 seconds past midnight today
    ("Screenshot_2016-09-07_12-26-45.png", NY, None),  # dateutil #294: -45 h offset
    ("2017-01-23/2017-01-29", NY, None),  # dateutil #1229: -29 h offset
    ("201A-01-01T23:58:39", NY, None),  # dateutil #353: a year that is not one
    ("midnight deploy", NY, None),
    ("25:00", NY, None),
    ("24:00", NY, None),
    ("12:60", NY, None),
    ("13:00 pm", NY, None),
    ("at 9", NY, None),
    ("scaled from ten to five pods", NY, None),
    ("Q3 2025 roadmap", NY, None),
    ("", NY, None),
]


@pytest.mark.parametrize(
    ("text", "tz", "expected"), FORMS, ids=[f"{i:03d}:{text!r}@{tz}" for i, (text, tz, _) in enumerate(FORMS)]
)
def test_clock_form(text: str, tz: tzinfo, expected: datetime | None) -> None:
    got = stated_time(text, POSTED, tz)
    assert got == expected
    if got is not None:
        assert got.tzinfo is UTC


def test_the_table_is_large_and_has_no_duplicates() -> None:
    assert len(FORMS) >= 150
    assert len({(text, str(tz)) for text, tz, _ in FORMS}) == len(FORMS)
