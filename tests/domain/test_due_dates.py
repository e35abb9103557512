"""Due dates: what people type, read against a given today; the dates written back."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.due_dates import echo_due, format_due, parse_due, take_due
from bot.domain.errors import UserError

WED = date(2026, 11, 25)  # a Wednesday
THU = date(2026, 11, 26)
FRI = date(2026, 11, 27)
SAT = date(2026, 11, 28)
SUN = date(2026, 11, 29)
MON = date(2026, 11, 30)

# ----------------------------------------------------------------------------------- parse_due

DUE_CASES: list[tuple[str, date, date]] = [
    # --- absolute dates, read by dateutil
    ("2026-12-01", WED, date(2026, 12, 1)),
    ("2026/12/01", WED, date(2026, 12, 1)),
    ("Dec 1", WED, date(2026, 12, 1)),
    ("dec 1", WED, date(2026, 12, 1)),
    ("Dec. 1", WED, date(2026, 12, 1)),
    ("December 1st", WED, date(2026, 12, 1)),
    ("1 Dec", WED, date(2026, 12, 1)),
    ("1st of December", WED, date(2026, 12, 1)),
    ("Dec 1, 2027", WED, date(2027, 12, 1)),
    ("December 1st 2027", WED, date(2027, 12, 1)),
    ("12/01", WED, date(2026, 12, 1)),  # US month/day, not 12 January
    ("1/12", WED, date(2027, 1, 12)),  # 12 January; already past this year, so next year's
    ("12/01/2026", WED, date(2026, 12, 1)),
    # --- a date without a year is the next one on or after today
    ("Nov 24", WED, date(2027, 11, 24)),
    ("Nov 25", WED, WED),  # today is not in the past
    ("Jan 5", WED, date(2027, 1, 5)),
    ("Feb 29", WED, date(2028, 2, 29)),  # the next Feb 29 that exists
    # --- relative
    ("today", WED, WED),
    ("tomorrow", WED, THU),
    ("Tomorrow", SUN, MON),
    ("in 3 days", WED, SAT),
    ("in 2 weeks", WED, date(2026, 12, 9)),
    ("in a week", WED, date(2026, 12, 2)),
    ("in 1 month", WED, date(2026, 12, 25)),
    ("in 1 month", date(2027, 1, 31), date(2027, 2, 28)),  # clamped to the month's last day
    ("in 2 months", date(2027, 12, 31), date(2028, 2, 29)),
    ("eow", WED, FRI),
    ("end of week", WED, FRI),
    ("eom", WED, MON),
    ("end of the month", date(2028, 2, 3), date(2028, 2, 29)),
    ("eom", date(2026, 12, 31), date(2026, 12, 31)),  # on the last day: today
    # --- weekdays
    ("friday", WED, FRI),
    ("fri", WED, FRI),
    ("this friday", WED, FRI),
    ("next friday", WED, date(2026, 12, 4)),  # the Friday of next week, not the day after tomorrow
    ("Monday", WED, MON),
    ("next monday", WED, MON),  # next week's Monday is also the coming one
    ("next wednesday", WED, date(2026, 12, 2)),
    ("wednesday", WED, date(2026, 12, 2)),  # a weekday name never means today
    ("  Next   FRIDAY  ", WED, date(2026, 12, 4)),
]

# The weekday rules on the days where they differ.
WEEKDAY_EDGE_CASES: list[tuple[str, date, date]] = [
    ("friday", THU, FRI),
    ("next friday", THU, date(2026, 12, 4)),
    ("friday", FRI, date(2026, 12, 4)),  # "friday" said on a Friday is a week away …
    ("this friday", FRI, FRI),  # … "this friday" is today …
    ("next friday", FRI, date(2026, 12, 4)),  # … and "next friday" is next week's
    ("friday", SAT, date(2026, 12, 4)),
    ("next friday", SAT, date(2026, 12, 4)),
    ("next friday", SUN, date(2026, 12, 4)),
    ("next friday", MON, date(2026, 12, 11)),
    ("friday", MON, date(2026, 12, 4)),
    ("eow", THU, FRI),
    ("eow", FRI, FRI),  # this week's Friday is today
    ("eow", SAT, date(2026, 12, 4)),  # weekend: next Friday
    ("eow", SUN, date(2026, 12, 4)),
    ("eow", MON, date(2026, 12, 4)),
]


@pytest.mark.parametrize(("text", "today", "expected"), DUE_CASES + WEEKDAY_EDGE_CASES)
def test_parse_due(text: str, today: date, expected: date) -> None:
    assert parse_due(text, today) == expected


PAST_CASES: list[tuple[str, date]] = [
    ("2025-12-01", WED),
    ("11/24/2026", WED),
    ("Nov 24, 2026", WED),
    ("2026-11-24", WED),
    ("Dec 1 2020", WED),
]


@pytest.mark.parametrize(("text", "today"), PAST_CASES)
def test_a_past_date_is_refused(text: str, today: date) -> None:
    with pytest.raises(UserError, match="is in the past"):
        parse_due(text, today)


UNREADABLE = [
    "",
    "   ",
    "blah",
    "next",
    "soon",
    "asap",
    "may",
    "99",
    "2026",
    "yesterday",
    "in two fortnights",
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_text_is_refused_with_examples(text: str) -> None:
    with pytest.raises(UserError, match=r"2026-12-01, Dec 1, 12/01.*in 2 weeks.*eow"):
        parse_due(text, WED)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("13/01", "month/day"),  # day/month is not guessed
        ("31/12", "month/day"),
        ("Feb 30", "not a date on the calendar"),
        ("2026-13-01", "not a date on the calendar"),
        ("Dec 0", "not a date on the calendar"),
        ("12/01/26", "year in full"),
        ("in 999999 weeks", "too far away"),
    ],
)
def test_date_shaped_nonsense_gets_a_specific_reason(text: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_due(text, WED)


def test_dates_are_read_against_the_given_today_not_the_clock() -> None:
    assert parse_due("Dec 1", date(2030, 6, 1)) == date(2030, 12, 1)
    assert parse_due("Dec 1", date(2030, 12, 2)) == date(2031, 12, 1)
    assert parse_due("tomorrow", date(2040, 2, 28)) == date(2040, 2, 29)


def test_format_and_echo() -> None:
    assert format_due(date(2026, 12, 4)) == "Fri 2026-12-04"
    assert echo_due(date(2026, 12, 4), WED) == "Fri 2026-12-04 (in 9 days)"
    assert echo_due(THU, WED) == "Thu 2026-11-26 (tomorrow)"
    assert echo_due(WED, WED) == "Wed 2026-11-25 (today)"


DATEISH = st.sampled_from(
    [
        *("in", "next", "this", "eow", "eom", "end", "of", "the", "week", "month", "days", "weeks", "a"),
        *("friday", "fri", "mon", "Dec", "December", "feb", "1st", "29", "30", "31", "0", "12", "13"),
        *("2026", "2027", "9999", "10000", "/", "-", ",", ".", " ", "12/01", "1/1/1", "99999999"),
        *("today", "tomorrow", "P1", "\u00a0", "\u0661", "ß", "İ"),
    ]
)


@settings(max_examples=500)
@given(text=st.text(), today=st.dates())
def test_parse_due_raises_only_user_error_on_arbitrary_text(text: str, today: date) -> None:
    try:
        due = parse_due(text, today)
    except UserError as error:
        assert str(error)
    else:
        assert due >= today


@settings(max_examples=500)
@given(parts=st.lists(DATEISH, max_size=6), glue=st.sampled_from(["", " "]), today=st.dates())
def test_parse_due_raises_only_user_error_on_near_misses(parts: list[str], glue: str, today: date) -> None:
    try:
        due = parse_due(glue.join(parts), today)
    except UserError as error:
        assert str(error)
    else:
        assert due >= today


@given(n=st.integers(0, 500), today=st.dates(max_value=date(9000, 1, 1)))
def test_in_n_days_is_exactly_n_days(n: int, today: date) -> None:
    assert parse_due(f"in {n} days", today) == today + timedelta(days=n)
    assert parse_due(f"in {n} weeks", today) == today + timedelta(weeks=n)


@given(today=st.dates(max_value=date(9000, 1, 1)))
def test_weekday_rules_hold_on_every_day(today: date) -> None:
    friday = parse_due("friday", today)
    assert friday.weekday() == 4 and 1 <= (friday - today).days <= 7
    this_friday = parse_due("this friday", today)
    assert this_friday.weekday() == 4 and 0 <= (this_friday - today).days <= 6
    next_friday = parse_due("next friday", today)
    next_monday = today + timedelta(days=7 - today.weekday())
    assert next_friday == next_monday + timedelta(days=4)
    eow = parse_due("eow", today)
    assert eow.weekday() == 4 and 0 <= (eow - today).days <= 6


def test_take_due_returns_the_rest_as_typed() -> None:
    assert take_due("next friday  moved  because", WED) == (date(2026, 12, 4), "  moved  because")
    assert take_due("Add alert", WED) is None
