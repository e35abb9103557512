"""bot.domain.postmortem, postmortem_status and postmortem_document: parsing, status moves, the 48-hour
window, phases, names, the document."""

from __future__ import annotations

import dataclasses
import inspect
import re
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import postmortem as pmd
from bot.domain import postmortem_status
from bot.domain.errors import UserError
from bot.domain.postmortem import (
    GUIDING_QUESTIONS,
    SECTION_TITLES,
    STATUS_LABELS,
    ActionItemRow,
    Factor,
    FactorCategory,
    Postmortem,
    Section,
    Severity,
    Status,
    empty_sections,
    parse_factor,
    parse_section,
    parse_severity,
)
from bot.domain.postmortem_document import (
    ROOT_CAUSE_NOTE,
    export_filename,
    render_document,
    render_summary_lines,
    slugify,
    yaml_string,
)
from bot.domain.postmortem_status import (
    check_transition,
    describe_window,
    missing_for_completion,
    phase_warnings,
    window,
)
from bot.domain.timeline import PHASES, Mark, Timeline, parse_emoji_marks
from tests.factories import at, entry


def timeline(**phases: datetime | None) -> Timeline:
    return Timeline("inc", {mark: phases.get(mark.value) for mark in PHASES}, ())


EMPTY = Postmortem(
    channel="inc-2025-03-15-payments",
    title="Payments outage",
    status=Status.DRAFT,
    severity=None,
    lead=None,
    summary="",
    impact="",
    root_cause="",
    went_well=(),
    went_poorly=(),
    lessons=(),
    factors=(),
    created_at=at(9, 0, day=16),
    resolved_at=None,
    participants=(),
)
FILLED = dataclasses.replace(
    EMPTY,
    severity=Severity.SEV2,
    lead="Ana",
    summary="Checkout failed for EU customers.",
    impact="312 customers could not pay for 2h 14m.",
    root_cause="A migration reached production without running on staging.",
    went_well=("Rollback took 8 minutes.",),
    went_poorly=("The alert went to a muted channel.",),
    lessons=("Staging is part of the deploy, not an option.",),
    factors=(Factor(FactorCategory.ALERTING, "Alert routed to a muted channel."),),
)

# --- parsing ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("summary", Section.SUMMARY),
        ("severity", Section.SEVERITY),
        ("impact", Section.IMPACT),
        ("root-cause", Section.ROOT_CAUSE),
        ("factor", Section.CONTRIBUTING_FACTORS),
        ("went-well", Section.WENT_WELL),
        ("went-poorly", Section.WENT_POORLY),
        ("lesson", Section.LESSONS),
        # the aliases
        ("root_cause", Section.ROOT_CAUSE),
        ("rootcause", Section.ROOT_CAUSE),
        ("factors", Section.CONTRIBUTING_FACTORS),
        ("contributing-factors", Section.CONTRIBUTING_FACTORS),
        ("well", Section.WENT_WELL),
        ("poorly", Section.WENT_POORLY),
        ("lessons", Section.LESSONS),
        ("lessons-learned", Section.LESSONS),
        # case, spaces and underscores do not matter
        ("  Root-Cause ", Section.ROOT_CAUSE),
        ("SUMMARY", Section.SUMMARY),
        ("went_well", Section.WENT_WELL),
        ("Lessons Learned", Section.LESSONS),
        ("contributing_factors", Section.CONTRIBUTING_FACTORS),
    ],
)
def test_parse_section(typed: str, expected: Section) -> None:
    assert parse_section(typed) is expected


@pytest.mark.parametrize("typed", ["cause", "timeline", "action", "root cause of it", "summaryy", "👍"])
def test_an_unknown_section_lists_the_valid_ones_with_the_usage(typed: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_section(typed)
    message = str(caught.value)
    assert "/postmortem set <section> <text>" in message
    for section in Section:
        assert f"`{section.value}`" in message
    assert typed.strip() in message


def test_no_section_at_all_asks_which() -> None:
    with pytest.raises(UserError, match=r"^Which section\? Usage: `/postmortem set"):
        parse_section("   ")


def test_the_values_users_type() -> None:
    assert [s.value for s in Section] == [
        "summary",
        "severity",
        "impact",
        "root-cause",
        "factor",
        "went-well",
        "went-poorly",
        "lesson",
    ]
    assert [s.value for s in Status] == ["draft", "in_review", "action_items_in_progress", "complete"]
    assert list(STATUS_LABELS.values()) == ["Draft", "In review", "Action items in progress", "Complete"]
    assert [c.value for c in FactorCategory] == [
        "technical",
        "process",
        "alerting",
        "testing",
        "documentation",
        "other",
    ]


def test_every_section_has_a_title_and_a_guiding_question() -> None:
    assert set(SECTION_TITLES) == set(Section) == set(GUIDING_QUESTIONS)
    assert GUIDING_QUESTIONS[Section.ROOT_CAUSE] == (
        "What system or decision allowed this to happen? Keep asking until it is something you can "
        "change, not someone to blame."
    )
    assert GUIDING_QUESTIONS[Section.CONTRIBUTING_FACTORS] == (
        "What else made it worse or more likely? What did we know at each point, and what would have "
        "made it easier for anyone in that position?"
    )
    for question in GUIDING_QUESTIONS.values():
        assert question.endswith("?") or question.endswith(".")
        assert "_" not in question and "*" not in question  # they are printed in italics


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("SEV1", Severity.SEV1),
        ("sev1", Severity.SEV1),
        ("SEV 1", Severity.SEV1),
        ("Sev-1", Severity.SEV1),
        ("sev_2", Severity.SEV2),
        ("1", Severity.SEV1),
        (" 3 ", Severity.SEV3),
        ("sEv4", Severity.SEV4),
    ],
)
def test_parse_severity(typed: str, expected: Severity) -> None:
    assert parse_severity(typed) is expected


@pytest.mark.parametrize(
    "typed", ["SEV5", "sev0", "P1", "", "sev", "high", "SEV12", "sev\N{FULLWIDTH DIGIT ONE}", "SEV1!"]
)
def test_a_bad_severity_lists_the_valid_ones(typed: str) -> None:
    with pytest.raises(UserError, match=r"Valid severities: SEV1, SEV2, SEV3, SEV4"):
        parse_severity(typed)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            "alerting Alert went to a muted channel",
            (FactorCategory.ALERTING, "Alert went to a muted channel"),
        ),
        (
            "Technical   No validation on config values ",
            (FactorCategory.TECHNICAL, "No validation on config values"),
        ),
        ("process: Config changes bypass review", (FactorCategory.PROCESS, "Config changes bypass review")),
        (
            "documentation Limits\nare not written down",
            (FactorCategory.DOCUMENTATION, "Limits\nare not written down"),
        ),
        ("OTHER x", (FactorCategory.OTHER, "x")),
        ("testing\nNo integration test", (FactorCategory.TESTING, "No integration test")),
    ],
)
def test_parse_factor(args: str, expected: tuple[FactorCategory, str]) -> None:
    assert parse_factor(args) == expected


@pytest.mark.parametrize(
    "args", ["alert Alert went to a muted channel", "people Bob", "Alert went to a muted"]
)
def test_an_unknown_factor_category_lists_the_valid_ones(args: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_factor(args)
    assert "Valid categories: technical, process, alerting, testing, documentation, other" in str(
        caught.value
    )


@pytest.mark.parametrize("args", ["alerting", "alerting   ", "testing:"])
def test_a_factor_without_text_is_refused(args: str) -> None:
    with pytest.raises(UserError, match=r"What was the (alerting|testing) factor\?"):
        parse_factor(args)


def test_no_factor_at_all_names_the_categories() -> None:
    with pytest.raises(UserError, match=r"technical, process, alerting, testing, documentation or other"):
        parse_factor("  ")


# --- completeness ----------------------------------------------------------------------------------


def test_an_empty_postmortem_has_every_section_empty_in_template_order() -> None:
    assert empty_sections(EMPTY) == list(Section)
    assert missing_for_completion(EMPTY) == [Section.SUMMARY, Section.IMPACT, Section.ROOT_CAUSE]


def test_a_filled_postmortem_has_nothing_empty() -> None:
    assert empty_sections(FILLED) == []
    assert missing_for_completion(FILLED) == []


def test_blank_text_counts_as_empty() -> None:
    pm = dataclasses.replace(
        FILLED,
        summary="  \n ",
        went_well=(" ", ""),
        factors=(Factor(FactorCategory.OTHER, "\t"),),
    )
    assert empty_sections(pm) == [Section.SUMMARY, Section.CONTRIBUTING_FACTORS, Section.WENT_WELL]
    assert missing_for_completion(pm) == [Section.SUMMARY]


def test_only_summary_impact_and_root_cause_are_needed_to_complete() -> None:
    pm = dataclasses.replace(EMPTY, summary="s", impact="i", root_cause="r")
    assert missing_for_completion(pm) == []
    assert Section.SEVERITY in empty_sections(pm)


# --- transitions -----------------------------------------------------------------------------------

ALLOWED = {
    (Status.DRAFT, Status.IN_REVIEW),
    (Status.IN_REVIEW, Status.ACTION_ITEMS),
    (Status.IN_REVIEW, Status.COMPLETE),
    (Status.IN_REVIEW, Status.DRAFT),
    (Status.ACTION_ITEMS, Status.COMPLETE),
}


@pytest.mark.parametrize("here", list(Status))
@pytest.mark.parametrize("to", list(Status))
def test_every_move(here: Status, to: Status) -> None:
    pm = dataclasses.replace(FILLED, status=here)
    if (here, to) in ALLOWED:
        check_transition(pm, to)
        return
    with pytest.raises(UserError) as caught:
        check_transition(pm, to)
    message = str(caught.value)
    if here is to:
        expected = {
            Status.DRAFT: "already a draft",
            Status.IN_REVIEW: "already in review",
            Status.ACTION_ITEMS: "already at Action items in progress",
            Status.COMPLETE: "already complete",
        }[here]
        assert message == f"This postmortem is {expected}."
    elif here is Status.COMPLETE:
        assert message.startswith("This postmortem is already complete")
    else:
        assert f"cannot go from {STATUS_LABELS[here]} to {STATUS_LABELS[to]}" in message
        assert "Draft → In review → (Action items in progress →) Complete" in message


def test_a_refused_move_says_where_it_can_go() -> None:
    with pytest.raises(UserError, match=r"From Draft it can go to In review\.$"):
        check_transition(EMPTY, Status.COMPLETE)
    with pytest.raises(UserError, match=r"From Action items in progress it can go to Complete\.$"):
        check_transition(dataclasses.replace(EMPTY, status=Status.ACTION_ITEMS), Status.DRAFT)


def test_moves_into_and_back_from_review_do_not_need_content() -> None:
    check_transition(EMPTY, Status.IN_REVIEW)
    check_transition(dataclasses.replace(EMPTY, status=Status.IN_REVIEW), Status.DRAFT)


@pytest.mark.parametrize("to", [Status.ACTION_ITEMS, Status.COMPLETE])
def test_leaving_review_needs_the_written_sections(to: Status) -> None:
    with pytest.raises(UserError, match=r"the summary, impact and root cause are still empty"):
        check_transition(dataclasses.replace(EMPTY, status=Status.IN_REVIEW), to)


def test_completing_names_the_missing_sections() -> None:
    pm = dataclasses.replace(FILLED, status=Status.ACTION_ITEMS, summary="", root_cause=" ")
    with pytest.raises(UserError, match=r"the summary and root cause are still empty"):
        check_transition(pm, Status.COMPLETE)
    with pytest.raises(UserError, match=r"the impact is still empty"):
        check_transition(dataclasses.replace(FILLED, status=Status.ACTION_ITEMS, impact=""), Status.COMPLETE)
    with pytest.raises(UserError, match=r"the summary, impact and root cause are still empty"):
        check_transition(dataclasses.replace(EMPTY, status=Status.ACTION_ITEMS), Status.COMPLETE)


@pytest.mark.parametrize("severity", [Severity.SEV1, Severity.SEV2])
def test_a_sev1_or_sev2_needs_a_p0_or_p1_item_to_complete(severity: Severity) -> None:
    pm = dataclasses.replace(FILLED, status=Status.ACTION_ITEMS, severity=severity)
    with pytest.raises(
        UserError, match=rf"a {severity.value} postmortem needs at least one P0 or P1 action item"
    ):
        check_transition(pm, Status.COMPLETE, severity_requires_p0_p1=True, has_p0_or_p1=False)
    check_transition(pm, Status.COMPLETE, severity_requires_p0_p1=True, has_p0_or_p1=True)
    check_transition(pm, Status.COMPLETE, severity_requires_p0_p1=False, has_p0_or_p1=False)


@pytest.mark.parametrize("severity", [Severity.SEV3, Severity.SEV4, None])
def test_other_severities_complete_without_a_p0_or_p1_item(severity: Severity | None) -> None:
    pm = dataclasses.replace(FILLED, status=Status.ACTION_ITEMS, severity=severity)
    check_transition(pm, Status.COMPLETE, severity_requires_p0_p1=True, has_p0_or_p1=False)


def test_completing_gives_every_reason_at_once() -> None:
    pm = dataclasses.replace(FILLED, status=Status.ACTION_ITEMS, severity=Severity.SEV1, impact="")
    with pytest.raises(UserError) as caught:
        check_transition(pm, Status.COMPLETE, severity_requires_p0_p1=True, has_p0_or_p1=False)
    assert str(caught.value).startswith(
        "It cannot be completed yet: the impact is still empty (`/postmortem set <section> <text>`) "
        "and a SEV1 postmortem needs at least one P0 or P1 action item."
    )


# --- the 48-hour window ----------------------------------------------------------------------------

RESOLVED = datetime(2025, 3, 16, 0, 12, tzinfo=UTC)


def test_window_before_resolution_has_not_started() -> None:
    w = window(None, RESOLVED)
    assert (w.resolved_at, w.opens_at, w.due_at, w.left, w.hours_left) == (None, None, None, None, None)
    assert not w.started and not w.auto_open_passed and not w.deadline_passed
    assert describe_window(w) == "The 48-hour window starts when resolution is marked."


def test_window_while_running() -> None:
    w = window(RESOLVED, RESOLVED + timedelta(hours=10))
    assert w.started
    assert w.opens_at == RESOLVED + timedelta(hours=24)
    assert w.due_at == datetime(2025, 3, 18, 0, 12, tzinfo=UTC)
    assert w.hours_left == 38.0
    assert not w.auto_open_passed and not w.deadline_passed
    assert describe_window(w) == "38h left in the 48-hour window (until 2025-03-18 00:12 UTC)."
    w = window(RESOLVED, RESOLVED + timedelta(hours=1, minutes=0, seconds=59))
    assert describe_window(w) == "46h 59m left in the 48-hour window (until 2025-03-18 00:12 UTC)."


@pytest.mark.parametrize(
    ("after", "auto_open", "overdue"),
    [
        (timedelta(0), False, False),
        (timedelta(hours=24) - timedelta(microseconds=1), False, False),
        (timedelta(hours=24), True, False),
        (timedelta(hours=48) - timedelta(microseconds=1), True, False),
        (timedelta(hours=48), True, True),
        (timedelta(days=30), True, True),
    ],
)
def test_window_boundaries(after: timedelta, auto_open: bool, overdue: bool) -> None:
    w = window(RESOLVED, RESOLVED + after)
    assert (w.auto_open_passed, w.deadline_passed) == (auto_open, overdue)
    assert w.left == timedelta(hours=48) - after


def test_window_overdue() -> None:
    w = window(RESOLVED, RESOLVED + timedelta(hours=50, minutes=30))
    assert w.hours_left == -2.5
    assert w.deadline_passed
    assert describe_window(w) == "The 48-hour window closed at 2025-03-18 00:12 UTC, 2h 30m ago."
    at_deadline = window(RESOLVED, RESOLVED + timedelta(hours=48))
    assert at_deadline.hours_left == 0
    assert describe_window(at_deadline) == "The 48-hour window closed at 2025-03-18 00:12 UTC."


def test_window_with_configured_times_and_other_offsets() -> None:
    berlin_resolution = RESOLVED.astimezone(timezone(timedelta(hours=1)))
    w = window(
        berlin_resolution,
        RESOLVED + timedelta(hours=7),
        open_after=timedelta(hours=6),
        deadline=timedelta(hours=72),
    )
    assert w.auto_open_passed and not w.deadline_passed
    assert w.hours_left == 65.0
    assert w.due_at == RESOLVED + timedelta(hours=72)
    assert describe_window(w).endswith("in the 72-hour window (until 2025-03-19 00:12 UTC).")


def test_window_refuses_naive_times() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        window(RESOLVED, datetime(2025, 3, 16, 1, 0))
    with pytest.raises(ValueError, match="timezone-aware"):
        window(datetime(2025, 3, 16, 1, 0), RESOLVED)


# --- phases ----------------------------------------------------------------------------------------


def test_phases_in_order_give_no_warnings() -> None:
    t = timeline(
        impact_start=at(14, 10),
        detection=at(14, 19),
        acknowledgment=at(14, 19),  # equal times are in order
        mitigation=at(14, 40),
        resolution=at(15, 6),
    )
    assert phase_warnings(t) == []
    assert phase_warnings(timeline()) == []
    assert phase_warnings(timeline(acknowledgment=at(14, 0), resolution=at(15, 0))) == []


@pytest.mark.parametrize(
    ("phases", "expected"),
    [
        (
            {"detection": at(14, 19), "mitigation": at(14, 5)},
            ["mitigation (14:05) is before detection (14:19)"],
        ),
        (
            {"detection": at(14, 19), "acknowledgment": at(14, 15)},
            ["acknowledgment (14:15) is before detection (14:19)"],
        ),
        (
            {"mitigation": at(14, 40), "resolution": at(14, 30)},
            ["resolution (14:30) is before mitigation (14:40)"],
        ),
        (
            {"impact_start": at(14, 30), "detection": at(14, 19)},
            ["detection (14:19) is before impact start (14:30)"],
        ),
        (  # each later phase is held against the latest one before it: no inversion is missed
            {"detection": at(14, 19), "mitigation": at(14, 5), "resolution": at(14, 10)},
            [
                "mitigation (14:05) is before detection (14:19)",
                "resolution (14:10) is before detection (14:19)",
            ],
        ),
        (  # dates when the two are on different UTC days
            {"detection": at(0, 10, day=16), "acknowledgment": at(23, 55)},
            ["acknowledgment (2025-03-15 23:55) is before detection (2025-03-16 00:10)"],
        ),
        (  # seconds when the minute is the same
            {"detection": at(14, 19, 40), "acknowledgment": at(14, 19, 5)},
            ["acknowledgment (14:19:05) is before detection (14:19:40)"],
        ),
    ],
)
def test_phase_warnings(phases: dict[str, datetime], expected: list[str]) -> None:
    assert phase_warnings(timeline(**phases)) == expected


# --- names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Payments: checkout 500s (EU)", "payments-checkout-500s-eu"),
        ("Payment processing outage, March 15, 2025", "payment-processing-outage-march-15-2025"),
        ("Café crème brûlée — Zürich", "cafe-creme-brulee-zurich"),
        ("Straße & Łódź, Ærø", "strasse-lodz-aero"),
        ("  --Hello__World--  ", "hello-world"),
        ("🔥 DB down 🔥", "db-down"),
        ("\uff46\uff55\uff4c\uff4c\u3000\uff57\uff49\uff44\uff54\uff48", "full-width"),  # full-width
        ("日本語のタイトル", "postmortem"),
        ("", "postmortem"),
        ("!!!", "postmortem"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_a_long_slug_ends_on_a_word() -> None:
    title = "The payment service returned errors to every EU customer during the Tuesday release window"
    slug = slugify(title)
    assert slug == "the-payment-service-returned-errors-to-every-eu-customer"
    assert len(slug) <= 60
    assert slugify("x" * 100) == "x" * 60
    assert slugify("a " + "y" * 80) == "a-" + "y" * 58  # no word end in the second half: cut the word


@settings(max_examples=300)
@given(st.text())
def test_slugs_are_safe_short_and_stable(title: str) -> None:
    slug = slugify(title)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= 60
    assert slugify(slug) == slug
    assert slugify(title) == slug


def test_the_filename_is_dated_by_impact_start() -> None:
    pm = dataclasses.replace(
        EMPTY, title="Payments: checkout 500s", impact_started_at=at(23, 19), detected_at=at(0, 5, day=16)
    )
    assert export_filename(pm) == "2025-03-15-payments-checkout-500s.md"


def test_the_filename_falls_back_to_detection_then_creation() -> None:
    assert export_filename(dataclasses.replace(EMPTY, detected_at=at(0, 5, day=14))) == (
        "2025-03-14-payments-outage.md"
    )
    assert export_filename(EMPTY) == "2025-03-16-payments-outage.md"


def test_the_filename_date_is_the_utc_date() -> None:
    new_york_evening = datetime(2025, 3, 15, 21, 30, tzinfo=timezone(timedelta(hours=-4)))
    assert export_filename(dataclasses.replace(EMPTY, created_at=new_york_evening)).startswith("2025-03-16-")


def test_the_filename_takes_the_timelines_phases_when_given() -> None:
    t = timeline(detection=at(10, 0, day=12))
    assert export_filename(EMPTY, t) == "2025-03-12-payments-outage.md"
    assert export_filename(EMPTY, timeline()) == "2025-03-16-payments-outage.md"


def test_a_title_without_latin_letters_takes_the_channels_slug() -> None:
    pm = dataclasses.replace(EMPTY, title="決済の障害")
    assert export_filename(pm) == "2025-03-16-inc-2025-03-15-payments.md"


# --- the document ----------------------------------------------------------------------------------

GOLDEN_TIMELINE = Timeline(
    channel="inc-2025-03-15-payments",
    phases={
        Mark.IMPACT_START: at(21, 58),
        Mark.DETECTION: at(22, 3),
        Mark.ACKNOWLEDGMENT: at(22, 5),
        Mark.MITIGATION: at(23, 40),
        Mark.RESOLUTION: at(0, 12, day=16),
    },
    entries=(
        entry(at(21, 58), "checkout 500s", Mark.IMPACT_START, user="devon"),
        entry(at(22, 3), "[FIRING] 5xx rate", Mark.DETECTION, user="Grafana"),
        entry(at(22, 5), "on it", Mark.ACKNOWLEDGMENT),
        entry(at(23, 40), "rolled back v2.3.1", Mark.MITIGATION, Mark.KEY_EVENT),
        entry(at(0, 12, day=16), "all clear", Mark.RESOLUTION),
    ),
)
GOLDEN = dataclasses.replace(
    FILLED,
    title='Payments: "checkout" down #2',
    status=Status.ACTION_ITEMS,
    factors=(
        Factor(FactorCategory.ALERTING, "Alert routed to a muted channel."),
        Factor(FactorCategory.TECHNICAL, "No validation on config values."),
        Factor(FactorCategory.ALERTING, "Paging waited 4 minutes."),
    ),
    resolved_at=at(0, 12, day=16),
    participants=("Ana", "devon", "Grafana"),
)
ACTIONS = (
    ActionItemRow(1, "Validate config values in CI", "Ana", "P1", date(2025, 4, 1), "Open"),
    ActionItemRow(2, "Route critical alerts to the pager", "devon", "P0", date(2025, 3, 20), "Done"),
)
SECTION_HEADINGS = [
    "## Summary",
    "## Severity",
    "## Duration",
    "## Impact",
    "## Timeline (UTC)",
    "## Root cause",
    "## Contributing factors",
    "## What went well",
    "## What went poorly",
    "## Action items",
    "## Lessons learned",
]


def split_document(document: str) -> tuple[dict[str, Any], str]:
    assert document.startswith("---\n")
    front, sep, body = document[4:].partition("\n---\n")
    assert sep
    data = yaml.safe_load(front)
    assert isinstance(data, dict)
    return data, body


def section_body(document: str, heading: str) -> str:
    lines = document.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("## ")), len(lines))
    return "\n".join(lines[start:end]).strip("\n")


def test_golden_front_matter() -> None:
    data, _ = split_document(render_document(GOLDEN, GOLDEN_TIMELINE, ACTIONS))
    assert data == {
        "title": 'Payments: "checkout" down #2',
        "channel": "inc-2025-03-15-payments",
        "severity": "SEV2",
        "status": "action_items_in_progress",
        "lead": "Ana",
        "incident_date": "2025-03-15",
        "impact_start": "2025-03-15T21:58:00Z",
        "detection": "2025-03-15T22:03:00Z",
        "acknowledgment": "2025-03-15T22:05:00Z",
        "mitigation": "2025-03-15T23:40:00Z",
        "resolution": "2025-03-16T00:12:00Z",
        "time_to_detect": 300,
        "time_to_acknowledge": 120,
        "time_to_mitigate": 5820,
        "time_to_resolve": 7740,
        "duration": 8040,
        "created": "2025-03-16T09:00:00Z",
        "participants": ["Ana", "devon", "Grafana"],
    }


def test_front_matter_of_an_empty_postmortem_has_nulls() -> None:
    data, _ = split_document(render_document(EMPTY, timeline(), ()))
    for key in (
        "severity",
        "lead",
        "impact_start",
        "detection",
        "acknowledgment",
        "mitigation",
        "resolution",
    ):
        assert data[key] is None
    for key in ("time_to_detect", "time_to_acknowledge", "time_to_mitigate", "time_to_resolve", "duration"):
        assert data[key] is None
    assert data["participants"] == []
    assert data["incident_date"] == "2025-03-16"  # created_at: nothing is marked
    assert data["status"] == "draft"


def test_golden_document() -> None:
    doc = render_document(GOLDEN, GOLDEN_TIMELINE, ACTIONS)
    lines = doc.splitlines()
    front_keys = [line.split(":")[0] for line in lines[1 : lines.index("---", 1)] if re.match(r"^\w+:", line)]
    assert front_keys == [
        "title",
        "channel",
        "severity",
        "status",
        "lead",
        "incident_date",
        "impact_start",
        "detection",
        "acknowledgment",
        "mitigation",
        "resolution",
        "time_to_detect",
        "time_to_acknowledge",
        "time_to_mitigate",
        "time_to_resolve",
        "duration",
        "created",
        "participants",
    ]
    _, body = split_document(doc)
    body_lines = body.splitlines()
    assert body_lines[:3] == [
        "",
        '# Payments: "checkout" down #2',
        "",
    ]
    assert body_lines[3] == (
        "**Status:** Action items in progress · **Lead:** Ana · **Channel:** #inc-2025-03-15-payments · "
        "**Participants:** Ana, devon, Grafana"
    )
    assert [line for line in lines if line.startswith("## ")] == SECTION_HEADINGS
    assert section_body(doc, "## Summary") == "Checkout failed for EU customers."
    assert section_body(doc, "## Severity") == "SEV2"
    assert section_body(doc, "## Duration") == "2h 14m (21:58 \u2013 00:12 UTC)"
    assert section_body(doc, "## Impact") == "312 customers could not pay for 2h 14m."
    assert section_body(doc, "## Root cause") == "A migration reached production without running on staging."
    assert section_body(doc, "## Contributing factors").splitlines() == [
        "### Technical",
        "",
        "- No validation on config values.",
        "",
        "### Alerting",
        "",
        "- Alert routed to a muted channel.",
        "- Paging waited 4 minutes.",
    ]
    assert section_body(doc, "## What went well") == "- Rollback took 8 minutes."
    assert section_body(doc, "## What went poorly") == "- The alert went to a muted channel."
    assert section_body(doc, "## Action items") == "\n".join(
        [
            "| # | Action | Owner | Priority | Due | Status |",
            "|---|---|---|---|---|---|",
            "| 1 | Validate config values in CI | Ana | P1 | 2025-04-01 | Open |",
            "| 2 | Route critical alerts to the pager | devon | P0 | 2025-03-20 | Done |",
        ]
    )
    assert section_body(doc, "## Lessons learned") == "- Staging is part of the deploy, not an option."


def test_the_timeline_section_reuses_the_timeline_markdown() -> None:
    doc = render_document(GOLDEN, GOLDEN_TIMELINE, ACTIONS)
    timeline_part = section_body(doc, "## Timeline (UTC)").splitlines()
    assert "| Impact start | 2025-03-15 21:58 |" in timeline_part
    assert "| Resolution | 2025-03-16 00:12 |" in timeline_part
    assert "- Time to detect: 5m" in timeline_part
    assert "- Duration: 2h 14m" in timeline_part
    start = timeline_part.index("| Time (UTC) | Event | Source |")
    assert timeline_part[start + 1 :] == [
        "|---|---|---|",
        "| 2025-03-15 21:58 | checkout 500s **[impact start]** | devon |",
        "| 22:03 | [FIRING] 5xx rate **[detection]** | Grafana |",
        "| 22:05 | on it **[acknowledgment]** | Ana |",
        "| 23:40 | rolled back v2.3.1 **[mitigation, key event]** | Ana |",
        "| 2025-03-16 00:12 | all clear **[resolution]** | Ana |",
    ]
    assert "Timeline of #" not in doc  # the timeline's own heading gives way to the document's


def test_the_document_is_plain_lf_text_with_one_trailing_newline() -> None:
    doc = render_document(GOLDEN, GOLDEN_TIMELINE, ACTIONS)
    assert doc.endswith("\n") and not doc.endswith("\n\n")
    assert "\r" not in doc
    assert "\n\n\n" not in doc
    assert all(line == line.rstrip() for line in doc.splitlines())


def test_blank_and_multi_line_names() -> None:
    pm = dataclasses.replace(GOLDEN, lead="  ", participants=("", "Ana\nB.", "  "))
    doc = render_document(pm, GOLDEN_TIMELINE, ())
    data, body = split_document(doc)
    assert data["lead"] is None
    assert data["participants"] == ["Ana B."]
    assert "**Lead:** nobody yet · " in body
    assert body.splitlines()[3].endswith("**Participants:** Ana B.")
    assert render_summary_lines(pm, GOLDEN_TIMELINE)[3] == "Lead: nobody yet"


def test_same_input_same_bytes() -> None:
    first = render_document(GOLDEN, GOLDEN_TIMELINE, ACTIONS).encode()
    assert render_document(GOLDEN, GOLDEN_TIMELINE, ACTIONS).encode() == first
    # The same phases, inserted into the mapping in another order, and fresh copies of everything.
    reordered = Timeline(
        GOLDEN_TIMELINE.channel,
        dict(reversed(list(GOLDEN_TIMELINE.phases.items()))),
        tuple(GOLDEN_TIMELINE.entries),
    )
    copy = dataclasses.replace(GOLDEN, factors=tuple(dataclasses.replace(f) for f in GOLDEN.factors))
    assert render_document(copy, reordered, list(ACTIONS)).encode() == first


def test_factors_group_by_category_and_keep_their_given_order() -> None:
    a1 = Factor(FactorCategory.ALERTING, "first alerting")
    a2 = Factor(FactorCategory.ALERTING, "second alerting")
    t1 = Factor(FactorCategory.TESTING, "a testing gap")
    p1 = Factor(FactorCategory.PROCESS, "a process gap")

    def factors(*given: Factor) -> str:
        doc = render_document(dataclasses.replace(FILLED, factors=given), timeline(), ())
        return section_body(doc, "## Contributing factors")

    interleaved = factors(t1, a1, p1, a2)
    assert factors(a1, a2, t1, p1) == interleaved  # categories in their fixed order, whatever came first
    assert interleaved.splitlines() == [
        "### Process",
        "",
        "- a process gap",
        "",
        "### Alerting",
        "",
        "- first alerting",
        "- second alerting",
        "",
        "### Testing",
        "",
        "- a testing gap",
    ]
    swapped = factors(a2, t1, a1, p1)  # within a category, the order given is the order shown
    assert swapped.index("second alerting") < swapped.index("first alerting")


def test_empty_sections_show_their_guiding_question() -> None:
    doc = render_document(EMPTY, timeline(), ())
    assert [line for line in doc.splitlines() if line.startswith("## ")] == SECTION_HEADINGS
    for section, heading in [
        (Section.SUMMARY, "## Summary"),
        (Section.IMPACT, "## Impact"),
        (Section.ROOT_CAUSE, "## Root cause"),
        (Section.CONTRIBUTING_FACTORS, "## Contributing factors"),
        (Section.WENT_WELL, "## What went well"),
        (Section.WENT_POORLY, "## What went poorly"),
        (Section.LESSONS, "## Lessons learned"),
    ]:
        assert section_body(doc, heading) == f"_Not written yet. {GUIDING_QUESTIONS[section]}_"
    assert section_body(doc, "## Severity") == f"_Not set yet. {GUIDING_QUESTIONS[Section.SEVERITY]}_"
    assert section_body(doc, "## Action items") == f"_Not written yet. {pmd.ACTION_ITEMS_QUESTION}_"
    assert section_body(doc, "## Duration") == (
        "_Unknown yet: impact start missing — mark it with :boom:; "
        "resolution missing — mark it with :white_check_mark:._"
    )
    assert "_No events yet: mark messages in the incident channel with emoji reactions._" in doc
    assert "**Lead:** nobody yet" in doc
    assert "**Participants:**" not in doc


def test_duration_of_an_unresolved_incident_and_custom_marks() -> None:
    t = timeline(detection=at(14, 19))
    doc = render_document(EMPTY, t, (), emoji_marks=parse_emoji_marks("siren=detection,ok=resolution"))
    assert section_body(doc, "## Duration") == (
        "_Unknown yet: started 2025-03-15 14:19 UTC; resolution missing — mark it with :ok:._"
    )
    assert "| Resolution | _missing — mark it with :ok:_ |" in doc


def test_duration_of_a_day_or_more_shows_dates() -> None:
    t = timeline(impact_start=at(22, 0), resolution=at(23, 30, day=16))
    doc = render_document(EMPTY, t, ())
    assert section_body(doc, "## Duration") == "1d 1h 30m (2025-03-15 22:00 \u2013 2025-03-16 23:30 UTC)"


def test_a_flagged_root_cause_carries_the_note() -> None:
    flagged = dataclasses.replace(
        GOLDEN, root_cause="Bob deployed without checking.", root_cause_flagged=True
    )
    assert ROOT_CAUSE_NOTE == (
        "⚠ This root cause names a person; a root cause is the system or decision that allowed the failure."
    )
    doc = render_document(flagged, GOLDEN_TIMELINE, ACTIONS)
    assert section_body(doc, "## Root cause") == f"Bob deployed without checking.\n\n> {ROOT_CAUSE_NOTE}"
    unflagged = render_document(dataclasses.replace(flagged, root_cause_flagged=False), GOLDEN_TIMELINE, ())
    assert "names a person" not in unflagged
    # An emptied root cause shows its question, not a note about text that is gone.
    emptied = render_document(dataclasses.replace(flagged, root_cause=""), GOLDEN_TIMELINE, ())
    assert (
        section_body(emptied, "## Root cause")
        == f"_Not written yet. {GUIDING_QUESTIONS[Section.ROOT_CAUSE]}_"
    )


def test_table_cells_are_escaped() -> None:
    actions = [
        ActionItemRow(1, "Add a | pipe\nand a new line <b>", "Ana | SRE", "P1", date(2025, 4, 1), "Open"),
        ActionItemRow(2, "", "x", "P2", date(2025, 4, 2), "Won't do"),
    ]
    doc = render_document(GOLDEN, GOLDEN_TIMELINE, actions)
    rows = section_body(doc, "## Action items").splitlines()[2:]
    assert rows == [
        "| 1 | Add a \\| pipe<br>and a new line &lt;b> | Ana \\| SRE | P1 | 2025-04-01 | Open |",
        "| 2 |  | x | P2 | 2025-04-02 | Won't do |",
    ]
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row)) == 7


def test_user_text_cannot_break_out_of_its_section() -> None:
    pm = dataclasses.replace(
        GOLDEN,
        summary="Line one\n## Injected heading\n```\nunclosed fence\n<script>x</script>",
        impact="Heading by underline\n---\nmore\n===",
        went_well=("# not a heading\nsecond line  ", "~~~"),
        lessons=("ok\r\nwindows line\rold mac",),
    )
    doc = render_document(pm, GOLDEN_TIMELINE, ACTIONS)
    assert [line for line in doc.splitlines() if line.startswith("## ")] == SECTION_HEADINGS
    assert section_body(doc, "## Summary") == (
        "Line one\n\\## Injected heading\n\\```\nunclosed fence\n&lt;script>x&lt;/script>"
    )
    assert section_body(doc, "## Impact") == "Heading by underline\n\\---\nmore\n\\==="
    assert section_body(doc, "## What went well") == "- \\# not a heading\n  second line\n- \\~~~"
    assert section_body(doc, "## Lessons learned") == "- ok\n  windows line\n  old mac"
    assert "\r" not in doc


def test_the_title_is_one_line_everywhere() -> None:
    pm = dataclasses.replace(GOLDEN, title="  Payments:\n 'down'   # again  ")
    doc = render_document(pm, GOLDEN_TIMELINE, ())
    data, body = split_document(doc)
    assert data["title"] == "Payments: 'down' # again"
    assert body.splitlines()[1] == "# Payments: 'down' # again"
    assert render_summary_lines(pm, GOLDEN_TIMELINE)[0] == "Payments: 'down' # again"


def test_lone_surrogates_do_not_stop_the_export() -> None:
    pm = dataclasses.replace(GOLDEN, summary="bad \ud800 text")
    doc = render_document(pm, GOLDEN_TIMELINE, ())
    assert "bad \ufffd text" in doc
    doc.encode("utf-8")


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        "Payments: checkout",
        'say "hi"',
        "# not a comment",
        "- not a list",
        "yes",
        "null",
        "~",
        "2025-03-15",
        "1e3",
        "back\\slash",
        "tab\tand\nnew line",
        "\x00\x07\x1b\x7f\x85\u2028\u2029\ufeff",
        "🔥 emoji and é",
        " leading and trailing ",
        "",
    ],
)
def test_yaml_strings_read_back_exactly(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_string(text)}") == {"k": text}
    assert "\n" not in yaml_string(text)


@settings(max_examples=300)
@given(st.text())
def test_any_yaml_string_reads_back_exactly(text: str) -> None:
    assert yaml.safe_load(f"k: {yaml_string(text)}") == {"k": text}


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)


@settings(max_examples=150, deadline=None)
@given(
    title=TEXT,
    lead=st.none() | TEXT,
    summary=TEXT,
    root_cause=TEXT,
    items=st.lists(TEXT, max_size=3),
    factors=st.lists(st.tuples(st.sampled_from(FactorCategory), TEXT), max_size=4),
    participants=st.lists(TEXT, max_size=3),
    action_text=TEXT,
)
def test_any_text_keeps_the_documents_shape(
    title: str,
    lead: str | None,
    summary: str,
    root_cause: str,
    items: list[str],
    factors: list[tuple[FactorCategory, str]],
    participants: list[str],
    action_text: str,
) -> None:
    pm = dataclasses.replace(
        GOLDEN,
        title=title,
        lead=lead,
        summary=summary,
        root_cause=root_cause,
        went_well=tuple(items),
        went_poorly=tuple(items),
        lessons=tuple(items),
        factors=tuple(Factor(c, t) for c, t in factors),
        participants=tuple(participants),
    )
    actions = [ActionItemRow(1, action_text, action_text, "P1", date(2025, 4, 1), "Open")]
    doc = render_document(pm, GOLDEN_TIMELINE, actions)
    assert doc == render_document(pm, GOLDEN_TIMELINE, actions)
    data, body = split_document(doc)
    assert data["title"] == " ".join(title.split())
    assert data["lead"] == (" ".join(lead.split()) or None if lead is not None else None)
    assert data["participants"] == [" ".join(p.split()) for p in participants if p.strip()]
    assert [line for line in body.splitlines() if line.startswith("## ")] == SECTION_HEADINGS
    assert [line for line in body.splitlines() if line.startswith("# ")] == body.splitlines()[1:2]
    assert not any(line.lstrip().startswith(("```", "~~~")) for line in body.splitlines())
    assert "\r" not in doc and doc.endswith("\n")
    table = section_body(doc, "## Action items").splitlines()
    assert len(table) == 3
    assert len(re.findall(r"(?<!\\)\|", table[2].replace("\\\\", ""))) == 7


# --- the parent message ----------------------------------------------------------------------------


def test_summary_lines() -> None:
    assert render_summary_lines(GOLDEN, GOLDEN_TIMELINE) == [
        'Payments: "checkout" down #2',
        "Status: Action items in progress",
        "Severity: SEV2",
        "Lead: Ana",
        "Duration: 2h 14m (21:58 \u2013 00:12 UTC)",
        "Every section has something in it.",
    ]
    assert render_summary_lines(EMPTY, timeline()) == [
        "Payments outage",
        "Status: Draft",
        "Severity: not set",
        "Lead: nobody yet",
        "Duration: unknown (start or resolution not marked)",
        "Still empty: Summary, Severity, Impact, Root cause, Contributing factors, What went well, "
        "What went poorly, Lessons learned",
    ]


def test_the_module_reads_no_clock() -> None:
    for module in (pmd, postmortem_status):
        source = inspect.getsource(module)
        for call in ("datetime.now", "date.today", "time.time", "datetime.utcnow"):
            assert call not in source
