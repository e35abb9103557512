"""The timeline as Slack messages: header, phases, durations and entries, split within Slack's limits."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from bot.domain.slack_text import mrkdwn_escape
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, PHASES, Entry, Mark, Timeline
from bot.domain.timeline_render import (
    DURATION_LABELS,
    PHASE_LABELS,
    app_note,
    hhmm,
    marks_label,
    missing_phase,
    out_of_order,
    phase_entry,
    shown_duration,
    stated_note,
    utc_date,
    utc_minute,
)
from bot.outbound.slack.render.blocks import (
    BLOCKS_PER_MESSAGE,
    HEADER_TEXT_LIMIT,
    SECTION_TEXT_LIMIT,
    Block,
    context,
    section,
)

_PARTIAL_ENTITY = re.compile(r"&[a-z]*$")
# A URL in already-escaped text: stops at whitespace, at an escaped < or >, and at "|".
_ESCAPED_URL = re.compile(r"https?://(?:(?!&lt;|&gt;)[^\s|])+")
_URL_TAIL = ".,;:!?'\""


def _slack_len(text: str) -> int:
    """Length as Slack counts it, conservatively: UTF-16 code units (an emoji counts twice)."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le")) // 2


def _cut(text: str, budget: int) -> str:
    """At most `budget` Slack characters of already-escaped mrkdwn, never ending inside `&amp;`."""
    if _slack_len(text) <= budget:
        return text
    budget = max(budget - 1, 0)  # room for the ellipsis
    cut = text[:budget]
    while _slack_len(cut) > budget:
        cut = cut[: len(cut) - (_slack_len(cut) - budget)]
    return _PARTIAL_ENTITY.sub("", cut) + "…"


def _link(match: re.Match[str]) -> str:
    url = match.group()
    while url[-1] in _URL_TAIL or (url[-1] == ")" and url.count("(") < url.count(")")):
        url = url[:-1]
    return f"<{url}>{match.group()[len(url) :]}"


def message_link(shown: str, permalink: str | None) -> str:
    """`shown` (mrkdwn) linked to a message, `<https://…/p1742076351000200|21:58>`, when its link is
    known; else `shown` as it is."""
    return f"<{mrkdwn_escape(permalink)}|{shown}>" if permalink else shown


def phase_time(t: Timeline, mark: Mark) -> str | None:
    """`2025-03-15 21:58 UTC`, linked to the message that set the phase when its link is known;
    None when the phase is not marked."""
    at = t.phases.get(mark)
    if at is None:
        return None
    marked = phase_entry(t, mark)
    return message_link(f"{utc_minute(at)} UTC", marked.permalink if marked else None)


def _timeline_line(entry: Entry) -> str:
    """One entry as a mrkdwn line that always fits a section: a long text is cut with "…".

    Sections holding user text are `verbatim`, so Slack parses nothing in them: an "@here" quoted
    from the incident cannot ping anyone. URLs are therefore made links explicitly. The time links
    to the message when its link is known (`<…|21:58>`; a link cannot sit in `code`, so it is
    plain), else it is `code`."""
    time = message_link(hhmm(entry.at), entry.permalink) if entry.permalink else f"`{hhmm(entry.at)}`"
    prefix = f"{time} *{mrkdwn_escape(entry.user)}* "
    labels = (marks_label(entry.marks), stated_note(entry), app_note(entry))
    notes = [f"_{label}_" for label in labels if label]
    suffix = (" " + " ".join(notes)) if notes else ""
    budget = SECTION_TEXT_LIMIT - _slack_len(prefix) - _slack_len(suffix)
    text = _cut(mrkdwn_escape(entry.text), max(budget, 0))
    linked = _ESCAPED_URL.sub(_link, text.removesuffix("…")) + ("…" if text.endswith("…") else "")
    if _slack_len(linked) <= budget:  # a cut URL is still linked; it may just lead nowhere
        text = linked
    return _cut(prefix + text + suffix, SECTION_TEXT_LIMIT)


def _verbatim_section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def timeline_messages(
    t: Timeline, emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS
) -> list[list[Block]]:
    """`/postmortem timeline` as one or more messages, each within Slack's limits (50 blocks, 3000
    characters a section, 150 a header). The first message carries the header, phases and
    durations; entries follow in sections of whole lines, with a context line per UTC date. A
    message that continues the timeline opens with the channel and the date it continues."""
    phases: list[str] = []
    for mark in PHASES:
        shown = phase_time(t, mark) or f"_{missing_phase(mark, emoji_marks)}_"
        phases.append(f"*{PHASE_LABELS[mark]}*  {shown}")
    phases += [f":warning: _{warning}_" for warning in out_of_order(t)]
    durations = t.durations
    spans: list[str] = []
    for attr, label in DURATION_LABELS:
        shown = mrkdwn_escape(shown_duration(t, attr))  # "&lt;1m", "unknown (mitigation is before …)"
        spans.append(f"*{label}*  {shown if getattr(durations, attr) is not None else f'_{shown}_'}")
    header = _cut(f"Timeline of #{t.channel}", HEADER_TEXT_LIMIT)
    messages: list[list[Block]] = [
        [
            {"type": "header", "text": {"type": "plain_text", "text": header}},
            section("*Phases* (UTC)\n" + "\n".join(phases)),
            section("*Durations*\n" + "\n".join(spans)),
            {"type": "divider"},
        ]
    ]
    if not t.entries:
        messages[0].append(
            section("_No entries yet: mark messages in the channel with emoji reactions to build it._")
        )
        return messages

    day: date | None = None
    lines: list[str] = []
    size = 0

    def day_context(d: date) -> Block:
        return context(f"*{d.isoformat()}* (UTC)")

    def add(block: Block) -> None:
        if len(messages[-1]) >= BLOCKS_PER_MESSAGE:
            opener = f"#{mrkdwn_escape(t.channel)} timeline, continued"
            starts_day = block.get("type") == "context"
            messages.append([context(opener) if starts_day else context(f"{opener} · *{day}* (UTC)")])
        messages[-1].append(block)

    def flush() -> None:
        nonlocal size
        if lines:
            add(_verbatim_section("\n".join(lines)))
            lines.clear()
            size = 0

    for entry in t.entries:
        if utc_date(entry.at) != day:
            flush()
            day = utc_date(entry.at)
            add(day_context(day))
        line = _timeline_line(entry)
        length = _slack_len(line) + (1 if lines else 0)
        if size + length > SECTION_TEXT_LIMIT:
            flush()
            length = _slack_len(line)
        lines.append(line)
        size += length
    flush()
    return messages
