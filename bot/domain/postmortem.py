"""The postmortem: template sections, parsing, status moves, the 48-hour window, phase order.

Pure: no Slack, no database, no wall clock (callers pass `now`). Every datetime is aware UTC.
The Markdown document and its file name are in postmortem_document.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from bot.domain.errors import UserError
from bot.domain.timeline import PHASES, Mark, Timeline
from bot.domain.timeline_render import (
    PHASE_LABELS,
    format_duration,
    hhmm,
    utc_date,
    utc_minute,
)

# --- the template ----------------------------------------------------------------------------------


class Section(StrEnum):
    """What users type in `/postmortem set <section> <text>`."""

    SUMMARY = "summary"
    SEVERITY = "severity"
    IMPACT = "impact"
    ROOT_CAUSE = "root-cause"
    CONTRIBUTING_FACTORS = "factor"
    WENT_WELL = "went-well"
    WENT_POORLY = "went-poorly"
    LESSONS = "lesson"


SECTION_TITLES: Mapping[Section, str] = MappingProxyType(
    {
        Section.SUMMARY: "Summary",
        Section.SEVERITY: "Severity",
        Section.IMPACT: "Impact",
        Section.ROOT_CAUSE: "Root cause",
        Section.CONTRIBUTING_FACTORS: "Contributing factors",
        Section.WENT_WELL: "What went well",
        Section.WENT_POORLY: "What went poorly",
        Section.LESSONS: "Lessons learned",
    }
)

# Shown in italics wherever a section is still empty: no `_` or `*` in them.
GUIDING_QUESTIONS: Mapping[Section, str] = MappingProxyType(
    {
        Section.SUMMARY: "What happened, in one or two sentences?",
        Section.SEVERITY: "How bad was it under your severity policy: SEV1, SEV2, SEV3 or SEV4?",
        Section.IMPACT: "Who was affected, for how long, and how much? Quantify it: customers, requests, "
        "revenue, data.",
        Section.ROOT_CAUSE: "What system or decision allowed this to happen? Keep asking until it is "
        "something you can change, not someone to blame.",
        Section.CONTRIBUTING_FACTORS: "What else made it worse or more likely? What did we know at each "
        "point, and what would have made it easier for anyone in that position?",
        Section.WENT_WELL: "What worked during the response? Those are the practices and tools worth "
        "protecting.",
        Section.WENT_POORLY: "Where did the response or the system fall short? What information would "
        "have led to a different decision?",
        Section.LESSONS: "What do we know now that we did not know before, and what would we do "
        "differently next time?",
    }
)
ACTION_ITEMS_QUESTION = (
    "What specific change would make this less likely or less harmful? Give each one a single owner "
    "and a due date."
)

# Normalised (casefolded, `_`/spaces → `-`) spellings people type, beyond the values themselves.
_SECTION_ALIASES: Mapping[str, Section] = MappingProxyType(
    {
        **{s.value: s for s in Section},
        "rootcause": Section.ROOT_CAUSE,
        "factors": Section.CONTRIBUTING_FACTORS,
        "contributing-factor": Section.CONTRIBUTING_FACTORS,
        "contributing-factors": Section.CONTRIBUTING_FACTORS,
        "well": Section.WENT_WELL,
        "what-went-well": Section.WENT_WELL,
        "poorly": Section.WENT_POORLY,
        "what-went-poorly": Section.WENT_POORLY,
        "lessons": Section.LESSONS,
        "lessons-learned": Section.LESSONS,
    }
)


class Severity(StrEnum):
    SEV1 = "SEV1"
    SEV2 = "SEV2"
    SEV3 = "SEV3"
    SEV4 = "SEV4"


# Completing a postmortem of these severities needs at least one P0 or P1 action item.
SEVERITIES_NEEDING_P0_P1: frozenset[Severity] = frozenset({Severity.SEV1, Severity.SEV2})


class Status(StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    ACTION_ITEMS = "action_items_in_progress"
    COMPLETE = "complete"


STATUS_LABELS: Mapping[Status, str] = MappingProxyType(
    {
        Status.DRAFT: "Draft",
        Status.IN_REVIEW: "In review",
        Status.ACTION_ITEMS: "Action items in progress",
        Status.COMPLETE: "Complete",
    }
)
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


class FactorCategory(StrEnum):
    TECHNICAL = "technical"
    PROCESS = "process"
    ALERTING = "alerting"
    TESTING = "testing"
    DOCUMENTATION = "documentation"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Factor:
    category: FactorCategory
    text: str


@dataclass(frozen=True, slots=True)
class ActionItemRow:
    """One row of the document's action-item table, ready to print."""

    number: int
    text: str
    owner: str  # display name
    priority: str  # "P0" … "P3"
    due_on: date
    status: str  # label, e.g. "Open", "Done", "Won't do"


@dataclass(frozen=True, slots=True)
class Postmortem:
    channel: str  # name without '#'
    title: str
    status: Status
    severity: Severity | None
    lead: str | None  # display name
    summary: str
    impact: str
    root_cause: str
    went_well: tuple[str, ...]
    went_poorly: tuple[str, ...]
    lessons: tuple[str, ...]
    factors: tuple[Factor, ...]  # in the order they were added
    created_at: datetime
    resolved_at: datetime | None
    participants: tuple[str, ...]
    root_cause_flagged: bool = False
    # From the timeline, like resolved_at; they date the incident when no timeline is at hand.
    impact_started_at: datetime | None = None
    detected_at: datetime | None = None


# --- parsing ---------------------------------------------------------------------------------------


def _shown(text: str, limit: int = 40) -> str:
    """User input echoed back in an error: one line, bounded."""
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _or_list(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else "".join(values)


_SEVERITY_NAMES = [s.value for s in Severity]
_CATEGORY_NAMES = [c.value for c in FactorCategory]


def set_usage() -> str:
    """How `/postmortem set` is used, naming every section; the answer to an unknown section."""
    sections = ", ".join(f"`{s.value}`" for s in Section)
    return (
        "Usage: `/postmortem set <section> <text>`\n"
        f"Sections: {sections}\n"
        f"• `severity {'|'.join(_SEVERITY_NAMES)}`\n"
        f"• `factor <category> <text>`, where the category is {_or_list(_CATEGORY_NAMES)}"
    )


def _normalise(name: str) -> str:
    return "-".join(name.casefold().replace("_", " ").replace("-", " ").split())


def parse_section(name: str) -> Section:
    """`root-cause`, `Root_Cause`, `rootcause`, `factors`, `lessons learned` … → the Section."""
    section = _SECTION_ALIASES.get(_normalise(name))
    if section is None:
        if not name.strip():
            raise UserError("Which section? " + set_usage())
        raise UserError(f"There is no section `{_shown(name)}`. " + set_usage())
    return section


_SEVERITY = re.compile(r"(?:sev)?[\s_-]*([1-4])", re.IGNORECASE)  # ASCII digits only


def parse_severity(text: str) -> Severity:
    """`SEV1`, `sev1`, `SEV 1`, `Sev-1`, `1` → Severity.SEV1."""
    match = _SEVERITY.fullmatch(text.strip())
    if match is None:
        raise UserError(
            f"`{_shown(text)}` is not a severity. Valid severities: {', '.join(_SEVERITY_NAMES)} "
            "(e.g. `/postmortem set severity SEV2`)."
        )
    return Severity(f"SEV{match.group(1)}")


def parse_factor(args: str) -> tuple[FactorCategory, str]:
    """`alerting Alert went to a muted channel` → (ALERTING, "Alert went to a muted channel").

    The category is the first word, in any case, with an optional trailing colon."""
    first, rest = [*args.split(maxsplit=1), "", ""][:2]
    valid = _or_list(_CATEGORY_NAMES)
    usage = "`/postmortem set factor <category> <text>`"
    if not first:
        raise UserError(f"Which contributing factor? {usage}, where the category is {valid}.")
    try:
        category = FactorCategory(first.rstrip(":").casefold())
    except ValueError:
        raise UserError(
            f"`{_shown(first)}` is not a factor category. Valid categories: {', '.join(_CATEGORY_NAMES)}. "
            f"{usage}, e.g. `/postmortem set factor alerting The alert went to a muted channel`."
        ) from None
    text = rest.strip()
    if not text:
        raise UserError(f"What was the {category.value} factor? {usage}")
    return category, text


# --- completeness and status -----------------------------------------------------------------------


def is_blank(text: str) -> bool:
    return not text.strip()


def _section_is_empty(pm: Postmortem, section: Section) -> bool:
    match section:
        case Section.SUMMARY:
            return is_blank(pm.summary)
        case Section.SEVERITY:
            return pm.severity is None
        case Section.IMPACT:
            return is_blank(pm.impact)
        case Section.ROOT_CAUSE:
            return is_blank(pm.root_cause)
        case Section.CONTRIBUTING_FACTORS:
            return all(is_blank(f.text) for f in pm.factors)
        case Section.WENT_WELL:
            return all(map(is_blank, pm.went_well))
        case Section.WENT_POORLY:
            return all(map(is_blank, pm.went_poorly))
        case Section.LESSONS:
            return all(map(is_blank, pm.lessons))


def empty_sections(pm: Postmortem) -> list[Section]:
    """Sections with nothing in them (blank text counts as nothing), in template order."""
    return [s for s in Section if _section_is_empty(pm, s)]


REQUIRED_FOR_COMPLETION: tuple[Section, ...] = (Section.SUMMARY, Section.IMPACT, Section.ROOT_CAUSE)


def missing_for_completion(pm: Postmortem) -> list[Section]:
    return [s for s in REQUIRED_FOR_COMPLETION if _section_is_empty(pm, s)]


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
        nexts = _or_list([STATUS_LABELS[s] for s in allowed])
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


# --- phases ----------------------------------------------------------------------------------------


def _pair_times(a: datetime, b: datetime) -> tuple[str, str]:
    """Both as HH:MM, or with seconds when that is what tells them apart, or with dates."""
    if utc_date(a) != utc_date(b):
        return utc_minute(a), utc_minute(b)
    if hhmm(a) == hhmm(b):
        return _hhmmss(a), _hhmmss(b)
    return hhmm(a), hhmm(b)


def _hhmmss(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%H:%M:%S")


def phase_warnings(t: Timeline) -> list[str]:
    """Phases marked out of order, e.g. "mitigation (14:05) is before detection (14:19)".

    The order is impact start → detection → acknowledgment → mitigation → resolution; a phase is
    compared with the latest phase marked before it in that order, so each phase is named at most
    once and every inversion shows up. Equal times are in order; missing phases are skipped.
    """
    warnings: list[str] = []
    latest: tuple[Mark, datetime] | None = None
    for mark in PHASES:
        at = t.phases.get(mark)
        if at is None:
            continue
        if latest is not None and at < latest[1]:
            shown, earlier = _pair_times(at, latest[1])
            this, that = PHASE_LABELS[mark].lower(), PHASE_LABELS[latest[0]].lower()
            warnings.append(f"{this} ({shown}) is before {that} ({earlier})")
        if latest is None or at > latest[1]:
            latest = (mark, at)
    return warnings
