"""The postmortem as a Markdown document for a postmortem repository, and its file name.

Written for git, so the same input gives the same bytes: sections, phases, categories and list
items are emitted in a fixed or given order, never in dict or set order; lines end in LF with no
trailing spaces; the file ends in one newline. Pure, like postmortem.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from bot.domain.postmortem import (
    ACTION_ITEMS_QUESTION,
    GUIDING_QUESTIONS,
    SECTION_TITLES,
    STATUS_LABELS,
    ActionItemRow,
    FactorCategory,
    Postmortem,
    Section,
    empty_sections,
    is_blank,
)
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, PHASES, Mark, Timeline
from bot.domain.timeline_render import (
    format_duration,
    hhmm,
    inverted_duration,
    json_time,
    md_cell,
    missing_phase,
    render_markdown,
    timeline_json,
    utc_date,
    utc_minute,
)

# --- names -----------------------------------------------------------------------------------------

SLUG_MAX = 60
# Letters NFKD does not decompose into ASCII.
_TRANSLITERATE = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d"}
    | {"ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "\u0131": "i"}
)
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE)).encode("ascii", "ignore").decode()
    )
    slug = _NON_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_MAX:
        cut = slug[:SLUG_MAX]
        # End on a whole word when one ends in the second half; else cut the word.
        if slug[SLUG_MAX] != "-" and cut.rfind("-") > SLUG_MAX // 2:
            cut = cut[: cut.rfind("-")]
        slug = cut.strip("-")
    return slug


def slugify(title: str) -> str:
    """`Payments: checkout 500s (EU)` → `payments-checkout-500s-eu`: ASCII letters and digits,
    lowercase, single hyphens, at most 60 characters, cut at a word when possible. A title with
    nothing to keep (e.g. only CJK or emoji) gives `postmortem`."""
    return _slug(title) or "postmortem"


def incident_start(pm: Postmortem, timeline: Timeline | None = None) -> datetime:
    """When the incident began: impact start, else detection (the timeline's when given, else the
    postmortem's own), else when the postmortem was created."""
    candidates: list[datetime | None] = []
    if timeline is not None:
        candidates += [timeline.phases.get(Mark.IMPACT_START), timeline.phases.get(Mark.DETECTION)]
    candidates += [pm.impact_started_at, pm.detected_at, pm.created_at]
    return next(at for at in candidates if at is not None)


def export_filename(pm: Postmortem, timeline: Timeline | None = None) -> str:
    """`2025-03-15-payments-checkout-500s.md`: the incident's UTC date and the title's slug (the
    channel's when the title has no letters to keep)."""
    slug = _slug(pm.title) or _slug(pm.channel) or "postmortem"
    return f"{utc_date(incident_start(pm, timeline)).isoformat()}-{slug}.md"


# --- the document ----------------------------------------------------------------------------------

ROOT_CAUSE_NOTE = (
    "⚠ This root cause names a person; a root cause is the system or decision that allowed the failure."
)

# Characters a YAML double-quoted scalar must escape: the quote, the backslash, and everything not
# printable in YAML or read as a line break (NEL, LS, PS), plus the BOM.
_YAML_UNSAFE = re.compile(
    '["\\\\]|[^\\x20-\\x7e\\xa0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd\\U00010000-\\U0010ffff]'
)
_YAML_NAMED = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _yaml_escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _YAML_NAMED:
        return _YAML_NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def yaml_string(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`, whatever it holds (colons,
    quotes, `#`, newlines, control characters); printable Unicode stays readable."""
    return '"' + _YAML_UNSAFE.sub(_yaml_escape, text) + '"'


def _yaml_value(value: str | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return yaml_string(value)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _participants(pm: Postmortem) -> list[str]:
    """Display names on one line each, in the order given; blank ones left out."""
    return [name for name in map(_one_line, pm.participants) if name]


# A line that would open a heading, a fence or a setext underline, ending the section early.
_BLOCK_OPENER = re.compile(r"(\s*)(#|```|~~~|=+\s*$|-+\s*$)")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _md_line(line: str) -> str:
    line = line.rstrip().replace("<", "&lt;")
    match = _BLOCK_OPENER.match(line)
    if match:
        indent = match.group(1)
        line = indent + "\\" + line[len(indent) :]
    return line


def _md_text(text: str) -> str:
    """User prose as Markdown that stays inside its section: the writer's emphasis, lists and
    links are kept; headings, fences, setext underlines and raw HTML are neutralised."""
    lines = [_md_line(line) for line in text.strip().splitlines()]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines))


def _md_bullets(items: Sequence[str]) -> str:
    out = []
    for item in items:
        if is_blank(item):
            continue
        first, *rest = _md_text(item).split("\n")
        out.append(f"- {first}")
        out += [f"  {line}" if line else "" for line in rest]
    return "\n".join(out)


def _prompt(question: str, lead_in: str = "Not written yet.") -> str:
    return f"_{lead_in} {question}_"


def _duration_span(t: Timeline) -> tuple[timedelta, datetime, datetime] | None:
    start = t.phases.get(Mark.IMPACT_START) or t.phases.get(Mark.DETECTION)
    end = t.phases.get(Mark.RESOLUTION)
    if start is None or end is None or end < start:
        return None  # never a negative duration: resolution marked before the start is unknown
    return end - start, start, end


EN_DASH = "\u2013"


def duration_text(t: Timeline) -> str | None:
    """`2h 14m (21:58 to 00:12 UTC)` with an en dash, dates included when it lasted a day or more;
    None when the start (impact start, else detection) or the resolution is not marked, or the
    resolution is marked before the start."""
    span = _duration_span(t)
    if span is None:
        return None
    length, start, end = span
    shown = hhmm if abs(length) < timedelta(days=1) else utc_minute
    return f"{format_duration(length)} ({shown(start)} {EN_DASH} {shown(end)} UTC)"


def _duration_unknown(t: Timeline, emoji_marks: Mapping[str, Mark]) -> str:
    if inverted := inverted_duration(t, "duration"):
        return f"Unknown: {inverted}."
    parts = []
    start = t.phases.get(Mark.IMPACT_START) or t.phases.get(Mark.DETECTION)
    if start is None:
        parts.append(f"impact start {missing_phase(Mark.IMPACT_START, emoji_marks)}")
    else:
        parts.append(f"started {utc_minute(start)} UTC")
    if t.phases.get(Mark.RESOLUTION) is None:
        parts.append(f"resolution {missing_phase(Mark.RESOLUTION, emoji_marks)}")
    return "Unknown yet: " + "; ".join(parts) + "."


def _why_no_duration(t: Timeline) -> str:
    return inverted_duration(t, "duration") or "start or resolution not marked"


def _front_matter(pm: Postmortem, t: Timeline) -> list[str]:
    data = timeline_json(t)
    fields: list[tuple[str, str | int | None]] = [
        ("title", _one_line(pm.title)),
        ("channel", pm.channel),
        ("severity", pm.severity.value if pm.severity else None),
        ("status", pm.status.value),
        ("lead", _one_line(pm.lead or "") or None),
        ("incident_date", utc_date(incident_start(pm, t)).isoformat()),
    ]
    fields += [(mark.value, data["phases"][mark.value]) for mark in PHASES]
    fields += list(data["durations_s"].items())
    fields.append(("created", json_time(pm.created_at)))
    out = ["---", "# Times are UTC; durations are whole seconds."]
    out += [f"{key}: {_yaml_value(value)}" for key, value in fields]
    participants = _participants(pm)
    if participants:
        out.append("participants:")
        out += [f"  - {yaml_string(name)}" for name in participants]
    else:
        out.append("participants: []")
    out.append("---")
    return out


def _timeline_section(t: Timeline, emoji_marks: Mapping[str, Mark]) -> str:
    # The timeline's own Markdown (phases, durations, the `Time (UTC) | Event | Source` table)
    # without its `## Timeline of #…` heading: this document gives it `## Timeline (UTC)`.
    heading, _, body = render_markdown(t, emoji_marks).partition("\n")
    if not heading.startswith("## "):
        raise AssertionError(f"render_markdown changed its shape: {heading!r}")
    body = body.strip("\n")
    if not t.entries:
        body += "\n\n_No events yet: mark messages in the incident channel with emoji reactions._"
    return "## Timeline (UTC)\n\n" + body


def _factors_section(pm: Postmortem) -> str:
    blocks = []
    for category in FactorCategory:
        texts = [f.text for f in pm.factors if f.category is category and not is_blank(f.text)]
        if texts:
            blocks.append(f"### {category.value.capitalize()}\n\n{_md_bullets(texts)}")
    return "\n\n".join(blocks) or _prompt(GUIDING_QUESTIONS[Section.CONTRIBUTING_FACTORS])


def _actions_section(actions: Sequence[ActionItemRow]) -> str:
    if not actions:
        return _prompt(ACTION_ITEMS_QUESTION)
    rows = ["| # | Action | Owner | Priority | Due | Status |", "|---|---|---|---|---|---|"]
    for a in actions:
        cells = [str(a.number), a.text.strip(), a.owner, a.priority, a.due_on.isoformat(), a.status]
        rows.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def render_document(
    pm: Postmortem,
    timeline: Timeline,
    actions: Sequence[ActionItemRow],
    *,
    emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS,
) -> str:
    """The postmortem as Markdown with YAML front matter. Same input, same bytes."""

    def prose(section: Section, text: str) -> str:
        return _md_text(text) if not is_blank(text) else _prompt(GUIDING_QUESTIONS[section])

    def bullets(section: Section, items: Sequence[str]) -> str:
        return _md_bullets(items) or _prompt(GUIDING_QUESTIONS[section])

    lead = _one_line(pm.lead or "")
    about = [
        f"**Status:** {STATUS_LABELS[pm.status]}",
        f"**Lead:** {md_cell(lead) if lead else 'nobody yet'}",
        f"**Channel:** #{md_cell(pm.channel)}",
    ]
    if participants := _participants(pm):
        about.append("**Participants:** " + ", ".join(map(md_cell, participants)))
    severity = (
        pm.severity.value
        if pm.severity
        else _prompt(GUIDING_QUESTIONS[Section.SEVERITY], lead_in="Not set yet.")
    )
    duration = duration_text(timeline)
    root_cause = prose(Section.ROOT_CAUSE, pm.root_cause)
    if pm.root_cause_flagged and not is_blank(pm.root_cause):
        root_cause += f"\n\n> {ROOT_CAUSE_NOTE}"

    blocks = [
        "\n".join(_front_matter(pm, timeline)),
        f"# {_md_line(_one_line(pm.title)) or 'Untitled postmortem'}",
        " · ".join(about),
        "## Summary\n\n" + prose(Section.SUMMARY, pm.summary),
        "## Severity\n\n" + severity,
        "## Duration\n\n" + (duration or f"_{_duration_unknown(timeline, emoji_marks)}_"),
        "## Impact\n\n" + prose(Section.IMPACT, pm.impact),
        _timeline_section(timeline, emoji_marks),
        "## Root cause\n\n" + root_cause,
        "## Contributing factors\n\n" + _factors_section(pm),
        "## What went well\n\n" + bullets(Section.WENT_WELL, pm.went_well),
        "## What went poorly\n\n" + bullets(Section.WENT_POORLY, pm.went_poorly),
        "## Action items\n\n" + _actions_section(actions),
        "## Lessons learned\n\n" + bullets(Section.LESSONS, pm.lessons),
    ]
    document = "\n\n".join(blocks) + "\n"
    # Slack can hand over lone surrogates; they cannot be written as UTF-8.
    return _SURROGATE.sub("\ufffd", document)


def render_summary_lines(pm: Postmortem, timeline: Timeline) -> list[str]:
    """Short plain lines for the thread's parent message."""
    empty = empty_sections(pm)
    return [
        _one_line(pm.title),
        f"Status: {STATUS_LABELS[pm.status]}",
        f"Severity: {pm.severity.value if pm.severity else 'not set'}",
        f"Lead: {_one_line(pm.lead or '') or 'nobody yet'}",
        f"Duration: {duration_text(timeline) or f'unknown ({_why_no_duration(timeline)})'}",
        "Still empty: " + ", ".join(SECTION_TITLES[s] for s in empty)
        if empty
        else "Every section has something in it.",
    ]
