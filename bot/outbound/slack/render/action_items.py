"""Pure renderers for action items: listings with buttons, the modals, App Home, reminders."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain import action_items as ai
from bot.domain.due_dates import format_due
from bot.domain.slack_text import mrkdwn_escape
from bot.outbound.slack.ids import Action, View
from bot.outbound.slack.ids import Block as BlockId
from bot.outbound.slack.render.blocks import Block, context, cut_mrkdwn, plain, section

MAX_BLOCKS = 50
HOME_MAX_ITEMS = 40  # a Home tab holds 100 blocks; two per item, with room for the rest
SECTION_LIMIT = 3000


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def item_line(item: ai.Item, today: date, *, where: str | None = None) -> str:
    """`#12` *P1* text — @owner · due Fri 2026-12-04 · in progress · ⚠ 3 days overdue · re-dated once."""
    notes = [f"<@{item.owner_id}>", f"due {format_due(item.due_on)}"]
    if where:
        notes.insert(0, where)
    if item.status is not ai.ItemStatus.OPEN:
        notes.append(ai.STATUS_LABELS[item.status])
    if days := ai.days_overdue(item, today):
        notes.append(f":warning: {_plural(days, 'day')} overdue")
    if item.redates:
        notes.append("re-dated once" if item.redates == 1 else f"re-dated {item.redates} times")
    text = " ".join(item.text.split())
    head = f"`#{item.id}` *{item.priority}* {mrkdwn_escape(text)}"
    return f"{head} — {' · '.join(notes)}"


def _button(label: str, action: Action, item: ai.Item, style: str | None = None) -> dict[str, Any]:
    button: dict[str, Any] = {
        "type": "button",
        "action_id": action.value,
        "text": plain(label),
        "value": str(item.id),
    }
    if style:
        button["style"] = style
    return button


def item_buttons(item: ai.Item) -> Block:
    """The same changes as the commands: start-work, done, redate, wontdo, reopen."""
    if item.status in ai.OPEN_STATUSES:
        elements = []
        if item.status is ai.ItemStatus.OPEN:
            elements.append(_button("Start work", Action.ITEM_START, item))
        elements += [
            _button("Done", Action.ITEM_DONE, item, "primary"),
            _button("Re-date…", Action.ITEM_REDATE, item),
            _button("Won't do…", Action.ITEM_WONTDO, item),
        ]
    else:
        elements = [_button("Reopen", Action.ITEM_REOPEN, item)]
    return {"type": "actions", "block_id": f"item-{item.id}", "elements": elements}


def listing_messages(channel_name: str, items: Sequence[ai.Item], today: date) -> list[list[Block]]:
    """`/postmortem actions`: every item with its buttons, split into messages of at most 50 blocks."""
    open_count = sum(1 for i in items if i.status in ai.OPEN_STATUSES)
    if not items:
        return [
            [
                section(
                    f"No action items in #{mrkdwn_escape(channel_name)} yet. "
                    f"Add one: `{ai.USAGE}`, e.g. `{ai.EXAMPLE}`."
                )
            ]
        ]
    head = section(f"*Action items in #{mrkdwn_escape(channel_name)}:* {open_count} open of {len(items)}")
    blocks: list[Block] = [head]
    for item in items:
        blocks += [section(item_line(item, today)), item_buttons(item)]
    blocks.append(
        context(
            mrkdwn_escape(
                "Or type: `/postmortem done <id>` · `redate <id> <due> <reason>` · `wontdo <id> <reason>`"
            )
        )
    )
    return [blocks[i : i + MAX_BLOCKS] for i in range(0, len(blocks), MAX_BLOCKS)]


def open_items_lines(items: Sequence[ai.Item], today: date) -> list[str]:
    """For `/postmortem status`: the open action items, one line each, or that there are none."""
    still_open = [i for i in items if i.status in ai.OPEN_STATUSES]
    if not still_open:
        return [mrkdwn_escape("No open action items. `/postmortem action @owner <due> <text>` adds one.")]
    return [f"*Open action items ({len(still_open)}):*", *(item_line(i, today) for i in still_open)]


def added_text(item: ai.Item, echo: str, nudges: Sequence[str]) -> str:
    lines = [
        f"Added `#{item.id}` *{item.priority}* {mrkdwn_escape(item.text)} — owner <@{item.owner_id}>, "
        f"due {echo}."
    ]
    lines += [f":bulb: {n}" for n in nudges]
    return "\n".join(lines)


def changed_text(item: ai.Item, redates: int | None = None) -> str:
    label = ai.STATUS_LABELS[item.status]
    if redates is not None:
        times = "once" if redates == 1 else f"{redates} times"
        return f"`#{item.id}` is now due {format_due(item.due_on)} (re-dated {times})."
    return f"`#{item.id}` {mrkdwn_escape(' '.join(item.text.split()))} is now {label}."


# --- Modals --------------------------------------------------------------------------------


def _input(block: BlockId, label: str, element: dict[str, Any], *, optional: bool = False) -> Block:
    return {
        "type": "input",
        "block_id": block.value,
        "label": plain(label),
        "optional": optional,
        "element": {**element, "action_id": block.value},
    }


def _reason_input(label: str) -> Block:
    return _input(
        BlockId.ITEM_REASON, label, {"type": "plain_text_input", "multiline": True, "max_length": 2000}
    )


def add_item_modal(channel_id: str, today: date) -> dict[str, Any]:
    """A user picker, a date picker, a priority and the text: one owner and a date, or no item."""
    priorities = [{"text": plain(p.value), "value": p.value} for p in ai.Priority]
    default = next(o for o in priorities if o["value"] == ai.DEFAULT_PRIORITY.value)
    return {
        "type": "modal",
        "callback_id": View.ADD_ITEM.value,
        "private_metadata": json.dumps({"channel_id": channel_id}),
        "title": plain("Add action item"),
        "submit": plain("Add"),
        "close": plain("Cancel"),
        "blocks": [
            context("One owner and a due date: an item without both is a wish, not a commitment."),
            _input(
                BlockId.ITEM_TEXT,
                "What will change",
                {
                    "type": "plain_text_input",
                    "max_length": 2000,
                    "placeholder": plain("Add a p99 latency alert on checkout at 800 ms"),
                },
            ),
            _input(BlockId.ITEM_OWNER, "Owner (one person)", {"type": "users_select"}),
            _input(BlockId.ITEM_DUE, "Due", {"type": "datepicker", "initial_date": today.isoformat()}),
            _input(
                BlockId.ITEM_PRIORITY,
                "Priority",
                {"type": "static_select", "options": priorities, "initial_option": default},
            ),
        ],
    }


def redate_modal(item: ai.Item) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": View.REDATE_ITEM.value,
        "private_metadata": json.dumps({"item_id": item.id}),
        "title": plain(f"Re-date #{item.id}"[:24]),
        "submit": plain("Re-date"),
        "close": plain("Cancel"),
        "blocks": [
            section(item_line(item, item.created_on)),
            _input(
                BlockId.ITEM_DUE,
                "New due date",
                {"type": "datepicker", "initial_date": item.due_on.isoformat()},
            ),
            _reason_input("Why the date moves (kept with the item)"),
        ],
    }


def wontdo_modal(item: ai.Item) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": View.WONTDO_ITEM.value,
        "private_metadata": json.dumps({"item_id": item.id}),
        "title": plain(f"Won't do #{item.id}"[:24]),
        "submit": plain("Close item"),
        "close": plain("Cancel"),
        "blocks": [section(item_line(item, item.created_on)), _reason_input("Why it won't be done")],
    }


# --- App Home --------------------------------------------------------------------------------


def home_items_blocks(pairs: Sequence[tuple[ai.Item, str]], today: date) -> list[Block]:
    """ "Your action items" across all incidents, overdue first, each with a Done button."""
    blocks: list[Block] = [{"type": "header", "text": plain("Your action items")}]
    if not pairs:
        blocks.append(section("Nothing open with your name on it."))
        return blocks
    overdue = sum(1 for item, _ in pairs if ai.is_overdue(item, today))
    summary = f"{_plural(len(pairs), 'open item')}"
    if overdue:
        summary += f", {overdue} overdue"
    blocks.append(context(summary))
    for item, channel_name in pairs[:HOME_MAX_ITEMS]:
        line = item_line(item, today, where=f"#{mrkdwn_escape(channel_name)}")
        block = section(line)
        block["accessory"] = _button("Done", Action.ITEM_DONE, item, "primary")
        blocks.append(block)
    if len(pairs) > HOME_MAX_ITEMS:
        blocks.append(
            context(f"and {len(pairs) - HOME_MAX_ITEMS} more: `/postmortem actions` in each channel.")
        )
    blocks.append({"type": "divider"})
    return blocks


def home_with_items(view: dict[str, Any], items_blocks: list[Block]) -> dict[str, Any]:
    """The App Home view with "Your action items" after its header."""
    base = list(view["blocks"])
    return {**view, "blocks": [*base[:1], *items_blocks, *base[1:]]}


# --- Reminders ---------------------------------------------------------------------------------


def text_blocks(text: str) -> list[Block]:
    """mrkdwn text as sections of whole lines, each within Slack's 3000 characters."""
    chunks: list[str] = []
    current = ""
    for line in text.split("\n"):
        line = cut_mrkdwn(line, SECTION_LIMIT)
        if current and len(current) + 1 + len(line) > SECTION_LIMIT:
            chunks.append(current)
            current = line
        else:
            current = f"{current}\n{line}" if current else line
    if current:
        chunks.append(current)
    return [section(c) for c in chunks[:MAX_BLOCKS]]
