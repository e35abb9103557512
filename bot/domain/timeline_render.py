"""A Timeline → plain text (CLI), Markdown (the postmortem document) and a stable JSON shape.

Pure. All times are printed in UTC. Durations are truncated to whole minutes (see
`format_duration`); JSON durations are whole seconds, truncated toward zero. Where an entry's
message has a link (`Entry.permalink`), Markdown links its time to it, and the links in its text are
Markdown links; plain text shows them as `label (url)`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.domain.slack_text import Link
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, PHASES, Entry, Mark, Timeline

PHASE_LABELS: Mapping[Mark, str] = {
    Mark.IMPACT_START: "Impact start",
    Mark.DETECTION: "Detection",
    Mark.ACKNOWLEDGMENT: "Acknowledgment",
    Mark.MITIGATION: "Mitigation",
    Mark.RESOLUTION: "Resolution",
    Mark.KEY_EVENT: "Key event",
}

# (Durations attribute, label), in the order a postmortem reads them.
DURATION_LABELS: tuple[tuple[str, str], ...] = (
    ("time_to_detect", "Time to detect"),
    ("time_to_acknowledge", "Time to acknowledge"),
    ("time_to_mitigate", "Time to mitigate"),
    ("time_to_resolve", "Time to resolve"),
    ("duration", "Duration"),
)


def format_duration(td: timedelta) -> str:
    """`47m`, `2h 14m`, `1d 3h 5m`; zero units are left out (`2h`, `1d 5m`).

    Truncated to whole minutes; more than nothing but under a minute reads `<1m` (43 s did take
    time), exactly zero `0m`. A negative timedelta keeps its sign (`-5m`), though a timeline's
    durations never are negative (see `shown_duration`).
    """
    minutes = int(td / timedelta(minutes=1))  # toward zero: -30 s is "0m", not "-0m"
    if minutes < 0:
        return "-" + format_duration(timedelta(minutes=-minutes))
    if minutes == 0 and td > timedelta(0):
        return "<1m"
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return " ".join(parts) or "0m"


def hhmm(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%H:%M")


def utc_date(at: datetime) -> date:
    return at.astimezone(UTC).date()


def utc_minute(at: datetime) -> str:
    """`2025-03-15 19:14`."""
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M")


def json_time(at: datetime) -> str:
    """`2025-03-15T19:14:05Z`: seconds precision, always UTC, always a 4-digit year."""
    return at.astimezone(UTC).replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def emoji_for(mark: Mark, emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS) -> str | None:
    """The first emoji the map assigns to `mark`, without colons; None when none does."""
    return next((emoji for emoji, m in emoji_marks.items() if m == mark), None)


def missing_phase(mark: Mark, emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS) -> str:
    emoji = emoji_for(mark, emoji_marks)
    if emoji is None:
        return "missing — no emoji is mapped to it"
    return f"missing — mark it with :{emoji}:"


# --- phases out of order --------------------------------------------------------------------------

CHECK_THE_MARKS = "check the marks"

# Durations attribute → (its start: the first of these marked; its end).
_DURATION_ENDS: Mapping[str, tuple[tuple[Mark, ...], Mark]] = {
    "time_to_detect": ((Mark.IMPACT_START,), Mark.DETECTION),
    "time_to_acknowledge": ((Mark.DETECTION,), Mark.ACKNOWLEDGMENT),
    "time_to_mitigate": ((Mark.DETECTION,), Mark.MITIGATION),
    "time_to_resolve": ((Mark.DETECTION,), Mark.RESOLUTION),
    "duration": ((Mark.IMPACT_START, Mark.DETECTION), Mark.RESOLUTION),
}


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


def out_of_order(t: Timeline) -> list[str]:
    """`phase_warnings` as every view shows them: "mitigation (14:05) is before detection (14:19)
    — check the marks"."""
    return [f"{warning} — {CHECK_THE_MARKS}" for warning in phase_warnings(t)]


def inverted_duration(t: Timeline, attr: str) -> str | None:
    """Why the duration `attr` (a `Durations` field) is unknown when its end is marked before its
    start: "mitigation is before detection — check the marks"; None when it is not inverted."""
    starts, end_mark = _DURATION_ENDS[attr]
    start_mark = next((mark for mark in starts if t.phases.get(mark) is not None), None)
    start, end = (t.phases.get(start_mark) if start_mark else None), t.phases.get(end_mark)
    if start_mark is None or start is None or end is None or end >= start:
        return None
    this, that = PHASE_LABELS[end_mark].lower(), PHASE_LABELS[start_mark].lower()
    return f"{this} is before {that} — {CHECK_THE_MARKS}"


def shown_duration(t: Timeline, attr: str) -> str:
    """A duration as the views show it: `1h 7m`, `unknown`, or `unknown (mitigation is before
    detection — check the marks)`. Never negative."""
    td: timedelta | None = getattr(t.durations, attr)
    if td is not None:
        return format_duration(td)
    reason = inverted_duration(t, attr)
    return f"unknown ({reason})" if reason else "unknown"


def marks_label(marks: tuple[Mark, ...]) -> str:
    """`[detection, key event]`, or "" for an unmarked entry."""
    return f"[{', '.join(PHASE_LABELS[m].lower() for m in marks)}]" if marks else ""


APP_NOTE = "(app)"


def app_note(entry: Entry) -> str:
    """`(app)` for an entry an app or integration posted (an alert, a bot, a workflow), as Slack
    badges them; "" for a person's."""
    return APP_NOTE if entry.from_app else ""


def stated_note(entry: Entry) -> str:
    """`(stated; posted 15:40)` for an entry placed at a time its text states; the posting date is
    added when it differs from the event's."""
    if not entry.stated:
        return ""
    same_day = utc_date(entry.posted_at) == utc_date(entry.at)
    posted = hhmm(entry.posted_at) if same_day else utc_minute(entry.posted_at)
    return f"(stated; posted {posted})"


def _text_line(entry: Entry) -> str:
    lines = entry.text.splitlines() or [""]
    body = "\n" + " " * 9  # continuation lines align under the text
    notes = (marks_label(entry.marks), stated_note(entry), app_note(entry))
    suffix = "  ".join(part for part in notes if part)
    text = body.join(lines)
    return f"{hhmm(entry.at)}  {entry.user}  {text}" + (f"  {suffix}" if suffix else "")


def render_text(t: Timeline, emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS) -> str:
    """The CLI view: header, phases, durations, then entries with a date line per UTC day."""
    width = max(len(label) for label in PHASE_LABELS.values())
    out = [f"Timeline of #{t.channel} (all times UTC)", "", "Phases"]
    for mark in PHASES:
        at = t.phases.get(mark)
        out.append(
            f"  {PHASE_LABELS[mark]:<{width}}  {utc_minute(at) if at else missing_phase(mark, emoji_marks)}"
        )
    out += [f"  Out of order: {warning}" for warning in out_of_order(t)]
    out += ["", "Durations"]
    dwidth = max(len(label) for _, label in DURATION_LABELS)
    for attr, label in DURATION_LABELS:
        out.append(f"  {label:<{dwidth}}  {shown_duration(t, attr)}")
    out += ["", f"Entries ({len(t.entries)})"]
    if not t.entries:
        out.append("  (none: mark messages with emoji reactions to build the timeline)")
    day: date | None = None
    for entry in t.entries:
        if utc_date(entry.at) != day:
            day = utc_date(entry.at)
            out.append(day.isoformat())
        out.append(_text_line(entry))
    return "\n".join(out) + "\n"


def _md_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def md_cell(text: str) -> str:
    """Safe inside a Markdown table cell: one line, no column breaks, no raw HTML (`<` becomes
    `&lt;`; a lone `>` or `&` is harmless mid-cell and stays readable in the raw file)."""
    return "<br>".join(_md_escape(text).splitlines())


_LINKABLE = re.compile(r"(?:https?|mailto):[^\s<>]+", re.IGNORECASE)  # schemes a document may link to
_LABEL_SPECIAL = re.compile(r"[\\\[\]`|]")
_URL_SPECIAL = re.compile(r"[()|\\]")


def _backslashed(match: re.Match[str]) -> str:
    return "\\" + match.group()


def md_link(label: str, url: str) -> str:
    """`[label](url)`, safe inside a table cell: the label's brackets, backticks, pipes and
    backslashes are escaped (`[a \\] b](…)`, so nothing in it ends the link early or splits the
    cell), `<` is `&lt;`, and the url's parentheses, pipes and backslashes are escaped. A bare link
    (label == url) is an autolink, `<url>`. `url` holds no whitespace, `<` or `>`."""
    label = " ".join(label.split()) or url
    if label == url:
        return "<" + url.replace("|", "%7C") + ">"
    shown = _LABEL_SPECIAL.sub(_backslashed, label).replace("<", "&lt;")
    return f"[{shown}]({_URL_SPECIAL.sub(_backslashed, url)})"


def md_cell_linked(pieces: tuple[str | Link, ...]) -> str:
    """`md_cell` of text in pieces (`Entry.pieces`), its http(s) and mailto links as Markdown links;
    a link to anything else stays plain text, `label (url)`."""
    out: list[str] = []
    for piece in pieces:
        if isinstance(piece, str):
            out.append(_md_escape(piece))
        elif _LINKABLE.fullmatch(piece.url):
            if out and out[-1].endswith("!"):  # `![…](…)` would be an image
                out[-1] = out[-1][:-1] + "\\!"
            out.append(md_link(piece.label, piece.url))
        else:
            out.append(_md_escape(piece.plain))
    return "<br>".join("".join(out).splitlines())


def md_time(shown: str, permalink: str | None) -> str:
    """A time in a table cell, linked to its message when the link is known."""
    return md_link(shown, permalink) if permalink else shown


def phase_entry(t: Timeline, mark: Mark) -> Entry | None:
    """The entry that set the phase `mark`: the earliest carrying it (entries are in time order)."""
    return next((e for e in t.entries if mark in e.marks), None)


def render_markdown(t: Timeline, emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS) -> str:
    """Phases table, durations list and the `| Time (UTC) | Event | Source |` table."""
    out = [f"## Timeline of #{md_cell(t.channel)}", "", "All times are UTC.", "", "### Phases", ""]
    out += ["| Phase | Time (UTC) |", "|---|---|"]
    for mark in PHASES:
        at = t.phases.get(mark)
        if at is None:
            shown = f"_{missing_phase(mark, emoji_marks)}_"
        else:
            marked = phase_entry(t, mark)
            shown = md_time(utc_minute(at), marked.permalink if marked else None)
        out.append(f"| {PHASE_LABELS[mark]} | {shown} |")
    if warnings := out_of_order(t):
        out += ["", *(f"- **Out of order:** {md_cell(warning)}" for warning in warnings)]
    out += ["", "### Durations", ""]
    for attr, label in DURATION_LABELS:
        out.append(f"- {label}: {shown_duration(t, attr)}")
    out += ["", "### Timeline", "", "| Time (UTC) | Event | Source |", "|---|---|---|"]
    day: date | None = None
    for entry in t.entries:
        time = hhmm(entry.at) if utc_date(entry.at) == day else utc_minute(entry.at)
        day = utc_date(entry.at)
        event = md_cell_linked(entry.pieces) if entry.pieces else md_cell(entry.text)
        if entry.marks:
            event += f" **{md_cell(marks_label(entry.marks))}**"
        if entry.stated:
            event += f" _{stated_note(entry)}_"
        source = f"{entry.user} {APP_NOTE}" if entry.from_app else entry.user
        out.append(f"| {md_time(time, entry.permalink)} | {event} | {md_cell(source)} |")
    return "\n".join(out) + "\n"


def _seconds(td: timedelta | None) -> int | None:
    return None if td is None else int(td / timedelta(seconds=1))


def timeline_json(t: Timeline) -> dict[str, Any]:
    """The stable machine-readable shape; every time is `YYYY-MM-DDTHH:MM:SSZ`; `from_app` is true
    for an entry an app or integration posted. `user_id` is the author's Slack id beside the
    display name `user` (null for an integration without one), `permalink` the message's link (null
    when the workspace URL is not known). A duration whose phases are out of order is null, like a
    missing one; `phase_warnings` says which phases ("… — check the marks")."""
    durations = t.durations
    return {
        "channel": t.channel,
        "phases": {
            mark.value: (json_time(at) if (at := t.phases.get(mark)) is not None else None) for mark in PHASES
        },
        "durations_s": {attr: _seconds(getattr(durations, attr)) for attr, _ in DURATION_LABELS},
        "entries": [
            {
                "at": json_time(e.at),
                "posted_at": json_time(e.posted_at),
                "ts": e.ts,
                "thread_ts": e.thread_ts,
                "user": e.user,
                "user_id": e.user_id,
                "text": e.text,
                "marks": [m.value for m in e.marks],
                "from_app": e.from_app,
                "permalink": e.permalink,
            }
            for e in t.entries
        ],
        "phase_warnings": out_of_order(t),
    }
