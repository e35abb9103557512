"""The weekly reminder: when it runs, which week it belongs to, and what each message says.

Pure: no Slack client, no database, no wall clock. Every instant taken or returned is aware; the
ones returned are UTC.

When: `REMINDER_SCHEDULE` (default `mon 09:00`) is a weekday and a wall-clock time in the
reminder zone (`DEFAULT_TIMEZONE`), so Monday 09:00 Europe/Berlin is 08:00 UTC in winter and 07:00
UTC in summer. A wall time that a daylight-saving change skips (02:30 on the spring-forward night)
runs as if the clocks had already moved, an hour later (03:30); one that happens twice (the autumn
night) runs at its first occurrence. Either way there is exactly one run per week.

Which week: each run is keyed by the ISO week of the local date it is scheduled on (`2026-W48`).
The sweep claims (channel, week key) before posting, so a process that was down at the scheduled
time posts the missed run once when it comes back (`due_run` is only ever the most recent run),
never a burst of older ones.

What: one message per channel with anything open (open or in progress), items by priority then
due date; overdue ones flagged with the days overdue; an item in its third reminder or later
flagged as rolling over; a closing line with the channel's figures. And one direct message per
owner listing all their overdue items across channels.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from types import MappingProxyType
from typing import Final

from bot.domain.action_items import (
    OPEN_STATUSES,
    Item,
    ItemStatus,
    days_overdue,
    priority_sort_key,
)
from bot.domain.due_dates import WEEKDAY_ABBREVIATIONS, WEEKDAY_NAMES, format_due
from bot.domain.slack_text import mrkdwn_escape

__all__ = [
    "DEFAULT_SCHEDULE",
    "ROLLING_OVER_AT",
    "ChannelReminder",
    "Figures",
    "Schedule",
    "due_run",
    "next_run",
    "parse_schedule",
    "plan_channel_reminder",
    "plan_channel_reminders",
    "plan_owner_digests",
    "render_channel_reminder",
    "render_owner_digest",
    "week_key",
]

DEFAULT_SCHEDULE: Final = "mon 09:00"
ROLLING_OVER_AT: Final = 3
"""An item is rolling over when this reminder is at least its third."""

# --------------------------------------------------------------------------------------------
# The schedule

_DAY_NAMES = MappingProxyType(
    {
        **{name.lower(): i for i, name in enumerate(WEEKDAY_NAMES)},
        **{name.lower(): i for i, name in enumerate(WEEKDAY_ABBREVIATIONS)},
    }
)
_SCHEDULE = re.compile(r"(?P<day>[a-z]+)\s+(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})", re.ASCII)


@dataclass(frozen=True)
class Schedule:
    weekday: int  # 0 = Monday … 6 = Sunday
    at: time  # wall-clock time in the reminder zone

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), got {self.weekday}")
        if self.at.tzinfo is not None:
            raise ValueError("the scheduled time is a wall-clock time: give it without a zone")

    def __str__(self) -> str:
        return f"{WEEKDAY_ABBREVIATIONS[self.weekday].lower()} {self.at:%H:%M}"


def parse_schedule(spec: str) -> Schedule:
    """`mon 09:00`, `Monday 9:00`, `FRI 16:30` → Schedule. ValueError, with an example, otherwise."""
    example = f"e.g. '{DEFAULT_SCHEDULE}' or 'friday 16:30'"
    m = _SCHEDULE.fullmatch(spec.strip().lower())
    if m is None:
        raise ValueError(f"{spec!r} is not a weekday and a 24-hour time, {example}.")
    day = _DAY_NAMES.get(m["day"])
    if day is None:
        raise ValueError(f"{m['day']!r} is not a weekday (mon … sun, or full names), {example}.")
    hour, minute = int(m["hour"]), int(m["minute"])
    if hour > 23 or minute > 59:
        raise ValueError(f"{m['hour']}:{m['minute']} is not a time of day (00:00 to 23:59), {example}.")
    return Schedule(day, time(hour, minute))


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")


def _runs_around(now: datetime, tz: tzinfo, schedule: Schedule) -> list[tuple[date, datetime]]:
    """(local date, UTC instant) of the scheduled runs in the week before, of and after `now`."""
    _require_aware(now)
    today = now.astimezone(tz).date()
    latest_day = today - timedelta(days=(today.weekday() - schedule.weekday) % 7)
    days = (latest_day - timedelta(weeks=1), latest_day, latest_day + timedelta(weeks=1))
    # fold=0: a skipped wall time lands after the gap, a repeated one at its first occurrence.
    return [(day, datetime.combine(day, schedule.at, tzinfo=tz).astimezone(UTC)) for day in days]


def _latest(now: datetime, tz: tzinfo, schedule: Schedule) -> tuple[date, datetime]:
    return max((run for run in _runs_around(now, tz, schedule) if run[1] <= now), key=lambda run: run[1])


def due_run(now: datetime, tz: tzinfo, schedule: Schedule) -> datetime:
    """The most recent scheduled instant at or before `now` (aware UTC): the one run to catch up on."""
    return _latest(now, tz, schedule)[1]


def week_key(now: datetime, tz: tzinfo, schedule: Schedule) -> str:
    """The ISO week (`2026-W48`) of the local date of the most recent run at or before `now`."""
    year, week, _ = _latest(now, tz, schedule)[0].isocalendar()
    return f"{year}-W{week:02d}"


def next_run(now: datetime, tz: tzinfo, schedule: Schedule) -> datetime:
    """The next scheduled instant strictly after `now` (aware UTC)."""
    return min(instant for _, instant in _runs_around(now, tz, schedule) if instant > now)


# --------------------------------------------------------------------------------------------
# Planning


@dataclass(frozen=True)
class Figures:
    done_on_time: int  # done on or before the (current) due date
    done_late: int
    open: int  # open or in progress


@dataclass(frozen=True)
class ChannelReminder:
    channel: str
    items: tuple[Item, ...]  # open and in progress, by priority, then due date, then id
    overdue: Mapping[int, int]  # item id → days overdue, for the overdue ones only
    rolling_over: frozenset[int]  # ids of items in their ROLLING_OVER_AT-th reminder or later
    figures: Figures


def _plan(channel: str, items: Iterable[Item], today: date) -> ChannelReminder | None:
    open_items: list[Item] = []
    on_time = late = 0
    for item in items:
        if item.status in OPEN_STATUSES:
            open_items.append(item)
        elif item.status == ItemStatus.DONE:
            # A done item without a date cannot be shown late; it counts as on time.
            if item.done_on is not None and item.done_on > item.due_on:
                late += 1
            else:
                on_time += 1
    if not open_items:
        return None
    open_items.sort(key=priority_sort_key)
    overdue = {item.id: days for item in open_items if (days := days_overdue(item, today))}
    rolling = frozenset(item.id for item in open_items if item.reminders_seen + 1 >= ROLLING_OVER_AT)
    return ChannelReminder(
        channel=channel,
        items=tuple(open_items),
        overdue=MappingProxyType(overdue),
        rolling_over=rolling,
        figures=Figures(done_on_time=on_time, done_late=late, open=len(open_items)),
    )


def plan_channel_reminder(channel: str, items: Sequence[Item], today: date) -> ChannelReminder | None:
    """This week's reminder for one channel, from all of its items; None when nothing is open."""
    if strays := sorted({item.channel for item in items if item.channel != channel}):
        raise ValueError(f"items from other channels in the reminder for {channel}: {', '.join(strays)}")
    return _plan(channel, items, today)


def plan_channel_reminders(items: Iterable[Item], today: date) -> dict[str, ChannelReminder]:
    """Every channel's reminder in one pass over all items (channels with nothing open left out).

    Linear in the number of items apart from sorting each channel's own open items; ordered by channel.
    """
    by_channel: defaultdict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_channel[item.channel].append(item)
    plans: dict[str, ChannelReminder] = {}
    for channel in sorted(by_channel):
        plan = _plan(channel, by_channel[channel], today)
        if plan is not None:
            plans[channel] = plan
    return plans


def plan_owner_digests(items: Iterable[Item], today: date) -> dict[str, tuple[Item, ...]]:
    """owner id → their overdue open items across all channels, by priority then due date.

    One direct message per owner; owners with nothing overdue are left out. Ordered by owner id.
    """
    by_owner: defaultdict[str, list[Item]] = defaultdict(list)
    for item in items:
        if item.status in OPEN_STATUSES and item.due_on < today:
            by_owner[item.owner_id].append(item)
    return {owner: tuple(sorted(by_owner[owner], key=priority_sort_key)) for owner in sorted(by_owner)}


# --------------------------------------------------------------------------------------------
# Rendering (Slack mrkdwn text)

_USER_ID = re.compile(r"[UW][A-Z0-9]+", re.ASCII)
_CHANNEL_ID = re.compile(r"[CDG][A-Z0-9]+", re.ASCII)


def _one_line(text: str) -> str:
    """User text as one line of mrkdwn that shows it as typed (slack_text.mrkdwn_escape)."""
    return mrkdwn_escape(" ".join(text.split()))


def _owner(owner_id: str, owner_names: Mapping[str, str]) -> str:
    if _USER_ID.fullmatch(owner_id):
        return f"<@{owner_id}>"  # Slack shows the name and notifies the owner
    return _one_line(owner_names.get(owner_id, owner_id))


def _channel(channel: str) -> str:
    return f"<#{channel}>" if _CHANNEL_ID.fullmatch(channel) else f"#{_one_line(channel)}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _overdue_note(days: int) -> str:
    return f"⚠ {_plural(days, 'day')} overdue"


def _item_head(item: Item) -> str:
    return f"• `#{item.id}` *{item.priority}* {_one_line(item.text)}"


def render_channel_reminder(r: ChannelReminder, owner_names: Mapping[str, str] | None = None) -> str:
    """The channel's weekly reminder as mrkdwn text, one line per open item, figures last.

    Owners are `<@U…>` mentions, which Slack resolves (and which notify them); `owner_names` is used
    only for an owner id that is not a Slack user id.
    """
    names = owner_names or {}
    overdue_count = len(r.overdue)
    header = f"*Weekly reminder: {_plural(r.figures.open, 'open action item')}*"
    if overdue_count:
        header += f", {overdue_count} overdue"
    lines = [header]
    for item in r.items:
        notes = [_owner(item.owner_id, names), f"due {format_due(item.due_on)}"]
        if item.status == ItemStatus.IN_PROGRESS:
            notes.append("in progress")
        if item.id in r.overdue:
            notes.append(_overdue_note(r.overdue[item.id]))
        if item.id in r.rolling_over:
            notes.append(f"↻ rolling over ({item.reminders_seen + 1} reminders)")
        if item.redates:
            notes.append("re-dated once" if item.redates == 1 else f"re-dated {item.redates} times")
        lines.append(f"{_item_head(item)} — {' · '.join(notes)}")
    f = r.figures
    lines.append(f"Done on time: {f.done_on_time} · done late: {f.done_late} · open: {f.open}")
    return "\n".join(lines)


def render_owner_digest(items: Sequence[Item], today: date) -> str:
    """One owner's direct message: all their overdue items, wherever they live, as mrkdwn text."""
    if not items:
        raise ValueError("an owner digest needs at least one overdue item")
    lines = [f"*You have {_plural(len(items), 'overdue action item')}*"]
    for item in items:
        notes = [_channel(item.channel), f"due {format_due(item.due_on)}"]
        if days := days_overdue(item, today):
            notes.append(_overdue_note(days))
        lines.append(f"{_item_head(item)} — {' · '.join(notes)}")
    lines.append(
        mrkdwn_escape(
            "Done? `/postmortem done <id>`. Needs a new date? `/postmortem redate <id> <due> <reason>`."
        )
    )
    return "\n".join(lines)


def render_archived_note(channel_name: str, text: str) -> str:
    """An archived channel's reminder, sent elsewhere: which channel it is for, then the reminder."""
    return f"_For #{_one_line(channel_name)}, which is archived:_\n{text}"
