"""bot.domain.timeline_render: the CLI text, the Markdown section and the stable JSON shape."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

import jsonschema
import pytest

from bot.domain.timeline import DEFAULT_EMOJI_MARKS, PHASES, Mark, Timeline, parse_emoji_marks
from bot.domain.timeline_render import format_duration, render_markdown, render_text, timeline_json
from tests.factories import at, entry

ENTRIES = (
    entry(at(23, 14), "deploy started", Mark.KEY_EVENT, user="maya", posted=at(23, 40)),
    entry(at(23, 19), "checkout errors", Mark.IMPACT_START, user="devon.b"),
    entry(at(23, 23, 41), "[FIRING] 5xx", Mark.DETECTION, user="Grafana"),
    entry(at(23, 24), "on it", Mark.ACKNOWLEDGMENT, Mark.KEY_EVENT, user="Jonas (SRE)"),
    entry(at(23, 50), "pipes | and\nnew lines <b>", user="Priya", thread_ts="1742080000.000100"),
    entry(at(0, 31, day=16), "rolled back", Mark.MITIGATION, user="maya", posted=at(0, 40, day=16)),
)
TIMELINE = Timeline(
    channel="inc-2025-03-15-payments",
    phases={
        Mark.IMPACT_START: at(23, 19),
        Mark.DETECTION: at(23, 23, 41),
        Mark.ACKNOWLEDGMENT: at(23, 24),
        Mark.MITIGATION: at(0, 31, day=16),
        Mark.RESOLUTION: None,
    },
    entries=ENTRIES,
)


@pytest.mark.parametrize(
    ("td", "expected"),
    [
        (timedelta(0), "0m"),
        (timedelta(microseconds=1), "<1m"),
        (timedelta(seconds=43), "<1m"),
        (timedelta(seconds=59, microseconds=999999), "<1m"),
        (timedelta(seconds=60), "1m"),
        (timedelta(minutes=47, seconds=59), "47m"),
        (timedelta(hours=1, minutes=12), "1h 12m"),
        (timedelta(hours=2, minutes=14), "2h 14m"),
        (timedelta(hours=2), "2h"),
        (timedelta(days=1, hours=3, minutes=5), "1d 3h 5m"),
        (timedelta(days=1, minutes=5), "1d 5m"),
        (timedelta(days=3), "3d"),
        (timedelta(minutes=-5), "-5m"),
        (timedelta(hours=-1, minutes=-12, seconds=-30), "-1h 12m"),
        (timedelta(seconds=-30), "0m"),
    ],
)
def test_format_duration(td: timedelta, expected: str) -> None:
    assert format_duration(td) == expected


# --- text -------------------------------------------------------------------------------------------


def test_text_header_phases_and_durations() -> None:
    out = render_text(TIMELINE)
    assert out.splitlines()[0] == "Timeline of #inc-2025-03-15-payments (all times UTC)"
    assert re.search(r"^  Impact start\s+2025-03-15 23:19$", out, re.M)
    assert re.search(r"^  Detection\s+2025-03-15 23:23$", out, re.M)
    assert re.search(r"^  Resolution\s+missing — mark it with :white_check_mark:$", out, re.M)
    assert re.search(r"^  Time to detect\s+4m$", out, re.M)
    assert re.search(r"^  Time to acknowledge\s+<1m$", out, re.M)  # 19 s
    assert re.search(r"^  Time to mitigate\s+1h 7m$", out, re.M)
    assert re.search(r"^  Time to resolve\s+unknown$", out, re.M)
    assert re.search(r"^  Duration\s+unknown$", out, re.M)


def test_text_missing_phase_names_the_configured_emoji() -> None:
    marks = parse_emoji_marks("fire=impact_start,siren=detection,ok=resolution")
    out = render_text(TIMELINE, marks)
    assert "missing — mark it with :ok:" in out
    assert "missing — mark it with :white_check_mark:" not in out
    no_resolution = {e: m for e, m in DEFAULT_EMOJI_MARKS.items() if m is not Mark.RESOLUTION}
    assert "Resolution      missing — no emoji is mapped to it" in render_text(TIMELINE, no_resolution)


def test_text_entries_with_date_lines() -> None:
    lines = render_text(TIMELINE).splitlines()
    body = lines[lines.index("Entries (6)") + 1 :]
    assert body == [
        "2025-03-15",
        "23:14  maya  deploy started  [key event]  (stated; posted 23:40)",
        "23:19  devon.b  checkout errors  [impact start]",
        "23:23  Grafana  [FIRING] 5xx  [detection]",
        "23:24  Jonas (SRE)  on it  [acknowledgment, key event]",
        "23:50  Priya  pipes | and",
        "         new lines <b>",
        "2025-03-16",
        "00:31  maya  rolled back  [mitigation]  (stated; posted 00:40)",
    ]


def test_text_stated_note_carries_the_date_when_it_differs() -> None:
    t = Timeline(
        "inc", dict.fromkeys(PHASES), (entry(at(23, 50), "x", Mark.KEY_EVENT, posted=at(0, 9, day=16)),)
    )
    assert "23:50  Ana  x  [key event]  (stated; posted 2025-03-16 00:09)" in render_text(t)


def test_text_of_an_empty_timeline() -> None:
    out = render_text(Timeline("inc", dict.fromkeys(PHASES), ()))
    assert "Entries (0)" in out
    assert "mark it with :boom:" in out
    assert out.count("unknown") == 5


# --- markdown ---------------------------------------------------------------------------------------


def test_markdown_tables() -> None:
    out = render_markdown(TIMELINE)
    lines = out.splitlines()
    assert "| Phase | Time (UTC) |" in lines
    assert "| Impact start | 2025-03-15 23:19 |" in lines
    assert "| Resolution | _missing — mark it with :white_check_mark:_ |" in lines
    assert "- Time to detect: 4m" in lines
    assert "- Duration: unknown" in lines
    start = lines.index("| Time (UTC) | Event | Source |")
    assert lines[start + 1] == "|---|---|---|"
    assert lines[start + 2 : start + 8] == [
        "| 2025-03-15 23:14 | deploy started **[key event]** _(stated; posted 23:40)_ | maya |",
        "| 23:19 | checkout errors **[impact start]** | devon.b |",
        "| 23:23 | [FIRING] 5xx **[detection]** | Grafana |",
        "| 23:24 | on it **[acknowledgment, key event]** | Jonas (SRE) |",
        "| 23:50 | pipes \\| and<br>new lines &lt;b> | Priya |",
        "| 2025-03-16 00:31 | rolled back **[mitigation]** _(stated; posted 00:40)_ | maya |",
    ]


def test_markdown_rows_always_have_three_cells() -> None:
    nasty = Timeline(
        "inc",
        dict.fromkeys(PHASES),
        (entry(at(1, 0), "a|b\\|c\r\nd\n\ne", user="x|y"), entry(at(1, 1), "", user="z")),
    )
    rows = [
        line
        for line in render_markdown(nasty).splitlines()
        if line.startswith("| 2025") or line.startswith("| 01")
    ]
    assert len(rows) == 2
    for row in rows:
        assert len(re.findall(r"(?<!\\)\|", row.replace("\\\\", ""))) == 4
    assert "a\\|b\\\\\\|c<br>d<br><br>e" in rows[0]


def test_markdown_uses_the_configured_emoji() -> None:
    assert "mark it with :ok:" in render_markdown(TIMELINE, parse_emoji_marks("ok=resolution"))


# --- json -------------------------------------------------------------------------------------------

T = {"type": ["string", "null"], "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$"}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["channel", "phases", "durations_s", "entries", "phase_warnings"],
    "properties": {
        "channel": {"type": "string"},
        "phases": {
            "type": "object",
            "additionalProperties": False,
            "required": ["impact_start", "detection", "acknowledgment", "mitigation", "resolution"],
            "properties": {
                k: T for k in ["impact_start", "detection", "acknowledgment", "mitigation", "resolution"]
            },
        },
        "durations_s": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "time_to_detect",
                "time_to_acknowledge",
                "time_to_mitigate",
                "time_to_resolve",
                "duration",
            ],
            "properties": {
                k: {"type": ["integer", "null"]}
                for k in [
                    "time_to_detect",
                    "time_to_acknowledge",
                    "time_to_mitigate",
                    "time_to_resolve",
                    "duration",
                ]
            },
        },
        "phase_warnings": {"type": "array", "items": {"type": "string"}},
        "entries": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "at",
                    "posted_at",
                    "ts",
                    "thread_ts",
                    "user",
                    "user_id",
                    "text",
                    "marks",
                    "from_app",
                    "permalink",
                ],
                "properties": {
                    "at": {**T, "type": "string"},
                    "posted_at": {**T, "type": "string"},
                    "ts": {"type": "string"},
                    "thread_ts": {"type": ["string", "null"]},
                    "user": {"type": "string"},
                    "user_id": {"type": ["string", "null"]},
                    "text": {"type": "string"},
                    "marks": {"type": "array", "items": {"enum": [m.value for m in Mark]}},
                    "from_app": {"type": "boolean"},
                    "permalink": {"type": ["string", "null"], "pattern": r"^https://[^/]+/archives/"},
                },
            },
        },
    },
}


def test_json_shape_is_exact() -> None:
    data = timeline_json(TIMELINE)
    jsonschema.validate(data, SCHEMA)
    assert list(data) == ["channel", "phases", "durations_s", "entries", "phase_warnings"]
    assert json.loads(json.dumps(data)) == data


def test_json_values() -> None:
    data = timeline_json(TIMELINE)
    assert data["channel"] == "inc-2025-03-15-payments"
    assert data["phases"] == {
        "impact_start": "2025-03-15T23:19:00Z",
        "detection": "2025-03-15T23:23:41Z",
        "acknowledgment": "2025-03-15T23:24:00Z",
        "mitigation": "2025-03-16T00:31:00Z",
        "resolution": None,
    }
    assert data["durations_s"] == {
        "time_to_detect": 281,
        "time_to_acknowledge": 19,
        "time_to_mitigate": 4039,
        "time_to_resolve": None,
        "duration": None,
    }
    assert data["entries"][0] == {
        "at": "2025-03-15T23:14:00Z",
        "posted_at": "2025-03-15T23:40:00Z",
        "ts": ENTRIES[0].ts,
        "thread_ts": None,
        "user": "maya",
        "user_id": None,
        "text": "deploy started",
        "marks": ["key_event"],
        "from_app": False,
        "permalink": None,
    }
    assert data["entries"][3]["marks"] == ["acknowledgment", "key_event"]
    assert data["entries"][4]["thread_ts"] == "1742080000.000100"
    assert [e["text"] for e in data["entries"]] == [e.text for e in ENTRIES]


def test_json_times_drop_microseconds_and_normalise_to_utc() -> None:
    from zoneinfo import ZoneInfo

    local = datetime(2025, 3, 15, 18, 19, 7, 999999, tzinfo=ZoneInfo("America/New_York"))
    t = Timeline("inc", {**dict.fromkeys(PHASES), Mark.DETECTION: local}, ())
    assert timeline_json(t)["phases"]["detection"] == "2025-03-15T22:19:07Z"


def test_json_of_an_empty_timeline() -> None:
    data = timeline_json(Timeline("inc", dict.fromkeys(PHASES), ()))
    jsonschema.validate(data, SCHEMA)
    assert data["entries"] == []
    assert set(data["phases"].values()) == {None}
    assert set(data["durations_s"].values()) == {None}
