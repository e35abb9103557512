"""LinearTracker (GraphQL over httpx) against LinearStub: every operation, its errors and rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.domain.action_items import Priority
from bot.domain.tickets import FindingLevel, TicketState, TrackerUser
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.linear import LinearTracker
from tests.outbound.trackers.helpers import MARKER, Clock, new_ticket
from tests.tracker_stubs.linear import LinearStub


@pytest.fixture
def stub() -> Iterator[LinearStub]:
    with LinearStub() as s:
        s.add_team("ENG")
        yield s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def linear(stub: LinearStub, clock: Clock) -> Iterator[LinearTracker]:
    tracker = LinearTracker(stub.api_key, api_url=stub.api_url, web_url=stub.web_url, clock=clock)
    yield tracker
    tracker.close_client()


def operations(stub: LinearStub) -> list[str]:
    return [c.body["query"].split("(")[0].split("{")[0].split()[-1] for c in stub.calls]


def test_check_names_the_account_and_the_team(linear: LinearTracker) -> None:
    findings = linear.check("ENG")
    assert all(f.level is FindingLevel.OK for f in findings)
    assert "Postmortem Bot" in findings[0].text and any("label will be made" in f.text for f in findings)


def test_check_reports_what_is_wrong_without_raising(
    stub: LinearStub, linear: LinearTracker, clock: Clock
) -> None:
    stub.add_team("OPS", states=(("Todo", "unstarted", 0), ("Done", "completed", 1)))
    assert any(f.level is FindingLevel.WARNING and "no canceled state" in f.text for f in linear.check("OPS"))
    assert linear.check("NOPE")[-1].level is FindingLevel.PROBLEM
    bad = LinearTracker("lin_api_wrong", api_url=stub.api_url, clock=clock).check("ENG")
    assert [f.level for f in bad] == [FindingLevel.PROBLEM] and "refused the API key" in bad[0].text


def test_create_carries_due_date_priority_label_marker_and_assignee(
    stub: LinearStub, linear: LinearTracker
) -> None:
    alice = stub.add_user("Alice Adams", "alice@example.com")
    ticket = linear.create("ENG", new_ticket(assignee=TrackerUser(alice), priority=Priority.P0))

    assert ticket.key == "ENG-1" and ticket.url.startswith(f"{stub.root}/acme/issue/ENG-1/")
    assert ticket.due_on == date(2025, 4, 1) and ticket.state is TicketState.OPEN and ticket.marker == MARKER
    assert ticket.assignee == TrackerUser(alice, "Alice Adams", "alice@example.com") and ticket.labels == (
        "postmortem",
    )
    sent = stub.calls_to("POST", "/graphql")[-1].body["variables"]["input"]
    assert (
        sent["priority"] == 1
        and sent["dueDate"] == "2025-04-01"
        and sent["description"].endswith(f"postmortem-bot item {MARKER}")
    )
    # the label was made once, then reused from the cache
    linear.create("ENG", new_ticket(marker="pmbot-t0test-43"))
    assert operations(stub).count("CreateLabel") == 1 and operations(stub).count("Labels") == 1


def test_an_existing_workspace_label_is_used(stub: LinearStub, linear: LinearTracker) -> None:
    label = stub.add_label("postmortem")
    linear.create("ENG", new_ticket())
    assert stub.issues["ENG-1"]["labelIds"] == [label] and "CreateLabel" not in operations(stub)


def test_find_by_marker(stub: LinearStub, linear: LinearTracker) -> None:
    linear.create("ENG", new_ticket(marker="pmbot-t0test-4"))  # its marker is a prefix of 42's: not a match
    linear.create("ENG", new_ticket())
    found = linear.find_by_marker("ENG", MARKER)
    assert found is not None and found.key == "ENG-2"
    assert linear.find_by_marker("ENG", "pmbot-t0test-9") is None


def test_close_done_wont_do_reopen_and_comment(stub: LinearStub, linear: LinearTracker) -> None:
    key = linear.create("ENG", new_ticket()).key
    assert linear.close(key, TicketState.DONE, "Done in Slack.").state is TicketState.DONE
    assert stub.issue(key)["state"]["name"] == "Done"
    assert linear.close(key, TicketState.WONT_DO).state is TicketState.WONT_DO
    assert stub.issue(key)["state"]["name"] == "Canceled"
    assert linear.reopen(key, "Reopened in Slack.").state is TicketState.OPEN
    assert stub.issue(key)["state"]["name"] == "Todo"
    linear.comment(key, "note")
    assert stub.comments[key] == ["Done in Slack.", "Reopened in Slack.", "note"]
    before = len(stub.calls)
    assert linear.reopen(key).state is TicketState.OPEN and len(stub.calls) == before + 1  # read only


def test_set_due_and_people_changes_read_back(stub: LinearStub, linear: LinearTracker) -> None:
    key = linear.create("ENG", new_ticket()).key
    assert linear.set_due(key, date(2025, 7, 1), "Re-dated.").due_on == date(2025, 7, 1)
    assert linear.set_due(key, None).due_on is None
    stub.move(key, "Duplicate")
    read = linear.get(key)
    assert not isinstance(read, NotModified) and read.state is TicketState.WONT_DO


def test_find_user_by_email_or_display_name(stub: LinearStub, linear: LinearTracker) -> None:
    alice = stub.add_user("Alice Adams", "alice@example.com")
    assert linear.find_user("ALICE@example.com") == TrackerUser(alice, "Alice Adams", "alice@example.com")
    assert linear.find_user("@alice") == TrackerUser(alice, "Alice Adams", "alice@example.com")
    assert linear.find_user("nobody@example.com") is None


def test_parse_url(stub: LinearStub, linear: LinearTracker) -> None:
    assert linear.parse_url(f"{stub.root}/acme/issue/ENG-12/add-an-alert") == "ENG-12"
    assert linear.parse_url(f"{stub.root}/acme/issue/ENG-12") == "ENG-12"
    assert linear.parse_url(f"{stub.root}/acme/project/big-thing") is None
    assert LinearTracker("k").parse_url("https://linear.app/acme/issue/OPS-3/x") == "OPS-3"


def test_unknown_issue_is_not_found(linear: LinearTracker) -> None:
    with pytest.raises(TrackerFailed) as failed:
        linear.get("ENG-404")
    assert failed.value.reason is Reason.NOT_FOUND


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (
            lambda s: s.fail(
                500,
                {"errors": [{"message": "Internal error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]},
            ),
            Reason.UNREACHABLE,
        ),
        (lambda s: s.fail(502, b"<html>Bad gateway</html>"), Reason.UNREACHABLE),
        (
            lambda s: s.fail(
                400,
                {
                    "errors": [
                        {"message": "Argument Validation Error", "extensions": {"code": "INVALID_INPUT"}}
                    ]
                },
            ),
            Reason.REFUSED,
        ),
        (
            lambda s: s.fail(
                400, {"errors": [{"message": "Forbidden", "extensions": {"code": "FORBIDDEN"}}]}
            ),
            Reason.AUTH,
        ),
        (lambda s: s.drop(), Reason.UNREACHABLE),
    ],
)
def test_failures_leave_as_tracker_failed(
    stub: LinearStub, linear: LinearTracker, fault: object, reason: Reason
) -> None:
    key = linear.create("ENG", new_ticket()).key
    fault(stub)  # type: ignore[operator]
    with pytest.raises(TrackerFailed) as failed:
        linear.get(key)
    assert failed.value.reason is reason


def test_ratelimited_shuts_the_gate_until_linear_s_reset(
    stub: LinearStub, linear: LinearTracker, clock: Clock
) -> None:
    key = linear.create("ENG", new_ticket()).key
    stub.rate_limit(retry_after=300)
    with pytest.raises(TrackerFailed) as limited:
        linear.get(key)
    assert limited.value.reason is Reason.RATE_LIMITED
    assert limited.value.retry_after is not None and timedelta(
        seconds=290
    ) < limited.value.retry_after <= timedelta(seconds=300)
    sent = len(stub.calls)
    with pytest.raises(TrackerFailed):
        linear.comment(key, "x")
    assert len(stub.calls) == sent
    clock.advance(seconds=301)
    assert not isinstance(linear.get(key), NotModified)
