"""Zone words read for the author's own zone: an abbreviation used out of season, ambiguous names
(IST, BST, CST), pairs, regions and IANA names, in winter and in summer (bot.domain.clock_zones)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from bot.domain.clock_times import stated_time

# Posted at noon UTC in each season, on a date stated in the text so that only the zone decides.
WINTER = datetime(2025, 1, 15, 23, 0, tzinfo=UTC)
SUMMER = datetime(2025, 7, 15, 23, 0, tzinfo=UTC)


def z(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def utc(month: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, month, 15, hour, minute, tzinfo=UTC)


CASES: list[tuple[str, datetime, tzinfo, datetime]] = [
    # --- the author's own zone goes by the name: its wall clock, in season or out of it
    ("12:00 EST", SUMMER, z("America/New_York"), utc(7, 16)),  # EDT in July
    ("12:00 EST", WINTER, z("America/New_York"), utc(1, 17)),
    ("12:00 EDT", WINTER, z("America/New_York"), utc(1, 17)),  # the reverse: EDT said in January
    ("12:00 EST", SUMMER, z("America/Toronto"), utc(7, 16)),  # another zone that goes by EST/EDT
    ("12:00 EST", SUMMER, z("America/Detroit"), utc(7, 16)),
    ("12:00 CST", SUMMER, z("America/Chicago"), utc(7, 17)),
    ("12:00 CDT", WINTER, z("America/Chicago"), utc(1, 18)),
    ("12:00 CST", SUMMER, z("America/Regina"), utc(7, 18)),  # Saskatchewan keeps CST all year
    ("12:00 MST", SUMMER, z("America/Denver"), utc(7, 18)),
    ("12:00 MST", SUMMER, z("America/Phoenix"), utc(7, 19)),  # Arizona keeps MST all year
    ("12:00 PST", SUMMER, z("America/Los_Angeles"), utc(7, 19)),
    ("12:00 PDT", WINTER, z("America/Los_Angeles"), utc(1, 20)),
    ("12:00 CET", SUMMER, z("Europe/Berlin"), utc(7, 10)),  # CEST in July
    ("12:00 CEST", WINTER, z("Europe/Paris"), utc(1, 11)),
    ("12:00 BST", WINTER, z("Europe/London"), utc(1, 12)),  # GMT in January
    ("12:00 EET", SUMMER, z("Europe/Helsinki"), utc(7, 9)),
    ("12:00 AEST", WINTER, z("Australia/Sydney"), utc(1, 1)),  # AEDT in the southern summer
    ("12:00 AEDT", SUMMER, z("Australia/Sydney"), utc(7, 2)),
    # --- ambiguous names, settled by the author's zone
    ("12:00 IST", SUMMER, z("Asia/Kolkata"), utc(7, 6, 30)),  # India Standard Time
    ("12:00 IST", WINTER, z("Asia/Jerusalem"), utc(1, 10)),  # Israel Standard Time
    ("12:00 IST", SUMMER, z("Asia/Jerusalem"), utc(7, 9)),  # out of season: IDT
    ("12:00 IST", SUMMER, z("Europe/Dublin"), utc(7, 11)),  # Irish Standard Time (their summer)
    ("12:00 IST", WINTER, z("Europe/Dublin"), utc(1, 12)),  # out of season: GMT
    ("12:00 BST", SUMMER, z("Europe/London"), utc(7, 11)),  # British Summer Time
    ("12:00 BST", SUMMER, z("Asia/Dhaka"), utc(7, 6)),  # Bangladesh Standard Time
    ("12:00 CST", SUMMER, z("Asia/Shanghai"), utc(7, 4)),  # China Standard Time
    ("12:00 CST", WINTER, z("America/Havana"), utc(1, 17)),  # Cuba Standard Time
    ("12:00 CST", SUMMER, z("America/Havana"), utc(7, 16)),  # out of season: Cuba's CDT
    ("12:00 SGT", SUMMER, z("Asia/Singapore"), utc(7, 4)),
    # --- an author elsewhere, or none: the name's fixed offset, as before
    ("12:00 EST", SUMMER, z("Europe/Berlin"), utc(7, 17)),
    ("12:00 EST", SUMMER, UTC, utc(7, 17)),
    ("12:00 EST", SUMMER, timezone(timedelta(hours=-4)), utc(7, 17)),  # a fixed offset goes by no name
    ("12:00 IST", SUMMER, z("America/New_York"), utc(7, 6, 30)),  # India
    ("12:00 BST", WINTER, z("America/New_York"), utc(1, 11)),  # British Summer Time
    ("12:00 CST", SUMMER, z("Europe/Berlin"), utc(7, 18)),  # US Central
    ("12:00 CET", SUMMER, z("Europe/London"), utc(7, 11)),
    # --- UTC, GMT, Z and offsets are exact, whoever writes them
    ("12:00 GMT", SUMMER, z("Europe/London"), utc(7, 12)),
    ("12:00 GMT", SUMMER, z("Europe/Dublin"), utc(7, 12)),
    ("12:00 UTC", SUMMER, z("America/New_York"), utc(7, 12)),
    ("12:00Z", SUMMER, z("Asia/Kolkata"), utc(7, 12)),
    ("12:00 UTC+2", SUMMER, z("Europe/Berlin"), utc(7, 10)),
    ("12:00 GMT-3", WINTER, z("America/Sao_Paulo"), utc(1, 15)),
    ("12:00 +05:45", SUMMER, z("Asia/Kathmandu"), utc(7, 6, 15)),
    # --- pairs and regions: a region's wall clock
    ("12:00 EST/EDT", SUMMER, UTC, utc(7, 16)),
    ("12:00 EST/EDT", WINTER, UTC, utc(1, 17)),
    ("12:00 CET/CEST", SUMMER, z("America/New_York"), utc(7, 10)),
    ("12:00 CET/CEST", WINTER, UTC, utc(1, 11)),
    ("12:00 GMT/BST", SUMMER, UTC, utc(7, 11)),
    ("12:00 PST/PDT", SUMMER, z("Europe/Berlin"), utc(7, 19)),
    ("12:00 AEST/AEDT", WINTER, UTC, utc(1, 1)),
    ("12:00 ET", SUMMER, UTC, utc(7, 16)),
    ("12:00 ET", WINTER, UTC, utc(1, 17)),
    ("12:00 PT", WINTER, z("Europe/Berlin"), utc(1, 20)),
    ("12:00 Central time", SUMMER, UTC, utc(7, 17)),
    ("12:00 Mountain", WINTER, UTC, utc(1, 19)),
    ("12:00 Europe/London", SUMMER, z("America/New_York"), utc(7, 11)),
    ("12:00 Asia/Kolkata", SUMMER, UTC, utc(7, 6, 30)),
    ("12:00 (America/Sao_Paulo)", SUMMER, UTC, utc(7, 15)),
    ("12:00 Etc/GMT+5", SUMMER, UTC, utc(7, 17)),  # the tz database's POSIX sign: UTC-5
]


@pytest.mark.parametrize(
    ("words", "posted_at", "tz", "expected"), CASES, ids=[f"{c[0]}@{c[2]}@{c[1]:%b}" for c in CASES]
)
def test_zone_words(words: str, posted_at: datetime, tz: tzinfo, expected: datetime) -> None:
    month = posted_at.month
    assert stated_time(f"2025-{month:02d}-15 {words}", posted_at, tz) == expected


def test_est_in_october_from_a_new_yorker() -> None:
    """The field case: "around 1pm EST", posted 13:40 EDT on 2025-10-09 by a New York author, is
    17:00 UTC that day (it was placed a day early, at 18:00 UTC on the 8th)."""
    posted = datetime(2025, 10, 9, 17, 40, tzinfo=UTC)
    text = "reports export started failing around 1pm EST"
    assert stated_time(text, posted, z("America/New_York")) == datetime(2025, 10, 9, 17, tzinfo=UTC)
    # Without the author's zone, EST keeps its fixed UTC-5: 18:00 UTC, a plan 20 minutes ahead.
    assert stated_time(text, posted, UTC) == datetime(2025, 10, 9, 18, tzinfo=UTC)


def test_an_unknown_iana_name_falls_back_to_the_authors_zone() -> None:
    posted = datetime(2025, 7, 15, 23, 0, tzinfo=UTC)
    got = stated_time("2025-07-15 12:00 Europe/Atlantis", posted, z("Europe/Berlin"))
    assert got == utc(7, 10)


@pytest.mark.parametrize("word", ["wet", "west", "msk", "ast", "kst"])
def test_newer_names_are_upper_case_only(word: str) -> None:
    """ "12:00 west" is not Western European Summer Time; the time is read in the author's zone."""
    posted = datetime(2025, 7, 15, 23, 0, tzinfo=UTC)
    assert stated_time(f"2025-07-15 12:00 {word}", posted, UTC) == utc(7, 12)
