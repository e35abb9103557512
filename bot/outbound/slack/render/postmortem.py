"""Pure renderers for the postmortem thread: the parent message, prompts, status, the Edit modal."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bot.domain import postmortem as pmd
from bot.domain import postmortem_status as pms
from bot.domain.blameless import Review
from bot.domain.slack_text import mrkdwn_escape
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, PHASES, Mark, Timeline
from bot.domain.timeline_render import (
    CHECK_THE_MARKS,
    format_duration,
    inverted_duration,
    missing_phase,
    out_of_order,
)
from bot.outbound.slack.ids import Action, View
from bot.outbound.slack.ids import Block as BlockId
from bot.outbound.slack.render.blocks import Block, context, cut_mrkdwn, plain, section
from bot.outbound.slack.render.timeline import phase_time

PHASE_NAMES = {
    Mark.IMPACT_START: "Impact start",
    Mark.DETECTION: "Detection",
    Mark.ACKNOWLEDGMENT: "Acknowledged",
    Mark.MITIGATION: "Mitigated",
    Mark.RESOLUTION: "Resolved",
}
MODAL_TEXT_LIMIT = 3000


def _short(text: str, limit: int = 600) -> str:
    return cut_mrkdwn(mrkdwn_escape(text.strip()), limit)


def _phase_lines(timeline: Timeline, emoji_marks: Mapping[str, Mark]) -> str:
    lines = []
    for mark in PHASES:  # each time links to the message that set the phase, when its link is known
        shown = phase_time(timeline, mark) or missing_phase(mark, emoji_marks)
        lines.append(f"*{PHASE_NAMES[mark]}:* {shown}")
    duration = timeline.durations.duration
    if duration is not None:
        lines.append(f"*Duration:* {mrkdwn_escape(format_duration(duration))}")  # "<1m" is not a link
    elif inverted := inverted_duration(timeline, "duration"):
        lines.append(f"*Duration:* unknown ({inverted})")  # never negative
    return "\n".join(lines)


def _edit_select() -> dict[str, Any]:
    options = [{"text": plain(pmd.SECTION_TITLES[s][:75]), "value": s.value} for s in pmd.Section]
    return {
        "type": "static_select",
        "action_id": Action.EDIT_SECTION.value,
        "placeholder": plain("Edit a section…"),
        "options": options,
    }


def postmortem_parent(
    pm: pmd.Postmortem, timeline: Timeline, emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS
) -> list[Block]:
    """The thread's parent message: where it stands, what is still empty, and how to fill it in."""
    severity = pm.severity.value if pm.severity else "not set"
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": f"Postmortem: {pm.title}"[:150]}},
        context(
            f"*Status:* {pmd.STATUS_LABELS[pm.status]} · *Severity:* {severity} · "
            f"*Lead:* {mrkdwn_escape(pm.lead or 'nobody yet')} · #{mrkdwn_escape(pm.channel)}"
        ),
        section(_phase_lines(timeline, emoji_marks)),
    ]
    if warnings := out_of_order(timeline):
        blocks.append(context("\n".join(f":warning: {warning}" for warning in warnings)))
    if pm.participants:
        shown = ", ".join(mrkdwn_escape(p) for p in pm.participants[:12])
        more = f" and {len(pm.participants) - 12} more" if len(pm.participants) > 12 else ""
        blocks.append(context(f"*Participants:* {shown}{more}"))
    for title, text in (("Summary", pm.summary), ("Impact", pm.impact), ("Root cause", pm.root_cause)):
        if text:
            note = (
                "\n:warning: _This root cause names a person._"
                if title == "Root cause" and pm.root_cause_flagged
                else ""
            )
            blocks.append(section(f"*{title}*\n{_short(text)}{note}"))
    empty = pmd.empty_sections(pm)
    if empty:
        names = ", ".join(pmd.SECTION_TITLES[s] for s in empty)
        blocks.append(section(f"*Still empty:* {names}"))
    blocks.append(
        {
            "type": "actions",
            "elements": [
                _edit_select(),
                {
                    "type": "button",
                    "action_id": Action.EXPORT.value,
                    "text": plain("Export"),
                },
                {
                    "type": "button",
                    "action_id": Action.ADD_ITEM.value,
                    "text": plain("Add action item"),
                },
            ],
        }
    )
    blocks.append(
        context(
            mrkdwn_escape(
                "Or from the message box: `/postmortem set <section> <text>` · `/postmortem status`"
            )
        )
    )
    return blocks


def section_prompts(pm: pmd.Postmortem) -> list[Block]:
    """A thread reply with the guiding question of every section still empty."""
    empty = pmd.empty_sections(pm)
    if not empty:
        return [section("Every section has something in it.")]
    lines = [f"*{pmd.SECTION_TITLES[s]}* (`{s.value}`): {pmd.GUIDING_QUESTIONS[s]}" for s in empty]
    return [
        section("*What to fill in* — blameless: systems and decisions, not people.\n" + "\n".join(lines)),
        context("Names are fine in the timeline; the question is always what made it easy to go wrong."),
    ]


def status_lines(
    pm: pmd.Postmortem,
    timeline: Timeline,
    warnings: Sequence[str],
    window: pms.WindowState,
    emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS,
) -> list[str]:
    title = f"*{mrkdwn_escape(pm.title)}* — {pmd.STATUS_LABELS[pm.status]}"
    lines = [title, _phase_lines(timeline, emoji_marks)]
    lines += [f":warning: {w} \u2014 {CHECK_THE_MARKS}" for w in warnings]
    missing = pmd.empty_sections(pm)
    lines.append(
        "Still empty: " + ", ".join(pmd.SECTION_TITLES[s] for s in missing)
        if missing
        else "Every section is filled in."
    )
    lines.append(pms.describe_window(window))
    return lines


def blameless_suggestion(found: Review) -> str:
    """Ephemeral: what was noticed, and a systemic way to say it. The text was saved as written."""
    noticed = ", ".join(f"“{mrkdwn_escape(f.excerpt)}”" for f in found.findings[:3])
    lines = [f":bulb: Saved as you wrote it. A blameless reading notices {noticed}."]
    if found.suggestion:
        lines.append(f"Try: _{mrkdwn_escape(found.suggestion)}_")
    lines.append("Keep it if it says what you mean, or `/postmortem set` it again.")
    return "\n".join(lines)


def edit_section_modal(pm: pmd.Postmortem, which: pmd.Section, channel_id: str) -> dict[str, Any]:
    """One modal per section; text sections open with their current text, lists add an item."""
    title = pmd.SECTION_TITLES[which]
    meta = json.dumps({"channel_id": channel_id, "section": which.value})
    hint = context(pmd.GUIDING_QUESTIONS[which])
    if which is pmd.Section.SEVERITY:
        options = [{"text": plain(s.value), "value": s.value} for s in pmd.Severity]
        element: dict[str, Any] = {
            "type": "static_select",
            "action_id": BlockId.SECTION_VALUE.value,
            "options": options,
        }
        if pm.severity:
            element["initial_option"] = next(o for o in options if o["value"] == pm.severity.value)
        inputs = [
            {
                "type": "input",
                "block_id": BlockId.SECTION_VALUE.value,
                "label": plain("Severity"),
                "element": element,
            }
        ]
    else:
        current = {
            pmd.Section.SUMMARY: pm.summary,
            pmd.Section.IMPACT: pm.impact,
            pmd.Section.ROOT_CAUSE: pm.root_cause,
        }
        text_element: dict[str, Any] = {
            "type": "plain_text_input",
            "action_id": BlockId.SECTION_TEXT.value,
            "multiline": True,
            "max_length": MODAL_TEXT_LIMIT,
        }
        if current.get(which):
            text_element["initial_value"] = current[which][:MODAL_TEXT_LIMIT]
        label = title if which in current else f"Add to {title.lower()}"
        inputs = [
            {
                "type": "input",
                "block_id": BlockId.SECTION_TEXT.value,
                "label": plain(label[:2000]),
                "element": text_element,
            }
        ]
        if which is pmd.Section.CONTRIBUTING_FACTORS:
            options = [{"text": plain(c.value.title()), "value": c.value} for c in pmd.FactorCategory]
            inputs.insert(
                0,
                {
                    "type": "input",
                    "block_id": BlockId.FACTOR_CATEGORY.value,
                    "label": plain("Category"),
                    "element": {
                        "type": "static_select",
                        "action_id": BlockId.FACTOR_CATEGORY.value,
                        "options": options,
                    },
                },
            )
    return {
        "type": "modal",
        "callback_id": View.EDIT_SECTION.value,
        "private_metadata": meta,
        "title": plain(title[:24]),
        "submit": plain("Save"),
        "close": plain("Cancel"),
        "blocks": [hint, *inputs],
    }


def auto_opened_text(hours_since_resolution: int) -> str:
    return (
        ":hourglass_flowing_sand: I opened this postmortem because nobody had, "
        f"{hours_since_resolution}h after resolution: details fade fast, and the 48-hour window "
        "is for writing it while they are fresh. "
        "Who leads it? `/postmortem lead @someone`."
    )


def ask_wanted(severity: str) -> list[Block]:
    """Asked once, for severities that do not require a postmortem."""
    return [
        section(
            f"This *{severity}* incident is resolved. Your policy does not require a postmortem for it — "
            "is one wanted? The trigger is \u201cwe were surprised\u201d, "
            "not \u201csomeone is in trouble\u201d."
        ),
        {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": Action.START_POSTMORTEM.value,
                    "style": "primary",
                    "text": plain("Start the postmortem"),
                },
                {
                    "type": "button",
                    "action_id": Action.DECLINE_POSTMORTEM.value,
                    "text": plain("Not needed"),
                },
            ],
        },
    ]


def _since(hours: int) -> str:
    """`48 hours` (the rule's own span, up to three days), then `3 days`, `4 days and 5 hours`."""
    if hours < 72:
        return "48 hours"
    days, rest = divmod(hours, 24)
    return f"{days} days" + (f" and {rest} hours" if rest else "")


def escalation_text(
    pm: pmd.Postmortem,
    missing: Sequence[pmd.Section],
    lead_user_id: str | None,
    channel: str,
    hours_since_resolution: int = 48,
) -> str:
    names = ", ".join(pmd.SECTION_TITLES[s].lower() for s in missing)
    who = (
        f"<@{lead_user_id}>"
        if lead_user_id
        else "This postmortem has no lead yet (`/postmortem lead @someone`), and"
    )
    return (
        f":rotating_light: {_since(max(hours_since_resolution, 48))} since "
        f"#{mrkdwn_escape(channel)} was resolved, "
        f"and *{mrkdwn_escape(pm.title)}* still has no {names}. "
        f"{who} — can you get it written while people still remember? "
        "`/postmortem status` shows what is left."
    )
