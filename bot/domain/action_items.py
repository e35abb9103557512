"""Action items: one owner, one due date, a priority, and the rules for changing them.

Pure: no Slack client, no database, no wall clock. Functions that need "today" take it.

Due dates (`parse_due`), read case-insensitively:
- Absolute, read by python-dateutil with a fixed `default` (never the clock): `2026-12-01`,
  `2026/12/01`, `Dec 1`, `December 1st`, `1 Dec`, `Dec 1, 2026`, `12/01` and `12/01/2026`
  (slashes are US month/day; two-digit years are refused as ambiguous). A date without a year is
  the next one on or after today: `Dec 1` read on Dec 2 means next year's (a `Feb 29` the next
  leap year's).
- Relative: `today`, `tomorrow`, `in 3 days`, `in 2 weeks`, `in 1 month` (`a`/`an` work for 1;
  a month later is clamped to the month's last day), `eow`/`end of week`, `eom`/`end of month`.
- `eow` is this week's Friday (today on a Friday); on Saturday and Sunday it is the next Friday.
  `eom` is the last day of this month (today on that day).
- Weekdays (full names or `mon`, `tue`/`tues`, `wed`, `thu`/`thur`/`thurs`, `fri`, `sat`, `sun`):
  `friday` is the first Friday strictly after today, so `friday` said on a Friday is a week away
  (use `today` for today); `this friday` is the first Friday on or after today; `next friday` is
  the Friday of next week (weeks run Monday to Sunday): said on a Wednesday it is 9 days away,
  not 2. The reply echoes the date understood, so a misreading is visible at once.
- A date before today is refused ("… is in the past"); today is allowed.

The command (`parse_action_command`): `@owner <due> [P0|P1|P2|P3] <text>`. The due date is the
longest run of up to four words after the owner that reads as a date; the priority may come right
after the due date (or right after the owner); the rest is the text, kept as typed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Final

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from bot.domain.errors import UserError

__all__ = [
    "DEFAULT_PRIORITY",
    "OPEN_STATUSES",
    "STATUS_LABELS",
    "TOO_MANY_OPEN",
    "WEEKDAY_ABBREVIATIONS",
    "WEEKDAY_NAMES",
    "Item",
    "ItemStatus",
    "ParsedItem",
    "Priority",
    "Redate",
    "check_can_change",
    "check_redate",
    "check_transition",
    "days_overdue",
    "echo_due",
    "format_due",
    "is_overdue",
    "parse_action_command",
    "parse_due",
    "priority_sort_key",
    "take_due",
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
DUE_EXAMPLES: Final = "2026-12-01, Dec 1, 12/01, friday, next friday, tomorrow, in 2 weeks, eow or eom"

# --------------------------------------------------------------------------------------------
# Due dates

_MAX_WORDS_IN_DUE = 4
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4})"
# Shapes that mean "this is a calendar date"; python-dateutil then reads it. Anything else is not
# handed to dateutil at all: it would happily read "may" as May 1st or "99" as 1999.
_ABSOLUTE = (
    re.compile(r"(?P<year>[0-9]{4})[-/](?P<month>[0-9]{1,2})[-/](?P<day>[0-9]{1,2})", re.ASCII),
    re.compile(r"(?P<month>[0-9]{1,2})/(?P<day>[0-9]{1,2})(?:/(?P<year>[0-9]{4}))?", re.ASCII),
    re.compile(rf"{_MONTHS}\.? {_DAY}(?:,? {_YEAR})?", re.ASCII),
    re.compile(rf"{_DAY} (?:of )?{_MONTHS}\.?(?:,? {_YEAR})?", re.ASCII),
)
_TWO_DIGIT_YEAR = re.compile(r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{2}", re.ASCII)
_IN = re.compile(
    r"in (?P<n>[0-9]{1,6}|an?|one|two|three|four|five|six) "
    r"(?P<unit>days?|weeks?|wks?|months?)",
    re.ASCII,
)
_NUMBER_WORDS = MappingProxyType(
    {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
)
_WEEKDAYS = MappingProxyType(
    {
        **dict.fromkeys(("mon", "monday"), 0),
        **dict.fromkeys(("tue", "tues", "tuesday"), 1),
        **dict.fromkeys(("wed", "weds", "wednesday"), 2),
        **dict.fromkeys(("thu", "thur", "thurs", "thursday"), 3),
        **dict.fromkeys(("fri", "friday"), 4),
        **dict.fromkeys(("sat", "saturday"), 5),
        **dict.fromkeys(("sun", "sunday"), 6),
    }
)
_WEEKDAY = re.compile(rf"(?:(?P<which>this|next) )?(?P<name>{'|'.join(_WEEKDAYS)})", re.ASCII)
_EOW = frozenset({"eow", "end of week", "end of the week"})
_EOM = frozenset({"eom", "end of month", "end of the month"})
_FRIDAY = 4
# English, whatever the process locale (calendar.day_abbr follows LC_TIME).
WEEKDAY_ABBREVIATIONS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
WEEKDAY_NAMES: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _normalise(text: str) -> str:
    return " ".join(text.split()).strip(".,;:").strip().lower()


def format_due(due: date) -> str:
    """`Fri 2026-12-04`: unambiguous in every locale, with the weekday people plan by."""
    return f"{WEEKDAY_ABBREVIATIONS[due.weekday()]} {due.isoformat()}"


def echo_due(due: date, today: date) -> str:
    """The date understood, for the reply: `Fri 2026-12-04 (tomorrow)`, `… (in 9 days)`."""
    days = (due - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    if days < 0:
        when = f"{-days} day{'s' if days != -1 else ''} ago"
    return f"{format_due(due)} ({when})"


def _unreadable(text: str) -> UserError:
    return UserError(f"I can't read “{text.strip()}” as a due date. Try {DUE_EXAMPLES}.")


def _read_due(text: str, today: date) -> date | None:
    """The date `text` names (possibly in the past), or None when it is not a due date at all.

    Raises UserError for text shaped like a date that is not one (`13/01`, `Feb 30`)."""
    norm = _normalise(text)
    try:
        return _read_normalised(norm, text, today)
    except (OverflowError, ValueError) as error:  # far beyond year 9999
        raise UserError(f"“{text.strip()}” is too far away to be a due date.") from error


def _read_normalised(norm: str, text: str, today: date) -> date | None:
    if norm == "today":
        return today
    if norm == "tomorrow":
        return today + timedelta(days=1)
    if norm in _EOW:
        # Friday of this week; on a weekend, of the next one.
        return today + timedelta(days=(_FRIDAY - today.weekday()) % 7)
    if norm in _EOM:
        return today.replace(day=calendar.monthrange(today.year, today.month)[1])
    if m := _IN.fullmatch(norm):
        n = _NUMBER_WORDS.get(m["n"]) or int(m["n"])
        unit = m["unit"]
        if unit.startswith("d"):
            return today + timedelta(days=n)
        if unit.startswith("w"):
            return today + timedelta(weeks=n)
        return today + relativedelta(months=n)
    if m := _WEEKDAY.fullmatch(norm):
        return _weekday(today, _WEEKDAYS[m["name"]], m["which"])
    if _TWO_DIGIT_YEAR.fullmatch(norm):
        raise UserError(f"“{text.strip()}”: write the year in full (12/01/2026) or leave it out (12/01).")
    for shape in _ABSOLUTE:
        if m := shape.fullmatch(norm):
            return _absolute(norm, m, text, today)
    return None


def _weekday(today: date, weekday: int, which: str | None) -> date:
    ahead = (weekday - today.weekday()) % 7
    if which == "this":
        return today + timedelta(days=ahead)
    if which == "next":
        next_monday = today + timedelta(days=7 - today.weekday())
        return next_monday + timedelta(days=weekday)
    return today + timedelta(days=ahead or 7)


def _absolute(norm: str, m: re.Match[str], text: str, today: date) -> date:
    has_year = m["year"] is not None
    # A fixed default so dateutil never reads the clock; 2000 is a leap year, so "Feb 29" reads.
    default = datetime(2000, 1, 1, tzinfo=UTC)
    try:
        parsed = date_parser.parse(norm, default=default, dayfirst=False, yearfirst=True).date()
    except (ValueError, OverflowError) as error:
        hint = " Dates with slashes are month/day, as in 12/01 for December 1st." if "/" in norm else ""
        raise UserError(f"“{text.strip()}” is not a date on the calendar.{hint}") from error
    if parsed.day != int(m["day"]):  # dateutil guessed something other than what was written
        raise _unreadable(text)
    if has_year:
        return parsed
    for year in range(today.year, today.year + 9):  # any 8 consecutive years hold a Feb 29
        try:
            candidate = parsed.replace(year=year)
        except ValueError:
            continue
        if candidate >= today:
            return candidate
    raise UserError(f"“{text.strip()}” is too far away to be a due date.")  # only past year 9999


def _check_not_past(due: date, text: str, today: date) -> date:
    if due < today:
        raise UserError(
            f"“{text.strip()}” is {format_due(due)}, which is in the past. "
            f"Pick today ({format_due(today)}) or later."
        )
    return due


def parse_due(text: str, today: date) -> date:
    """The due date `text` names (see the module docstring). UserError when unreadable or past."""
    due = _read_due(text, today)
    if due is None:
        raise _unreadable(text)
    return _check_not_past(due, text, today)


_WORD = re.compile(r"\S+")


def take_due(text: str, today: date) -> tuple[date, str] | None:
    """The due date at the start of `text` and the rest of it as typed, or None if it starts with none.

    The longest run of up to four words that reads as a date wins: `next friday P1 …`,
    `Dec 1 Add …`, `in 2 weeks Add …`. A run shaped like a date that is invalid or in the past
    raises UserError rather than falling back to a shorter reading (`Dec 1 2020` is not `Dec 1`).
    """
    ends = [m.end() for m in _WORD.finditer(text)][:_MAX_WORDS_IN_DUE]
    for end in reversed(ends):
        prefix = text[:end]
        due = _read_due(prefix, today)
        if due is not None:
            return _check_not_past(due, prefix, today), text[end:]
    return None


# --------------------------------------------------------------------------------------------
# The /postmortem action command

_USER_MENTION = re.compile(r"<@(?P<id>[UW][A-Z0-9]+)(?:\|[^>]*)?>")
_GROUP_MENTION = re.compile(r"<!(?:subteam\^[A-Z0-9]+|here|channel|everyone)(?:\|[^>]*)?>")
_PRIORITY = re.compile(r"[Pp][0-3]")


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


def _unescape(text: str) -> str:
    # Slack escapes these three in command text; the item keeps what the person typed.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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

    text = _unescape(rest.strip())
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
        raise UserError("Say why this item won't be done: the reason stays on the record with it.")


def check_can_change(actor_id: str, owner_id: str, lead_id: str | None) -> None:
    """Only the item's owner and the postmortem's lead may change it; anyone else gets UserError."""
    if actor_id == owner_id or (lead_id is not None and actor_id == lead_id):
        return
    if lead_id is None:
        raise UserError(
            f"Only the owner, <@{owner_id}>, can change this item (the postmortem has no lead yet). "
            "Ask them, or ask them to hand it over."
        )
    raise UserError(
        f"Only the owner, <@{owner_id}>, or the postmortem's lead, <@{lead_id}>, can change this item."
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
            "Every re-date is kept and counted."
        )
    if new_due < today:
        raise UserError(f"{format_due(new_due)} is in the past. Pick today ({format_due(today)}) or later.")
    if new_due == current_due:
        raise UserError(f"This item is already due {format_due(current_due)}.")


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
