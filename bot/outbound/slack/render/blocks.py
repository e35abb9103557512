"""Pure renderers: domain objects → Block Kit dicts. No Slack client, no database."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from bot.domain.slack_text import mrkdwn_escape
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, Mark
from bot.outbound.slack.ids import COMMAND

Block = dict[str, Any]

HEADER_TEXT_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
BLOCKS_PER_MESSAGE = 50
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")  # a cut `&amp;`, `&lt;` or `&gt;`


def plain(text: str) -> dict[str, str]:
    """A plain_text object: labels, titles, button and option texts."""
    return {"type": "plain_text", "text": text}


def cut_mrkdwn(text: str, limit: int) -> str:
    """At most `limit` characters of escaped mrkdwn, ending in "…" when cut, never inside `&amp;`."""
    if len(text) <= limit:
        return text
    return _PARTIAL_ENTITY.sub("", text[: limit - 1]) + "…"


def section(text: str) -> Block:
    """A mrkdwn section; any user text in `text` is already escaped (bot.domain.slack_text)."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut_mrkdwn(text, SECTION_TEXT_LIMIT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def usage_lines(usages: Sequence[tuple[str, str]]) -> str:
    """`(arguments, summary)` pairs → one mrkdwn line each."""
    return "\n".join(
        f"`{mrkdwn_escape(f'{COMMAND} {args}')}` — {mrkdwn_escape(summary)}" for args, summary in usages
    )


MARK_MEANINGS: Mapping[Mark, str] = {
    Mark.IMPACT_START: "impact started",
    Mark.DETECTION: "detected",
    Mark.ACKNOWLEDGMENT: "acknowledged",
    Mark.MITIGATION: "mitigated",
    Mark.RESOLUTION: "resolved",
    Mark.KEY_EVENT: "key event",
}


def marks_legend(emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS) -> str:
    """ ":boom: impact started · :rotating_light: detected · …" from the configured map."""
    return " · ".join(f":{emoji}: {MARK_MEANINGS[mark]}" for emoji, mark in emoji_marks.items())


def usage_blocks(
    usages: Sequence[tuple[str, str]],
    problem: str | None = None,
    emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS,
) -> list[Block]:
    blocks: list[Block] = []
    if problem:
        blocks.append(section(f":warning: {problem}"))
    blocks.append(section("*How to use postmortem-bot*\n" + usage_lines(usages)))
    blocks.append(
        context("In an incident channel, mark messages with reactions: " + marks_legend(emoji_marks))
    )
    return blocks


def announcement_text() -> str:
    return "postmortem-bot is recording this channel for the incident timeline."


def announcement_blocks(emoji_marks: Mapping[str, Mark] = DEFAULT_EMOJI_MARKS) -> list[Block]:
    """Said once, when a channel starts being watched: what is recorded and which emoji count."""
    return [
        section(
            ":memo: *I'm recording this channel for the incident timeline.* Every message, edit, "
            "delete and thread reply is kept with its time, so the postmortem can be written from "
            "the record rather than from memory."
        ),
        section(
            "Mark messages with reactions: "
            + marks_legend(emoji_marks)
            + '.\nA marked message that states a time ("at 2:14 PM EST the deploy started") is placed '
            "at that time; without a zone, your Slack time zone is used."
        ),
        context(f"`{COMMAND} timeline` shows the timeline so far · `{COMMAND} unwatch` stops recording."),
    ]


def home_view(usages: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The App Home tab."""
    return {
        "type": "home",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "postmortem-bot"}},
            section(
                "Blameless postmortems, end to end: a UTC timeline rebuilt from the incident channel, "
                "a postmortem thread within 48 hours, action items with one owner and a due date, "
                "and a weekly reminder until they are done."
            ),
            section(usage_lines(usages)),
        ],
    }
