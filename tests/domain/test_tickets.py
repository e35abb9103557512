"""The ticket vocabulary: every tracker's state table, the item's marker, the body a ticket carries."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.action_items import Priority
from bot.domain.tickets import (
    Changed,
    NewTicket,
    TicketChange,
    TicketState,
    TrackerKind,
    find_marker,
    github_state,
    gitlab_state,
    hidden_marker,
    item_marker,
    jira_state,
    linear_state,
    ticket_body,
)

DONE, WONT, OPEN = TicketState.DONE, TicketState.WONT_DO, TicketState.OPEN


@pytest.mark.parametrize(
    ("state", "reason", "expected"),
    [
        ("closed", "completed", DONE),
        ("closed", None, DONE),
        ("closed", "not_planned", WONT),
        ("closed", "duplicate", WONT),
        ("open", "reopened", OPEN),
        ("open", None, OPEN),
    ],
)
def test_github_states(state: str, reason: str | None, expected: TicketState) -> None:
    assert github_state(state, reason) is expected


@pytest.mark.parametrize(
    ("category", "resolution", "status", "expected"),
    [
        ("done", "Done", "Done", DONE),
        ("done", "Fixed", "Closed", DONE),
        ("done", None, "Done", DONE),
        ("done", "Won't Do", "Done", WONT),
        ("done", "Won\u2019t Fix", "Closed", WONT),
        ("done", "Duplicate", "Closed", WONT),
        ("done", "Cannot Reproduce", "Resolved", WONT),
        ("done", None, "Won't Do", WONT),
        ("done", None, "Cancelled", WONT),
        ("new", None, "To Do", OPEN),
        ("indeterminate", "Won't Do", "In Progress", OPEN),  # a stale resolution on an open issue
        (None, None, None, OPEN),
    ],
)
def test_jira_states(
    category: str | None, resolution: str | None, status: str | None, expected: TicketState
) -> None:
    assert jira_state(category, resolution, status) is expected


def test_gitlab_and_linear_states() -> None:
    assert gitlab_state("closed") is DONE
    assert gitlab_state("closed", ["postmortem", "Won't do"]) is WONT
    assert gitlab_state("opened", ["won't do"]) is OPEN
    assert [
        linear_state(t)
        for t in ("completed", "canceled", "duplicate", "started", "unstarted", "backlog", "triage", None)
    ] == [
        DONE,
        WONT,
        WONT,
        OPEN,
        OPEN,
        OPEN,
        OPEN,
        OPEN,
    ]


def test_markers() -> None:
    marker = item_marker("T0-TEST", 42)
    assert marker == "pmbot-t0test-42"
    assert find_marker(f"text\n\n{hidden_marker(marker)}") == marker
    assert find_marker("nothing here", ["postmortem", marker]) == marker
    assert find_marker("pmbot-t0test-42x and pmbot-t0test-4") == "pmbot-t0test-4"
    assert find_marker(None) is None


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
    st.integers(min_value=0, max_value=10**9),
)
def test_every_marker_is_found_again_in_a_body_or_as_a_label(workspace: str, item: int) -> None:
    marker = item_marker(workspace, item)
    assert find_marker(f"Some text {marker}.\n") == marker
    assert find_marker(None, [marker]) == marker
    assert len(marker) <= 50  # a GitHub label's limit


def test_body_links_the_postmortem_and_channel() -> None:
    ticket = NewTicket(
        title="t",
        text="Add the alert",
        postmortem_url="https://x/p",
        channel_name="inc-1",
        channel_url="https://x/c",
        due_on=date(2025, 4, 1),
        priority=Priority.P1,
        marker="pmbot-t-1",
    )
    body = ticket_body(ticket, due_in_body=True, marker=hidden_marker(ticket.marker))
    assert body.startswith(
        "Add the alert\n\nAction item from the [postmortem](https://x/p) of [#inc-1](https://x/c), "
        "priority P1."
    )
    assert "Due: 2025-04-01 (kept by postmortem-bot)" in body and body.endswith(
        "<!-- postmortem-bot item pmbot-t-1 -->"
    )
    assert "Due:" not in ticket_body(ticket)


def test_an_empty_change_says_so() -> None:
    assert TicketChange(TrackerKind.JIRA, "OPS-1").is_empty
    assert not TicketChange(TrackerKind.JIRA, "OPS-1", due=Changed(None)).is_empty
