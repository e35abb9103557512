"""The postmortem: its template (sections, titles, guiding questions), severity, factor categories
and statuses, the record itself, reading what people type in `/postmortem set`, and which sections
are still empty.

Pure: no Slack, no database, no wall clock. Every datetime is aware UTC.
Status moves, what completing needs, the 48-hour window and phase order are in postmortem_status.py;
the Markdown document and its file name are in postmortem_document.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType

from bot.domain.errors import Field, UserError

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


def or_list(values: Sequence[str]) -> str:
    """`a, b or c`, for messages that offer a choice."""
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
        f"• `factor <category> <text>`, where the category is {or_list(_CATEGORY_NAMES)}"
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
            "(e.g. `/postmortem set severity SEV2`).",
            field=Field.SEVERITY,
        )
    return Severity(f"SEV{match.group(1)}")


def parse_factor(args: str) -> tuple[FactorCategory, str]:
    """`alerting Alert went to a muted channel` → (ALERTING, "Alert went to a muted channel").

    The category is the first word, in any case, with an optional trailing colon."""
    first, rest = [*args.split(maxsplit=1), "", ""][:2]
    valid = or_list(_CATEGORY_NAMES)
    usage = "`/postmortem set factor <category> <text>`"
    if not first:
        raise UserError(
            f"Which contributing factor? {usage}, where the category is {valid}.", field=Field.CATEGORY
        )
    try:
        category = FactorCategory(first.rstrip(":").casefold())
    except ValueError:
        raise UserError(
            f"`{_shown(first)}` is not a factor category. Valid categories: {', '.join(_CATEGORY_NAMES)}. "
            f"{usage}, e.g. `/postmortem set factor alerting The alert went to a muted channel`.",
            field=Field.CATEGORY,
        ) from None
    text = rest.strip()
    if not text:
        raise UserError(f"What was the {category.value} factor? {usage}", field=Field.TEXT)
    return category, text


# --- empty sections --------------------------------------------------------------------------------


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
