"""Pure renderers: domain objects → Block Kit dicts. No Slack client, no database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.slack.ids import COMMAND

Block = dict[str, Any]

HEADER_TEXT_LIMIT = 150
SECTION_TEXT_LIMIT = 3000
BLOCKS_PER_MESSAGE = 50


def mrkdwn_escape(text: str) -> str:
    """Slack's three control characters; everything else is shown as typed."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> Block:
    if len(text) > SECTION_TEXT_LIMIT:
        text = text[: SECTION_TEXT_LIMIT - 1] + "…"
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def usage_lines(usages: Sequence[tuple[str, str]]) -> str:
    """`(arguments, summary)` pairs → one mrkdwn line each."""
    return "\n".join(f"`{COMMAND} {args}` — {summary}" for args, summary in usages)


def usage_blocks(usages: Sequence[tuple[str, str]], problem: str | None = None) -> list[Block]:
    blocks: list[Block] = []
    if problem:
        blocks.append(section(f":warning: {problem}"))
    blocks.append(section("*How to use postmortem-bot*\n" + usage_lines(usages)))
    blocks.append(
        context(
            "Mark messages in an incident channel with :boom: impact, :rotating_light: detection, "
            ":eyes: acknowledged, :adhesive_bandage: mitigated, :white_check_mark: resolved, "
            ":pushpin: key event."
        )
    )
    return blocks


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
