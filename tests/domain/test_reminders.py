"""Weekly reminders: the schedule across daylight-saving changes, the week key, planning and rendering."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.action_items import ItemStatus, Priority, priority_sort_key
from bot.domain.reminders import (
    DEFAULT_SCHEDULE,
    ChannelReminder,
    Figures,
    Schedule,
    due_run,
    next_run,
    parse_schedule,
    plan_channel_reminder,
    plan_channel_reminders,
    plan_owner_digests,
    render_channel_reminder,
    render_owner_digest,
    week_key,
)
from tests.factories import action_item

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY_9 = parse_schedule(DEFAULT_SCHEDULE)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# ------------------------------------------------------------------------------------ schedules


@pytest.mark.parametrize(
    ("spec", "weekday", "at"),
    [
        ("mon 09:00", 0, time(9, 0)),
        ("Monday 9:00", 0, time(9, 0)),
        ("  TUE   07:05 ", 1, time(7, 5)),
        ("wednesday 12:30", 2, time(12, 30)),
        ("fri 16:30", 4, time(16, 30)),
        ("sun 23:59", 6, time(23, 59)),
        ("sat 00:00", 5, time(0, 0)),
    ],
)
def test_parse_schedule(spec: str, weekday: int, at: time) -> None:
    schedule = parse_schedule(spec)
    assert schedule == Schedule(weekday, at)
    assert parse_schedule(str(schedule)) == schedule


@pytest.mark.parametrize(
    "spec",
    ["", "monday", "09:00", "mon 9", "mon 9am", "mon 24:00", "mon 09:60", "funday 09:00", "mon, 09:00"],
)
def test_a_bad_schedule_is_refused_with_an_example(spec: str) -> None:
    with pytest.raises(ValueError, match=r"e\.g\. 'mon 09:00'"):
        parse_schedule(spec)


def test_default_schedule_is_monday_nine() -> None:
    assert Schedule(0, time(9, 0)) == MONDAY_9
    assert str(MONDAY_9) == "mon 09:00"


# ------------------------------------------------------------- runs across daylight-saving changes

# (now, zone, schedule, most recent run, next run, week key)
RUN_CASES: list[tuple[datetime, tzinfo, Schedule, datetime, datetime, str]] = [
    # Berlin, Monday 09:00: 08:00 UTC in winter (CET), 07:00 UTC in summer (CEST).
    (utc(2026, 1, 7, 12), BERLIN, MONDAY_9, utc(2026, 1, 5, 8), utc(2026, 1, 12, 8), "2026-W02"),
    (utc(2026, 7, 7, 12), BERLIN, MONDAY_9, utc(2026, 7, 6, 7), utc(2026, 7, 13, 7), "2026-W28"),
    # The week the clocks go forward (Sunday 2026-03-29): last run in winter time, next in summer time.
    (utc(2026, 3, 28, 12), BERLIN, MONDAY_9, utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), "2026-W13"),
    (utc(2026, 3, 30, 6, 59), BERLIN, MONDAY_9, utc(2026, 3, 23, 8), utc(2026, 3, 30, 7), "2026-W13"),
    (utc(2026, 3, 30, 7, 0), BERLIN, MONDAY_9, utc(2026, 3, 30, 7), utc(2026, 4, 6, 7), "2026-W14"),
    # The week they go back (Sunday 2026-10-25).
    (utc(2026, 10, 24, 12), BERLIN, MONDAY_9, utc(2026, 10, 19, 7), utc(2026, 10, 26, 8), "2026-W43"),
    (utc(2026, 10, 26, 7, 30), BERLIN, MONDAY_9, utc(2026, 10, 19, 7), utc(2026, 10, 26, 8), "2026-W43"),
    (utc(2026, 10, 26, 8, 0), BERLIN, MONDAY_9, utc(2026, 10, 26, 8), utc(2026, 11, 2, 8), "2026-W44"),
    # New York, Monday 09:00: 14:00 UTC (EST), 13:00 UTC (EDT); changes on 2026-03-08 and 2026-11-01.
    (utc(2026, 3, 7, 12), NEW_YORK, MONDAY_9, utc(2026, 3, 2, 14), utc(2026, 3, 9, 13), "2026-W10"),
    (utc(2026, 3, 9, 13), NEW_YORK, MONDAY_9, utc(2026, 3, 9, 13), utc(2026, 3, 16, 13), "2026-W11"),
    (utc(2026, 10, 31, 12), NEW_YORK, MONDAY_9, utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), "2026-W44"),
    (utc(2026, 11, 2, 13, 30), NEW_YORK, MONDAY_9, utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), "2026-W44"),
    # Local Monday is still Sunday in UTC … and Monday in UTC may still be Sunday in New York.
    (utc(2026, 1, 4, 23, 30), BERLIN, MONDAY_9, utc(2025, 12, 29, 8), utc(2026, 1, 5, 8), "2026-W01"),
    (utc(2026, 1, 5, 3), NEW_YORK, MONDAY_9, utc(2025, 12, 29, 14), utc(2026, 1, 5, 14), "2026-W01"),
    # ISO years: 2026 has 53 weeks.
    (utc(2026, 12, 30, 12), BERLIN, MONDAY_9, utc(2026, 12, 28, 8), utc(2027, 1, 4, 8), "2026-W53"),
    (utc(2027, 1, 4, 8), BERLIN, MONDAY_9, utc(2027, 1, 4, 8), utc(2027, 1, 11, 8), "2027-W01"),
    # A wall time the spring change skips runs an hour later; one the autumn change repeats runs once, first.
    (
        utc(2026, 3, 29, 2),
        BERLIN,
        Schedule(6, time(2, 30)),
        utc(2026, 3, 29, 1, 30),
        utc(2026, 4, 5, 0, 30),
        "2026-W13",
    ),
    (
        utc(2026, 3, 29, 1),
        BERLIN,
        Schedule(6, time(2, 30)),
        utc(2026, 3, 22, 1, 30),
        utc(2026, 3, 29, 1, 30),
        "2026-W12",
    ),
    (
        utc(2026, 10, 25, 3),
        BERLIN,
        Schedule(6, time(2, 30)),
        utc(2026, 10, 25, 0, 30),
        utc(2026, 11, 1, 1, 30),
        "2026-W43",
    ),
    (
        utc(2026, 3, 8, 12),
        NEW_YORK,
        Schedule(6, time(2, 30)),
        utc(2026, 3, 8, 7, 30),
        utc(2026, 3, 15, 6, 30),
        "2026-W10",
    ),
    (
        utc(2026, 11, 1, 5),
        NEW_YORK,
        Schedule(6, time(1, 30)),
        utc(2026, 10, 25, 5, 30),
        utc(2026, 11, 1, 5, 30),
        "2026-W43",
    ),
    (
        utc(2026, 11, 1, 5, 30),
        NEW_YORK,
        Schedule(6, time(1, 30)),
        utc(2026, 11, 1, 5, 30),
        utc(2026, 11, 8, 6, 30),
        "2026-W44",
    ),
    # In UTC there is nothing to correct.
    (utc(2026, 11, 30, 9), UTC, MONDAY_9, utc(2026, 11, 30, 9), utc(2026, 12, 7, 9), "2026-W49"),
]


@pytest.mark.parametrize(("now", "tz", "schedule", "latest", "following", "key"), RUN_CASES)
def test_runs(
    now: datetime, tz: tzinfo, schedule: Schedule, latest: datetime, following: datetime, key: str
) -> None:
    assert due_run(now, tz, schedule) == latest
    assert next_run(now, tz, schedule) == following
    assert week_key(now, tz, schedule) == key
    assert due_run(now, tz, schedule).tzinfo is UTC and next_run(now, tz, schedule).tzinfo is UTC


def test_now_in_another_zone_means_the_same_instant() -> None:
    now = utc(2026, 3, 30, 7)
    in_tokyo = now.astimezone(ZoneInfo("Asia/Tokyo"))
    assert due_run(in_tokyo, BERLIN, MONDAY_9) == due_run(now, BERLIN, MONDAY_9) == now
    assert week_key(in_tokyo, BERLIN, MONDAY_9) == "2026-W14"


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_run(datetime(2026, 1, 1), BERLIN, MONDAY_9)


def test_exactly_one_run_every_week_for_two_years() -> None:
    for tz, schedule in [(BERLIN, Schedule(6, time(2, 30))), (NEW_YORK, Schedule(6, time(1, 30)))]:
        runs = [next_run(utc(2026, 1, 1), tz, schedule)]
        for _ in range(104):
            runs.append(next_run(runs[-1], tz, schedule))
        keys = [week_key(run, tz, schedule) for run in runs]
        assert len(set(keys)) == len(keys) == 105
        local_days = [run.astimezone(tz).date() for run in runs]
        assert all(b - a == timedelta(weeks=1) for a, b in pairwise(local_days))
        assert all(due_run(run, tz, schedule) == run for run in runs)


def test_a_late_start_catches_up_this_weeks_run_only() -> None:
    # The bot was down from Sunday 2026-11-15 until Wednesday 2026-11-25 10:00 Berlin time: it missed
    # the runs of Monday 16 and Monday 23 November. On start it owes Monday 23's run, once.
    started = datetime(2026, 11, 25, 10, tzinfo=BERLIN)
    owed = due_run(started, BERLIN, MONDAY_9)
    assert owed == utc(2026, 11, 23, 8)
    assert week_key(started, BERLIN, MONDAY_9) == "2026-W48"
    # The sweep claims (channel, week key): every later check this week names the same week, so it
    # cannot post again; the next claimable key appears at the next run.
    claimed = {week_key(started, BERLIN, MONDAY_9)}
    for hours in range(1, 5 * 24):
        later = started + timedelta(hours=hours)
        assert week_key(later, BERLIN, MONDAY_9) in claimed | {"2026-W49"}
    assert next_run(started, BERLIN, MONDAY_9) == utc(2026, 11, 30, 8)
    assert week_key(utc(2026, 11, 30, 8), BERLIN, MONDAY_9) == "2026-W49"


ZONES = st.sampled_from([BERLIN, NEW_YORK, ZoneInfo("Australia/Lord_Howe"), ZoneInfo("Pacific/Apia"), UTC])
SCHEDULES = st.builds(Schedule, st.integers(0, 6), st.times())


@settings(max_examples=400)
@given(
    now=st.datetimes(min_value=datetime(2000, 1, 3), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    tz=ZONES,
    schedule=SCHEDULES,
)
def test_runs_bracket_now(now: datetime, tz: ZoneInfo, schedule: Schedule) -> None:
    latest, following = due_run(now, tz, schedule), next_run(now, tz, schedule)
    assert latest <= now < following
    assert timedelta(days=6) <= following - latest <= timedelta(days=8)
    assert due_run(following, tz, schedule) == following
    assert next_run(latest, tz, schedule) == following
    assert latest.astimezone(tz).weekday() in (schedule.weekday, (schedule.weekday + 1) % 7)
    assert week_key(now, tz, schedule) == week_key(latest, tz, schedule) != week_key(following, tz, schedule)


# ------------------------------------------------------------------------------- planning


TODAY = date(2026, 11, 25)  # a Wednesday


CHANNEL_ITEMS = [
    action_item(
        1, priority=Priority.P2, due_on=date(2026, 11, 20), seen=3, text="Write the failover runbook"
    ),
    action_item(
        2,
        owner="U2",
        priority=Priority.P0,
        due_on=date(2026, 12, 1),
        status=ItemStatus.IN_PROGRESS,
        text="Alert when p99 > 800ms & page <on-call>",
    ),
    action_item(
        3, priority=Priority.P0, due_on=date(2026, 11, 24), redates=2, seen=1, text="Validate pool_size > 0"
    ),
    action_item(
        4, owner="U2", priority=Priority.P1, due_on=TODAY, seen=2, text="Require review for\nconfig changes"
    ),
    action_item(5, status=ItemStatus.DONE, due_on=date(2026, 11, 10), done_on=date(2026, 11, 10)),
    action_item(6, status=ItemStatus.DONE, due_on=date(2026, 11, 10), done_on=date(2026, 11, 12)),
    action_item(7, status=ItemStatus.DONE, due_on=date(2026, 11, 10), done_on=date(2026, 11, 2)),
    action_item(8, status=ItemStatus.WONT_DO, due_on=date(2026, 11, 10)),
]


def test_plan_channel_reminder() -> None:
    plan = plan_channel_reminder("C1", CHANNEL_ITEMS, TODAY)
    assert plan is not None
    assert [i.id for i in plan.items] == [3, 2, 4, 1]
    assert dict(plan.overdue) == {3: 1, 1: 5}
    assert plan.rolling_over == {1, 4}  # their 4th and 3rd reminders; #3 is in its 2nd
    assert plan.figures == Figures(done_on_time=2, done_late=1, open=4)


def test_nothing_open_means_no_reminder() -> None:
    assert plan_channel_reminder("C1", [], TODAY) is None
    assert plan_channel_reminder("C1", CHANNEL_ITEMS[4:], TODAY) is None


def test_items_of_another_channel_are_a_mistake() -> None:
    with pytest.raises(ValueError, match="C2"):
        plan_channel_reminder("C1", [action_item(1), action_item(2, channel="C2")], TODAY)


GOLDEN_CHANNEL = "\n".join(
    [
        "*Weekly reminder: 4 open action items*, 2 overdue",
        "• `#3` *P0* Validate pool_size &gt; 0 — <@U1> · due Tue 2026-11-24 · ⚠ 1 day overdue"
        " · re-dated 2 times",
        "• `#2` *P0* Alert when p99 &gt; 800ms &amp; page &lt;on-call&gt; — <@U2> · due Tue 2026-12-01"
        " · in progress",
        "• `#4` *P1* Require review for config changes — <@U2> · due Wed 2026-11-25"
        " · ↻ rolling over (3 reminders)",
        "• `#1` *P2* Write the failover runbook — <@U1> · due Fri 2026-11-20 · ⚠ 5 days overdue"
        " · ↻ rolling over (4 reminders)",
        "Done on time: 2 · done late: 1 · open: 4",
    ]
)


def test_render_channel_reminder() -> None:
    plan = plan_channel_reminder("C1", CHANNEL_ITEMS, TODAY)
    assert plan is not None
    assert render_channel_reminder(plan, {"U1": "alex", "U2": "sam"}) == GOLDEN_CHANNEL
    assert render_channel_reminder(plan) == GOLDEN_CHANNEL


def test_render_a_single_item_and_an_owner_that_is_not_a_slack_id() -> None:
    plan = plan_channel_reminder("C1", [action_item(1, owner="alex.k", redates=1)], TODAY)
    assert plan is not None
    assert render_channel_reminder(plan, {"alex.k": "Alex K"}) == (
        "*Weekly reminder: 1 open action item*\n"
        "• `#1` *P2* Add alert — Alex K · due Wed 2026-11-25 · re-dated once\n"
        "Done on time: 0 · done late: 0 · open: 1"
    )


def test_a_done_item_without_a_date_counts_on_time() -> None:
    plan = plan_channel_reminder("C1", [action_item(1), action_item(2, status=ItemStatus.DONE)], TODAY)
    assert plan is not None and plan.figures == Figures(done_on_time=1, done_late=0, open=1)


def test_plan_channel_reminders_groups_by_channel() -> None:
    items = [
        *CHANNEL_ITEMS,
        action_item(20, channel="C2", status=ItemStatus.DONE, done_on=TODAY),
        action_item(30, channel="C0", priority=Priority.P3),
        action_item(31, channel="C0", priority=Priority.P0),
    ]
    plans = plan_channel_reminders(items, TODAY)
    assert list(plans) == ["C0", "C1"]  # C2 has nothing open
    assert plans["C1"] == plan_channel_reminder("C1", CHANNEL_ITEMS, TODAY)
    assert [i.id for i in plans["C0"].items] == [31, 30]


def test_owner_digests() -> None:
    items = [
        *CHANNEL_ITEMS,
        action_item(10, channel="C9", owner="U1", priority=Priority.P1, due_on=date(2026, 11, 1)),
        action_item(11, channel="C9", owner="U3", due_on=date(2026, 11, 1), status=ItemStatus.DONE),
        action_item(12, channel="C9", owner="U2", due_on=date(2026, 11, 26)),
    ]
    digests = plan_owner_digests(items, TODAY)
    assert list(digests) == ["U1"]  # U2's items are not overdue; U3's overdue item is done
    assert [i.id for i in digests["U1"]] == [3, 10, 1]


GOLDEN_DIGEST = """\
*You have 3 overdue action items*
• `#3` *P0* Validate pool_size &gt; 0 — <#C1> · due Tue 2026-11-24 · ⚠ 1 day overdue
• `#10` *P1* Add alert — <#C9> · due Sun 2026-11-01 · ⚠ 24 days overdue
• `#1` *P2* Write the failover runbook — <#C1> · due Fri 2026-11-20 · ⚠ 5 days overdue
Done? `/postmortem done &lt;id&gt;`. Needs a new date? \
`/postmortem redate &lt;id&gt; &lt;due&gt; &lt;reason&gt;`."""


def test_render_owner_digest() -> None:
    items = [*CHANNEL_ITEMS, action_item(10, channel="C9", priority=Priority.P1, due_on=date(2026, 11, 1))]
    assert render_owner_digest(plan_owner_digests(items, TODAY)["U1"], TODAY) == GOLDEN_DIGEST


def test_an_empty_digest_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="at least one"):
        render_owner_digest((), TODAY)


def test_a_hundred_thousand_items_in_five_thousand_channels() -> None:
    statuses = list(ItemStatus)
    priorities = list(Priority)
    items = [
        action_item(
            n,
            channel=f"C{n % 5000:05d}",
            owner=f"U{n % 700:04d}",
            priority=priorities[(n * 7) % 4],
            due_on=TODAY + timedelta(days=(n * 13) % 60 - 30),
            status=statuses[(n // 7) % 4],
            done_on=TODAY - timedelta(days=n % 3) if statuses[(n // 7) % 4] == ItemStatus.DONE else None,
            seen=n % 5,
        )
        for n in range(100_000)
    ]
    open_items = [i for i in items if i.status in (ItemStatus.OPEN, ItemStatus.IN_PROGRESS)]
    overdue = [i for i in open_items if i.due_on < TODAY]

    plans = plan_channel_reminders(items, TODAY)
    digests = plan_owner_digests(items, TODAY)

    assert len(plans) == len({i.channel for i in open_items}) == 5000
    assert sum(p.figures.open for p in plans.values()) == len(open_items)
    assert sum(len(p.overdue) for p in plans.values()) == len(overdue)
    assert all(list(p.items) == sorted(p.items, key=priority_sort_key) for p in plans.values())
    assert sum(len(d) for d in digests.values()) == len(overdue)
    assert set(digests) == {i.owner_id for i in overdue}
    assert isinstance(plans["C00000"], ChannelReminder)
