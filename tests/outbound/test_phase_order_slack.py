"""In Slack too, phases out of order are shown as such and their durations as unknown, never negative:
`/postmortem timeline`, the postmortem thread's parent and `/postmortem status`."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from bot.domain.postmortem import Postmortem, Status
from bot.domain.postmortem_status import phase_warnings, window
from bot.domain.timeline import PHASES, Timeline
from bot.outbound.slack.render.postmortem import postmortem_parent, status_lines
from bot.outbound.slack.render.timeline import timeline_messages


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
MIXED = timeline(impact_start=at(14, 0), detection=at(14, 19), mitigation=at(14, 5), resolution=at(13, 50))
NEGATIVE = re.compile(r"(?<![\w-])-\s?[0-9]+\s?[dhms]\b|\u2212[0-9]")


def texts(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_timeline_message() -> None:
    first = timeline_messages(MIXED)[0]
    phases, durations = first[1]["text"]["text"], first[2]["text"]["text"]
    assert ":warning: _mitigation (14:05) is before detection (14:19) \u2014 check the marks_" in phases
    assert ":warning: _resolution (13:50) is before detection (14:19) \u2014 check the marks_" in phases
    assert "*Time to detect*  19m" in durations
    assert "*Time to acknowledge*  _unknown_" in durations
    assert (
        "*Time to mitigate*  _unknown (mitigation is before detection \u2014 check the marks)_" in durations
    )
    assert "*Duration*  _unknown (resolution is before impact start \u2014 check the marks)_" in durations


def test_postmortem_parent() -> None:
    shown = texts(postmortem_parent(PM, MIXED))
    assert "*Duration:* unknown (resolution is before impact start \u2014 check the marks)" in shown
    assert ":warning: mitigation (14:05) is before detection (14:19) \u2014 check the marks" in shown


def test_status_lines() -> None:
    lines = status_lines(PM, MIXED, phase_warnings(MIXED), window(None, at(20, 0)))
    assert ":warning: mitigation (14:05) is before detection (14:19) \u2014 check the marks" in lines
    assert any("*Duration:* unknown (resolution is before impact start" in line for line in lines)


def test_phases_in_order_carry_no_warning() -> None:
    fine = timeline(impact_start=at(14, 0), detection=at(14, 19), resolution=at(16, 33))
    assert ":warning:" not in texts(postmortem_parent(PM, fine))
    assert "*Duration:* 2h 33m" in texts(postmortem_parent(PM, fine))
    assert ":warning:" not in texts(timeline_messages(fine)[0])


phase_times = st.one_of(
    st.none(), st.builds(lambda m: at(12, 0) + timedelta(minutes=m), st.integers(-3 * 24 * 60, 3 * 24 * 60))
)


@given(st.fixed_dictionaries({mark.value: phase_times for mark in PHASES}))
def test_no_slack_view_shows_a_negative_duration(phases: dict[str, datetime | None]) -> None:
    t = timeline(**phases)
    shown = texts(timeline_messages(t)[0]) + texts(postmortem_parent(PM, t))
    shown += "\n".join(status_lines(PM, t, phase_warnings(t), window(None, at(20, 0))))
    assert NEGATIVE.search(shown) is None
