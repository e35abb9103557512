"""Phases out of order are shown as such and their durations as unknown, never negative: in the CLI
text, the Markdown, the JSON and the exported postmortem document (bot.domain.timeline_render,
bot.domain.postmortem_document). The Slack views: tests/outbound/test_phase_order_slack.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.postmortem import Postmortem, Status
from bot.domain.postmortem_document import render_document, render_summary_lines
from bot.domain.postmortem_status import phase_warnings
from bot.domain.timeline import PHASES, Timeline
from bot.domain.timeline_render import (
    inverted_duration,
    out_of_order,
    render_markdown,
    render_text,
    shown_duration,
    timeline_json,
)


def at(hh: int, mm: int, day: int = 15) -> datetime:
    return datetime(2025, 3, day, hh, mm, tzinfo=UTC)


def timeline(**phases: datetime | None) -> Timeline:
    return Timeline("inc", {mark: phases.get(mark.value) for mark in PHASES}, ())


PM = Postmortem(
    channel="inc",
    title="Checkout outage",
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

# Mitigation marked before detection; resolution before impact start.
MIXED = timeline(impact_start=at(14, 0), detection=at(14, 19), mitigation=at(14, 5), resolution=at(13, 50))
MITIGATION = "mitigation (14:05) is before detection (14:19) \u2014 check the marks"
RESOLUTION = "resolution (13:50) is before detection (14:19) \u2014 check the marks"
# "-5m", "-1h 12m", or with a minus sign (U+2212) as the issue quoted it.
NEGATIVE = re.compile(r"(?<![\w-])-\s?[0-9]+\s?[dhms]\b|\u2212[0-9]")


def test_out_of_order_reuses_the_status_wording() -> None:
    assert phase_warnings(MIXED) == [
        "mitigation (14:05) is before detection (14:19)",
        "resolution (13:50) is before detection (14:19)",
    ]
    assert out_of_order(MIXED) == [MITIGATION, RESOLUTION]
    assert out_of_order(timeline(impact_start=at(14, 0), detection=at(14, 0))) == []


def test_which_durations_are_unknown_and_why() -> None:
    assert shown_duration(MIXED, "time_to_detect") == "19m"
    assert shown_duration(MIXED, "time_to_acknowledge") == "unknown"  # not marked: no reason to give
    assert inverted_duration(MIXED, "time_to_acknowledge") is None
    assert shown_duration(MIXED, "time_to_mitigate") == (
        "unknown (mitigation is before detection \u2014 check the marks)"
    )
    assert shown_duration(MIXED, "time_to_resolve") == (
        "unknown (resolution is before detection \u2014 check the marks)"
    )
    assert shown_duration(MIXED, "duration") == (
        "unknown (resolution is before impact start \u2014 check the marks)"
    )
    # With no impact start the overall duration runs from detection, and says so.
    no_start = timeline(detection=at(14, 19), resolution=at(14, 0))
    assert inverted_duration(no_start, "duration") == "resolution is before detection \u2014 check the marks"


def test_cli_text() -> None:
    out = render_text(MIXED)
    assert f"  Out of order: {MITIGATION}" in out.splitlines()
    assert f"  Out of order: {RESOLUTION}" in out.splitlines()
    assert re.search(r"^  Time to detect\s+19m$", out, re.M)
    mitigate = "unknown (mitigation is before detection \u2014 check the marks)"
    duration = "unknown (resolution is before impact start \u2014 check the marks)"
    assert re.search(rf"^  Time to mitigate\s+{re.escape(mitigate)}$", out, re.M)
    assert re.search(rf"^  Duration\s+{re.escape(duration)}$", out, re.M)
    assert "Out of order" not in render_text(timeline(detection=at(14, 0), mitigation=at(14, 5)))


def test_markdown() -> None:
    lines = render_markdown(MIXED).splitlines()
    assert f"- **Out of order:** {MITIGATION}" in lines
    assert "- Time to mitigate: unknown (mitigation is before detection \u2014 check the marks)" in lines
    assert "- Duration: unknown (resolution is before impact start \u2014 check the marks)" in lines


def test_json() -> None:
    data = timeline_json(MIXED)
    assert data["durations_s"] == {
        "time_to_detect": 19 * 60,
        "time_to_acknowledge": None,
        "time_to_mitigate": None,
        "time_to_resolve": None,
        "duration": None,
    }
    assert data["phase_warnings"] == [MITIGATION, RESOLUTION]


def test_export_document() -> None:
    document = render_document(PM, MIXED, ())
    assert "## Duration\n\n_Unknown: resolution is before impact start \u2014 check the marks._" in document
    assert f"- **Out of order:** {MITIGATION}" in document.splitlines()
    front = document.split("---")[1]
    assert "time_to_mitigate: null" in front and "duration: null" in front
    assert "time_to_detect: 1140" in front
    summary = render_summary_lines(PM, MIXED)
    assert "Duration: unknown (resolution is before impact start \u2014 check the marks)" in summary


def test_in_order_phases_read_as_before() -> None:
    fine = timeline(impact_start=at(14, 0), detection=at(14, 19), resolution=at(16, 33))
    assert "2h 33m (14:00 \u2013 16:33 UTC)" in render_document(PM, fine, ())
    assert "Duration: 2h 33m (14:00 \u2013 16:33 UTC)" in render_summary_lines(PM, fine)
    assert timeline_json(fine)["phase_warnings"] == []


phase_times = st.one_of(
    st.none(), st.builds(lambda m: at(12, 0) + timedelta(minutes=m), st.integers(-3 * 24 * 60, 3 * 24 * 60))
)


@given(st.fixed_dictionaries({mark.value: phase_times for mark in PHASES}))
def test_no_view_ever_shows_a_negative_duration(phases: dict[str, datetime | None]) -> None:
    t = timeline(**phases)
    data = timeline_json(t)
    assert all(v is None or v >= 0 for v in data["durations_s"].values())
    views = (render_text(t), render_markdown(t), render_document(PM, t, ()), *render_summary_lines(PM, t))
    for shown in views:
        assert NEGATIVE.search(shown) is None, shown
    # A duration is unknown with a reason exactly when both its ends are marked, in the wrong order.
    for attr, seconds in data["durations_s"].items():
        reason = inverted_duration(t, attr)
        assert (seconds is None and "check the marks" in shown_duration(t, attr)) == (reason is not None)
    marked = [when for mark in PHASES if (when := t.phases[mark]) is not None]
    assert (data["phase_warnings"] == []) == (marked == sorted(marked))
    assert len(data["phase_warnings"]) == len(phase_warnings(t))
