"""Where a postmortem stands: status moves, what completing needs, the 48-hour window, phase order
(`phase_warnings`, which lives with the timeline's views in timeline_render and is re-exported here).

Pure: no Slack, no database, no wall clock (callers pass `now`). Every datetime is aware UTC.
The postmortem record and its sections are in postmortem.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from bot.domain.errors import UserError
from bot.domain.postmortem import (
    SECTION_TITLES,
    STATUS_LABELS,
    Postmortem,
    Section,
    Severity,
    Status,
    empty_sections,
    or_list,
)
from bot.domain.timeline_render import format_duration, utc_minute
from bot.domain.timeline_render import phase_warnings as phase_warnings  # phase order: timeline_render

# --- status moves and completion -------------------------------------------------------------------

# Where each status may go next. Complete is final.
ALLOWED_MOVES: Mapping[Status, tuple[Status, ...]] = MappingProxyType(
    {
        Status.DRAFT: (Status.IN_REVIEW,),
        # Reviewed: done, or done but for its action items.
        Status.IN_REVIEW: (Status.ACTION_ITEMS, Status.COMPLETE, Status.DRAFT),
        Status.ACTION_ITEMS: (Status.COMPLETE,),
        Status.COMPLETE: (),
    }
)
_ALREADY: Mapping[Status, str] = MappingProxyType(
    {
        Status.DRAFT: "already a draft",
        Status.IN_REVIEW: "already in review",
        Status.ACTION_ITEMS: "already at Action items in progress",
        Status.COMPLETE: "already complete",
    }
)

# Completing a postmortem of these severities needs at least one P0 or P1 action item.
SEVERITIES_NEEDING_P0_P1: frozenset[Severity] = frozenset({Severity.SEV1, Severity.SEV2})

REQUIRED_FOR_COMPLETION: tuple[Section, ...] = (Section.SUMMARY, Section.IMPACT, Section.ROOT_CAUSE)


def missing_for_completion(pm: Postmortem) -> list[Section]:
    empty = empty_sections(pm)
    return [s for s in REQUIRED_FOR_COMPLETION if s in empty]


def _and_list(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + " and " + values[-1] if len(values) > 1 else "".join(values)


def check_transition(
    pm: Postmortem, to: Status, *, severity_requires_p0_p1: bool = False, has_p0_or_p1: bool = True
) -> None:
    """Raise UserError saying why `pm` cannot move to `to`; return None when it can.

    Moves: Draft → In review → (Action items in progress →) Complete, and In review → Draft.
    Leaving review for either of the last two needs summary, impact and root cause; with
    `severity_requires_p0_p1`, a SEV1 or SEV2 postmortem also needs at least one P0 or P1 action
    item (`has_p0_or_p1`).
    """
    here = pm.status
    if to is here:
        raise UserError(f"This postmortem is {_ALREADY[to]}.")
    if here is Status.COMPLETE:
        raise UserError(
            "This postmortem is already complete; it stays complete rather than moving to "
            f"{STATUS_LABELS[to]}."
        )
    allowed = ALLOWED_MOVES[here]
    if to not in allowed:
        nexts = or_list([STATUS_LABELS[s] for s in allowed])
        raise UserError(
            f"A postmortem cannot go from {STATUS_LABELS[here]} to {STATUS_LABELS[to]}: it moves "
            "Draft → In review → (Action items in progress →) Complete, and from In review back to Draft. "
            f"From {STATUS_LABELS[here]} it can go to {nexts}."
        )
    if to not in (Status.ACTION_ITEMS, Status.COMPLETE):
        return
    reasons = []
    missing = missing_for_completion(pm)
    if missing:
        names = _and_list([SECTION_TITLES[s].lower() for s in missing])
        verb = "is" if len(missing) == 1 else "are"
        reasons.append(f"the {names} {verb} still empty (`/postmortem set <section> <text>`)")
    severity = pm.severity
    if severity_requires_p0_p1 and not has_p0_or_p1 and severity in SEVERITIES_NEEDING_P0_P1:
        reasons.append(f"a {severity} postmortem needs at least one P0 or P1 action item")
    if reasons:
        raise UserError(
            f"It cannot be completed yet: {_and_list(reasons)}. A postmortem is complete when it says "
            "what happened, who was affected and what allowed it, and what will change."
        )


# --- the 48-hour window ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WindowState:
    """Where a postmortem stands in its window, which starts when resolution is marked."""

    resolved_at: datetime | None  # None: unresolved, the window has not started
    opens_at: datetime | None  # when the bot opens the thread itself if nobody has
    due_at: datetime | None  # the deadline
    left: timedelta | None  # due_at - now; negative once overdue
    auto_open_passed: bool
    deadline_passed: bool  # True from the deadline on (at exactly 48 h it has passed)
    deadline: timedelta  # the window's length, for wording

    @property
    def started(self) -> bool:
        return self.resolved_at is not None

    @property
    def hours_left(self) -> float | None:
        """Hours to the deadline, fractional; negative when overdue; None while unresolved."""
        return None if self.left is None else self.left / timedelta(hours=1)


def _require_aware(name: str, at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got {at!r}")


def window(
    resolved_at: datetime | None,
    now: datetime,
    *,
    open_after: timedelta = timedelta(hours=24),
    deadline: timedelta = timedelta(hours=48),
) -> WindowState:
    _require_aware("now", now)
    if resolved_at is None:
        return WindowState(None, None, None, None, False, False, deadline)
    _require_aware("resolved_at", resolved_at)
    opens_at = resolved_at + open_after
    due_at = resolved_at + deadline
    return WindowState(
        resolved_at=resolved_at,
        opens_at=opens_at,
        due_at=due_at,
        left=due_at - now,
        auto_open_passed=now >= opens_at,
        deadline_passed=now >= due_at,
        deadline=deadline,
    )


def _hours_minutes(td: timedelta) -> str:
    """`47h 5m`, `5m`, `3h`: hours are not folded into days, which reads better for a deadline."""
    minutes = int(abs(td) / timedelta(minutes=1))
    hours, minutes = divmod(minutes, 60)
    return " ".join(f"{n}{unit}" for n, unit in ((hours, "h"), (minutes, "m")) if n) or "0m"


def _window_name(deadline: timedelta) -> str:
    hours = deadline / timedelta(hours=1)
    return f"{int(hours)}-hour window" if hours == int(hours) else f"{format_duration(deadline)} window"


def describe_window(w: WindowState) -> str:
    """One sentence for `/postmortem status`."""
    name = _window_name(w.deadline)
    if w.due_at is None or w.left is None:
        return f"The {name} starts when resolution is marked."
    due = utc_minute(w.due_at)
    if not w.deadline_passed:
        return f"{_hours_minutes(w.left)} left in the {name} (until {due} UTC)."
    ago = _hours_minutes(w.left)
    return f"The {name} closed at {due} UTC" + ("." if ago == "0m" else f", {ago} ago.")
