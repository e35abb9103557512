"""Action items: the /postmortem action command, nudges, transitions, permissions, re-dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.action_items import (
    DEFAULT_PRIORITY,
    TOO_MANY_OPEN,
    ItemStatus,
    ParsedItem,
    Priority,
    check_redate,
    check_transition,
    days_overdue,
    is_overdue,
    parse_action_command,
    priority_sort_key,
    too_many_nudge,
    vague_nudge,
)
from bot.domain.errors import UserError
from tests.factories import action_item

WED = date(2026, 11, 25)  # a Wednesday
THU = date(2026, 11, 26)
FRI = date(2026, 11, 27)
SUN = date(2026, 11, 29)

# ------------------------------------------------------------------------ parse_action_command

COMMAND_CASES: list[tuple[str, ParsedItem]] = [
    (
        "<@U123> next friday P1 Add alert",
        ParsedItem("U123", date(2026, 12, 4), Priority.P1, "Add alert"),
    ),
    (
        "<@U123|alex> Dec 1 Add a p99 latency alert on checkout at 800ms",
        ParsedItem(
            "U123", date(2026, 12, 1), DEFAULT_PRIORITY, "Add a p99 latency alert on checkout at 800ms"
        ),
    ),
    (
        "<@U123> in 2 weeks Add alert",
        ParsedItem("U123", date(2026, 12, 9), Priority.P2, "Add alert"),
    ),
    ("<@W9ABC> 2026-12-01 p0 Roll back", ParsedItem("W9ABC", date(2026, 12, 1), Priority.P0, "Roll back")),
    ("<@U1> eow P3 Tidy the runbook", ParsedItem("U1", FRI, Priority.P3, "Tidy the runbook")),
    ("<@U1> December 1st, 2027 Do it", ParsedItem("U1", date(2027, 12, 1), Priority.P2, "Do it")),
    # the priority may also come right after the owner
    ("<@U1> P1 tomorrow Add alert", ParsedItem("U1", THU, Priority.P1, "Add alert")),
    # the text is kept as typed: spacing, case, punctuation, numbers that look like dates
    (
        "  <@U1>   12/01   2 replicas  for  ORDERS-db, by 5pm?  ",
        ParsedItem("U1", date(2026, 12, 1), Priority.P2, "2 replicas  for  ORDERS-db, by 5pm?"),
    ),
    (
        "<@U1> Dec 1 P1 P2 is what we call it",
        ParsedItem("U1", date(2026, 12, 1), Priority.P1, "P2 is what we call it"),
    ),
    ("<@U1> friday 2026 roadmap entry", ParsedItem("U1", FRI, Priority.P2, "2026 roadmap entry")),
    # only Slack's escaping of & < > is undone
    (
        "<@U1> tomorrow Alert when p99 &gt; 800ms &amp; page",
        ParsedItem("U1", THU, Priority.P2, "Alert when p99 > 800ms & page"),
    ),
    # the same person mentioned twice is still one owner
    (
        "<@U1> tomorrow Pair <@U1|alex> with the DBA",
        ParsedItem("U1", THU, Priority.P2, "Pair <@U1|alex> with the DBA"),
    ),
]


@pytest.mark.parametrize(("args", "expected"), COMMAND_CASES)
def test_parse_action_command(args: str, expected: ParsedItem) -> None:
    assert parse_action_command(args, WED) == expected


REFUSED_COMMANDS: list[tuple[str, str]] = [
    ("Add alert", "no owner and no due date"),
    ("", "no owner and no due date"),
    ("next friday Add alert", "has no owner"),
    ("@alex next friday Add alert", "has no owner"),  # not a Slack mention
    ("<@U1> <@U2> tomorrow Add alert", "mentions 2 people"),
    ("<@U1> tomorrow Add alert with <@U2|sam> and <@U3>", "mentions 3 people"),
    ("<!subteam^S1|sre> tomorrow Add alert", "a group can't own"),
    ("<!here> tomorrow Add alert", "a group can't own"),
    ("<@U1> Add alert", "no due date"),
    ("<@U1> P1 Add alert", "no due date"),
    ("<@U1>", "no due date"),
    (f"<@U{'1' * 40}> tomorrow Add alert", "has no owner"),  # longer than any Slack id: no mention
]


@pytest.mark.parametrize(("args", "missing"), REFUSED_COMMANDS)
def test_without_exactly_one_owner_and_a_date_it_is_a_wish(args: str, missing: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_action_command(args, WED)
    message = str(refused.value)
    assert "exactly one owner" in message
    assert "an item without an owner and a date is a wish" in message.lower()
    assert missing in message


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ("<@U1> tomorrow", "Say what will change"),
        ("<@U1> tomorrow P1   ", "Say what will change"),
        ("<@U1> 2025-01-01 Add alert", "is in the past"),
        ("<@U1> Dec 1 2020 Add alert", "is in the past"),  # not read as "Dec 1" + text "2020 Add alert"
        ("<@U1> Feb 30 Add alert", "not a date on the calendar"),
        ("<@U1> P1 tomorrow P2 Add alert", "priority once"),
        ("tomorrow <@U1> Add alert", "Start with the owner"),
    ],
)
def test_other_refusals(args: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        parse_action_command(args, WED)


@settings(max_examples=300)
@given(text=st.text(), today=st.dates())
def test_parse_action_command_raises_only_user_error(text: str, today: date) -> None:
    for args in (text, f"<@U1> {text}", f"<@U1> tomorrow {text}"):
        try:
            parsed = parse_action_command(args, today)
        except UserError:
            continue
        assert parsed.text == parsed.text.strip() != ""
        assert parsed.due_on >= today
        assert args is text or parsed.owner_id == "U1"


# ------------------------------------------------------------------------------------- nudges

VAGUE = [
    "improve monitoring",
    "Improve our monitoring and alerting.",
    "Better testing",
    "Review the process",
    "look into the DB failover",
    "Investigate flaky deploys",
    "We should investigate why it happened",
    "more alerts",
    "fix it",
    "Be more careful",
    "Update the documentation",
    "Make sure this doesn\u2019t happen again",  # a typographic apostrophe, as Slack sends it
    "Add more tests",
    "better communication",
    "Improve observability going forward",
]
CONCRETE = [
    "Add a p99 latency alert on checkout at 800ms paging on-call",
    "Add JSON schema validation for all config files",
    "Route critical alerts through PagerDuty phone escalation",
    "Require PR review for all production config changes",
    "Document valid ranges for pool_size, timeout and retry_count",
    "Fix the flaky checkout integration test in CI",
    "Set the DB connection pool minimum to 5 and fail startup below it",
    "Rotate the payments API key and store it in Vault",
    "Page on-call when the error rate exceeds 2% for 5 minutes",
    "Delete the unused staging bucket",
    "Test the rollback of migration 0042 on staging weekly",
    "Improve monitoring for payments: alert on 5xx above 1%",
]


@pytest.mark.parametrize("text", VAGUE)
def test_vague_items_get_a_nudge(text: str) -> None:
    nudge = vague_nudge(text)
    assert nudge is not None
    assert "name the specific change and how anyone will know it is done" in nudge.lower()
    assert text.strip() in nudge


@pytest.mark.parametrize("text", CONCRETE)
def test_concrete_items_get_none(text: str) -> None:
    assert vague_nudge(text) is None


def test_too_many_open_items() -> None:
    assert too_many_nudge(0) is None
    assert too_many_nudge(TOO_MANY_OPEN) is None
    nudge = too_many_nudge(TOO_MANY_OPEN + 1)
    assert nudge is not None
    assert "6 open action items" in nudge
    assert "three completed items beat fifteen open ones" in nudge.lower()


# -------------------------------------------------------------------------------- transitions

OP, IP, D, W = ItemStatus.OPEN, ItemStatus.IN_PROGRESS, ItemStatus.DONE, ItemStatus.WONT_DO
ALLOWED = {(OP, IP), (OP, D), (OP, W), (IP, D), (IP, W), (IP, OP), (D, OP), (W, OP)}


@pytest.mark.parametrize("current", list(ItemStatus))
@pytest.mark.parametrize("to", list(ItemStatus))
def test_transitions(current: ItemStatus, to: ItemStatus) -> None:
    if (current, to) in ALLOWED:
        check_transition(current, to, reason="not worth it after the redesign")
    else:
        with pytest.raises(UserError, match="already" if current == to else "reopen it"):
            check_transition(current, to, reason="not worth it after the redesign")


@pytest.mark.parametrize("reason", [None, "", "   "])
@pytest.mark.parametrize("current", [OP, IP])
def test_wont_do_needs_a_reason(current: ItemStatus, reason: str | None) -> None:
    with pytest.raises(UserError, match="why"):
        check_transition(current, W, reason=reason)


def test_other_moves_need_no_reason() -> None:
    check_transition(OP, D, reason=None)
    check_transition(D, OP, reason=None)


# -------------------------------------------------------------------------------- permissions


# ----------------------------------------------------------------------------------- re-dates


def test_redate_to_a_later_or_earlier_future_date() -> None:
    check_redate(date(2026, 12, 1), date(2026, 12, 15), "waiting on the vendor", WED)
    check_redate(date(2026, 12, 15), date(2026, 12, 1), "the freeze starts earlier", WED)
    check_redate(date(2026, 11, 1), WED, "overdue; today is realistic", WED)


@pytest.mark.parametrize(
    ("current", "new", "reason", "message"),
    [
        (date(2026, 12, 1), date(2026, 12, 15), "", "Say why"),
        (date(2026, 12, 1), date(2026, 12, 15), "  ", "Say why"),
        (date(2026, 12, 1), date(2026, 11, 24), "oops", "in the past"),
        (date(2026, 12, 1), date(2026, 12, 1), "same", "already due"),
    ],
)
def test_redate_refusals(current: date, new: date, reason: str, message: str) -> None:
    with pytest.raises(UserError, match=message):
        check_redate(current, new, reason, WED)


# ------------------------------------------------------------------------------ overdue maths


@pytest.mark.parametrize(
    ("due_on", "status", "overdue", "days"),
    [
        (WED, OP, False, 0),  # due today: not yet
        (WED - timedelta(days=1), OP, True, 1),
        (WED - timedelta(days=10), IP, True, 10),
        (WED - timedelta(days=10), D, False, 0),
        (WED - timedelta(days=10), W, False, 0),
        (WED + timedelta(days=3), OP, False, 0),
    ],
)
def test_overdue(due_on: date, status: ItemStatus, overdue: bool, days: int) -> None:
    it = action_item(due_on=due_on, status=status)
    assert is_overdue(it, WED) is overdue
    assert days_overdue(it, WED) == days


def test_priority_then_due_then_id() -> None:
    items = [
        action_item(5, priority=Priority.P2, due_on=THU),
        action_item(4, priority=Priority.P0, due_on=SUN),
        action_item(3, priority=Priority.P0, due_on=FRI),
        action_item(2, priority=Priority.P2, due_on=THU),
        action_item(1, priority=Priority.P3, due_on=WED),
    ]
    assert [i.id for i in sorted(items, key=priority_sort_key)] == [3, 4, 2, 5, 1]


def test_item_is_frozen() -> None:
    it = action_item()
    assert replace(it, status=D).status == D
    with pytest.raises(AttributeError):
        it.status = D  # type: ignore[misc]
