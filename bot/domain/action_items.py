"""Action items: one owner, one due date, a priority, and the rules for changing them.

Pure: no Slack client, no database, no wall clock. Functions that need "today" take it.
Due dates are read and written by due_dates.py.

The command (`parse_action_command`): `@owner <due> [P0|P1|P2|P3] <text>`. The due date is the
longest run of up to four words after the owner that reads as a date; the priority may come right
after the due date (or right after the owner); the rest is the text, kept as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from bot.domain.due_dates import DUE_EXAMPLES, format_due, take_due
from bot.domain.errors import Field, UserError
from bot.domain.slack_ids import USER_ID
from bot.domain.slack_text import mrkdwn_unescape

__all__ = [
    "DEFAULT_PRIORITY",
    "OPEN_STATUSES",
    "STATUS_LABELS",
    "TOO_MANY_OPEN",
    "Item",
    "ItemStatus",
    "ParsedItem",
    "Priority",
    "Redate",
    "check_redate",
    "check_transition",
    "days_overdue",
    "is_overdue",
    "parse_action_command",
    "priority_sort_key",
    "too_many_nudge",
    "vague_nudge",
]


class Priority(StrEnum):
    P0 = "P0"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"


DEFAULT_PRIORITY: Final = Priority.P2
_PRIORITY_RANK = MappingProxyType({p: i for i, p in enumerate(Priority)})


class ItemStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"


OPEN_STATUSES: Final = frozenset({ItemStatus.OPEN, ItemStatus.IN_PROGRESS})
STATUS_LABELS = MappingProxyType(
    {
        ItemStatus.OPEN: "open",
        ItemStatus.IN_PROGRESS: "in progress",
        ItemStatus.DONE: "done",
        ItemStatus.WONT_DO: "won't do",
    }
)

USAGE: Final = "/postmortem action @owner <due> [P0|P1|P2|P3] <text>"
EXAMPLE: Final = "/postmortem action @alex next friday P1 Add a p99 latency alert on checkout at 800 ms"

# --------------------------------------------------------------------------------------------
# The /postmortem action command

_USER_MENTION = re.compile(rf"<@(?P<id>{USER_ID})(?:\|[^>]*)?>")  # an id Slack could give
_GROUP_MENTION = re.compile(r"<!(?:subteam\^[A-Z0-9]+|here|channel|everyone)(?:\|[^>]*)?>")
_PRIORITY = re.compile(r"[Pp][0-3]")
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ParsedItem:
    owner_id: str
    due_on: date
    priority: Priority
    text: str


def _wish(missing: str) -> UserError:
    return UserError(
        f"An action item needs exactly one owner and a due date: {missing}. "
        "An item without an owner and a date is a wish, not a commitment. "
        f"Try `{EXAMPLE}`."
    )


def _take_priority(text: str) -> tuple[Priority | None, str]:
    m = _WORD.search(text)
    if m is not None and _PRIORITY.fullmatch(m.group()):
        return Priority(m.group().upper()), text[m.end() :]
    return None, text


def parse_action_command(args: str, today: date) -> ParsedItem:
    """`@owner <due> [P0|P1|P2|P3] <text>` (the arguments of `/postmortem action`) → a ParsedItem.

    Refuses (UserError) zero or several people mentioned, a group as owner, no due date, a past
    date, and empty text. The owner must come first. The text is kept as typed: inner spacing and
    mentions are left alone; only Slack's escaping of `&`, `<`, `>` is undone.
    """
    args = args.strip()
    owners = list(dict.fromkeys(m["id"] for m in _USER_MENTION.finditer(args)))
    if len(owners) > 1:
        mentioned = ", ".join(f"<@{o}>" for o in owners)
        raise _wish(
            f"this one mentions {len(owners)} people ({mentioned}). Pick the one person who will see it "
            "through; an item with two owners has none"
        )
    if not owners:
        if _GROUP_MENTION.search(args):
            raise _wish("a group can't own an item, so mention one person as the owner")
        has_due = bool(args) and _safe_take_due(args, today)
        raise _wish(
            "this one has no owner (mention one person with @)"
            if has_due
            else "this one has no owner and no due date"
        )
    head = _USER_MENTION.match(args)
    if head is None:
        raise UserError(f"Start with the owner: `{USAGE}`, e.g. `{EXAMPLE}`.")
    owner = owners[0]
    rest = args[head.end() :]

    early_priority, rest = _take_priority(rest)
    taken = take_due(rest.lstrip(), today)
    if taken is None:
        raise _wish(f"this one has no due date after <@{owner}> (due dates look like {DUE_EXAMPLES})")
    due, rest = taken
    late_priority, rest = _take_priority(rest)
    if early_priority is not None and late_priority is not None:
        raise UserError(f"Give the priority once, right after the due date: `{USAGE}`.")
    priority = early_priority or late_priority or DEFAULT_PRIORITY

    text = mrkdwn_unescape(rest.strip())  # Slack escapes &, <, > in command text; keep what was typed
    if not text:
        raise UserError(f"Say what will change: `{USAGE}`, e.g. `{EXAMPLE}`.")
    return ParsedItem(owner_id=owner, due_on=due, priority=priority, text=text)


def _safe_take_due(text: str, today: date) -> bool:
    try:
        return take_due(text, today) is not None
    except UserError:
        return True  # shaped like a date, just not a usable one: the date is there


# --------------------------------------------------------------------------------------------
# Nudges

# Words that say nothing specific about what will change. An item made only of these (and the
# filler below) is vague: "improve monitoring", "more alerts", "be more careful", "fix it".
_VAGUE_WORDS = frozenset(
    """
    improve improved improves improving improvement improvements better more enhance enhanced
    increase increased strengthen tighten up review reviewed reviewing revisit reassess rethink
    update updated fix fixed fixing add adding make do be careful carefully attention pay
    monitoring monitor monitors observability visibility testing tests test alerts alert alerting
    logging logs log process processes procedure procedures documentation docs doc communication
    communicate coordination runbook runbooks quality coverage reliability resilience stability
    resiliency robustness things thing stuff everything it this that issue issues problem problems
    bug bugs again next time sure ensure don't dont not never happen happens happening recur recurs
    repeat does doesn't didn't won't training awareness
    checks check validation handling error errors deploy deploys deployments deployment tooling
    tools infra infrastructure code system systems general overall proper properly best practices
    practice going forward future faster quicker response incident incidents
    """.split()  # noqa: SIM905 - a word list reads better as prose than as 150 quoted strings
)
_FILLER_WORDS = frozenset(
    """
    a an the our we us you your their of on in for to and or with around about should need needs
    must will would could let's lets let please try some any all team is are be been can more
    """.split()  # noqa: SIM905 - as above
)
# Items that open with these promise a look, not a change: "look into X", "investigate X".
_EXPLORATORY = re.compile(
    r"(?:(?:we )?(?:should|need to|must|will|to) )?"
    r"(?:look(?:ing)? into|look at|investigate|investigating|explore|research|think about|consider"
    r"|discuss|figure out|dig into|follow up on|check into|evaluate|assess|analy[sz]e|understand)\b"
)
_TOKEN = re.compile(r"[a-z0-9][a-z0-9'_\-]*")
VAGUE_NUDGE = (
    "“{text}” will be hard to call done. Name the specific change and how anyone will know it is "
    "done, e.g. “Add a p99 latency alert on checkout at 800 ms that pages on-call” "
    "rather than “improve monitoring”."
)
EXPLORATORY_NUDGE = (
    "“{text}” promises a look, not a change. Name the specific change and how anyone will know it is done; "
    "if the change isn't known yet, make the item the decision: “Decide whether to shard the orders table, "
    "written up in the postmortem”."
)


def vague_nudge(text: str) -> str | None:
    """A suggestion when `text` names no specific change, else None. A nudge, never a refusal."""
    norm = " ".join(text.lower().replace("\u2019", "'").split())
    if _EXPLORATORY.match(norm):
        return EXPLORATORY_NUDGE.format(text=text.strip())
    words = [w for w in _TOKEN.findall(norm) if w not in _FILLER_WORDS]
    if words and all(w in _VAGUE_WORDS for w in words):
        return VAGUE_NUDGE.format(text=text.strip())
    return None


TOO_MANY_OPEN: Final = 5


def too_many_nudge(open_count: int) -> str | None:
    """A reminder when a postmortem has more than TOO_MANY_OPEN open items, else None."""
    if open_count <= TOO_MANY_OPEN:
        return None
    return (
        f"This postmortem has {open_count} open action items. Three completed items beat fifteen open "
        "ones: finish the ones that matter most, and close the rest as won't do, with a reason."
    )


# --------------------------------------------------------------------------------------------
# Changing an item

_ALLOWED = MappingProxyType(
    {
        ItemStatus.OPEN: frozenset({ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.WONT_DO}),
        ItemStatus.IN_PROGRESS: frozenset({ItemStatus.OPEN, ItemStatus.DONE, ItemStatus.WONT_DO}),
        ItemStatus.DONE: frozenset({ItemStatus.OPEN}),
        ItemStatus.WONT_DO: frozenset({ItemStatus.OPEN}),
    }
)


def check_transition(current: ItemStatus, to: ItemStatus, *, reason: str | None) -> None:
    """Refuse (UserError) a status change the workflow does not allow.

    open ⇄ in progress; open or in progress → done; open or in progress → won't do, with a
    reason; done or won't do → open (reopen), and nothing else. Moving to the same status is refused.
    """
    if current == to:
        raise UserError(f"This item is already {STATUS_LABELS[to]}.")
    if to not in _ALLOWED[current]:
        raise UserError(
            f"This item is {STATUS_LABELS[current]}; reopen it before marking it {STATUS_LABELS[to]}."
        )
    if to == ItemStatus.WONT_DO and not (reason or "").strip():
        raise UserError(
            "Say why this item won't be done: the reason stays on the record with it.", field=Field.REASON
        )


@dataclass(frozen=True)
class Redate:
    """One move of an item's due date. Every re-date is kept and counted."""

    from_on: date
    to_on: date
    reason: str
    at: datetime


def check_redate(current_due: date, new_due: date, reason: str, today: date) -> None:
    """Refuse (UserError) a re-date without a reason, to a past date, or to the same date."""
    if not reason.strip():
        raise UserError(
            "Say why the date moves: `/postmortem redate <id> <due> <reason>`. "
            "Every re-date is kept and counted.",
            field=Field.REASON,
        )
    if new_due < today:
        raise UserError(
            f"{format_due(new_due)} is in the past. Pick today ({format_due(today)}) or later.",
            field=Field.DUE,
        )
    if new_due == current_due:
        raise UserError(f"This item is already due {format_due(current_due)}.", field=Field.DUE)


# --------------------------------------------------------------------------------------------
# Items


@dataclass(frozen=True)
class Item:
    id: int
    channel: str
    text: str
    owner_id: str
    priority: Priority
    due_on: date
    status: ItemStatus
    created_on: date
    done_on: date | None
    redates: int
    reminders_seen: int  # weekly reminders this item appeared in before the one being planned


def is_overdue(item: Item, today: date) -> bool:
    """Open or in progress, and due before today (an item due today is not overdue yet)."""
    return item.status in OPEN_STATUSES and item.due_on < today


def days_overdue(item: Item, today: date) -> int:
    """Whole days past the due date; 0 when the item is not overdue."""
    return (today - item.due_on).days if is_overdue(item, today) else 0


def priority_sort_key(item: Item) -> tuple[int, date, int]:
    """P0 first, then the earliest due date, then the oldest id."""
    return (_PRIORITY_RANK[item.priority], item.due_on, item.id)
