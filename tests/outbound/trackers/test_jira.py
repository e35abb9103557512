"""JiraTracker (atlassian-python-api) against JiraStub, Cloud and Data Center: every operation, errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.domain.action_items import Priority
from bot.domain.tickets import FindingLevel, TicketState, TrackerUser
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.jira import JiraTracker
from bot.outbound.trackers.jira_workflow import pick_transition
from tests.outbound.trackers.helpers import MARKER, Clock, new_ticket
from tests.tracker_stubs.jira import JiraStub


@pytest.fixture(params=["cloud", "datacenter"])
def stub(request: pytest.FixtureRequest) -> Iterator[JiraStub]:
    with JiraStub(cloud=request.param == "cloud") as s:
        s.add_project("OPS")
        yield s


@pytest.fixture
def clock() -> Clock:
    return Clock()


def tracker_for(stub: JiraStub, clock: Clock, **kwargs: object) -> JiraTracker:
    if stub.cloud:
        return JiraTracker(stub.url, stub.token, email=stub.email, cloud=True, clock=clock, **kwargs)  # type: ignore[arg-type]
    return JiraTracker(stub.url, stub.token, cloud=False, clock=clock, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def jira(stub: JiraStub, clock: Clock) -> JiraTracker:
    return tracker_for(stub, clock)


def _read(jira: JiraTracker, key: str) -> object:
    found = jira.get(key)
    assert not isinstance(found, NotModified)
    return found


def test_check_passes_on_a_complete_project(jira: JiraTracker) -> None:
    findings = jira.check("OPS")
    assert all(f.level is FindingLevel.OK for f in findings), findings
    assert "Postmortem Bot" in findings[0].text


def test_check_names_missing_fields_types_and_projects(
    stub: JiraStub, jira: JiraTracker, clock: Clock
) -> None:
    stub.add_project("LEAN", screen=frozenset({"project", "issuetype", "summary", "description", "labels"}))
    levels = {f.text: f.level for f in jira.check("LEAN")}
    assert (
        levels["the create screen has no Due date field: tickets are created without it"]
        is FindingLevel.WARNING
    )
    assert (
        levels["the create screen has no Priority field: tickets are created without it"]
        is FindingLevel.WARNING
    )
    assert jira.check("NOPE")[-1].level is FindingLevel.PROBLEM
    story = tracker_for(stub, clock, issue_type="Story").check("OPS")
    assert story[-1].level is FindingLevel.PROBLEM and "no issue type Story" in story[-1].text
    odd = tracker_for(stub, clock, priorities={Priority.P0: "Blocker"}).check("OPS")
    assert any(f.level is FindingLevel.WARNING and "Blocker" in f.text for f in odd)
    bad = JiraTracker(stub.url, "wrong", email=stub.email, cloud=stub.cloud, clock=clock).check("OPS")
    assert [f.level for f in bad] == [FindingLevel.PROBLEM]


def test_create_carries_every_field_and_the_marker_label(stub: JiraStub, jira: JiraTracker) -> None:
    alice = stub.add_user("alice", "Alice Adams", "alice@example.com")
    ticket = jira.create("OPS", new_ticket(assignee=TrackerUser(alice), priority=Priority.P0))

    assert ticket.key == "OPS-1" and ticket.url == f"{stub.url}/browse/OPS-1"
    assert ticket.due_on == date(2025, 4, 1) and ticket.marker == MARKER and ticket.state is TicketState.OPEN
    fields = stub.calls_to("POST", r"/rest/api/2/issue$")[0].body["fields"]
    assert fields["priority"] == {"name": "Highest"} and fields["duedate"] == "2025-04-01"
    assert fields["labels"] == ["postmortem", MARKER] and fields["issuetype"] == {"name": "Task"}
    assert fields["assignee"] == ({"accountId": alice} if stub.cloud else {"name": "alice"})
    assert "[postmortem|https://test-team.slack.com/archives/C1/p1700000000000100]" in fields["description"]
    read = _read(jira, "OPS-1")
    assert read == ticket.__class__(
        **{**ticket.__dict__, "updated_at": read.updated_at, "assignee": read.assignee}
    )  # type: ignore[attr-defined]


def test_a_screen_without_priority_or_due_date_still_gets_its_ticket(
    stub: JiraStub, jira: JiraTracker
) -> None:
    stub.add_project("LEAN", screen=frozenset({"project", "issuetype", "summary", "description", "labels"}))
    ticket = jira.create("LEAN", new_ticket())
    assert ticket.key == "LEAN-1" and ticket.due_on is None
    assert [c.status for c in stub.calls_to("POST", r"/rest/api/2/issue$")] == [400, 201]


def test_find_by_marker_uses_the_label(stub: JiraStub, jira: JiraTracker) -> None:
    jira.create("OPS", new_ticket(marker="pmbot-t0test-1"))
    jira.create("OPS", new_ticket())
    found = jira.find_by_marker("OPS", MARKER)
    assert found is not None and found.key == "OPS-2"
    search = stub.calls_to("GET", r"/search")[-1]
    assert search.path == ("/rest/api/3/search/jql" if stub.cloud else "/rest/api/2/search")
    assert search.query["jql"] == [f'project = "OPS" AND labels = "{MARKER}" ORDER BY created ASC']
    assert jira.find_by_marker("OPS", "pmbot-t0test-77") is None


def test_close_done_wont_do_and_reopen_follow_the_workflow(stub: JiraStub, jira: JiraTracker) -> None:
    key = jira.create("OPS", new_ticket()).key

    assert jira.close(key, TicketState.DONE, "Done in Slack.").state is TicketState.DONE
    assert stub.issue(key)["fields"]["resolution"] == {"name": "Done"}
    assert jira.reopen(key).state is TicketState.OPEN
    assert stub.issue(key)["fields"]["status"]["name"] == "To Do"
    wont = jira.close(key, TicketState.WONT_DO, "Won't do: replaced by the new pipeline.")
    assert wont.state is TicketState.WONT_DO
    assert stub.comments[key] == ["Done in Slack.", "Won't do: replaced by the new pipeline."]
    posts = stub.calls_to("POST", r"/transitions$")
    assert len(posts) == 3
    assert jira.close(key, TicketState.WONT_DO).state is TicketState.WONT_DO
    assert len(stub.calls_to("POST", r"/transitions$")) == 3  # already there: no transition


def test_team_managed_wont_do_is_a_status() -> None:
    with JiraStub(resolution_screen=False) as stub:
        stub.add_project("OPS")
        jira = JiraTracker(stub.url, stub.token, email=stub.email, cloud=True)
        key = jira.create("OPS", new_ticket()).key
        assert jira.close(key, TicketState.WONT_DO).state is TicketState.WONT_DO
        assert stub.issue(key)["fields"]["status"]["name"] == "Won't Do"
        assert jira.reopen(key).state is TicketState.OPEN
        assert jira.close(key, TicketState.DONE).state is TicketState.DONE


def test_pick_transition_when_nothing_fits() -> None:
    assert pick_transition([], TicketState.DONE) is None
    assert (
        pick_transition(
            [{"id": "1", "to": {"name": "Done", "statusCategory": {"key": "done"}}}], TicketState.OPEN
        )
        is None
    )
    required = {
        "id": "5",
        "to": {"name": "Closed", "statusCategory": {"key": "done"}},
        "fields": {"resolution": {"required": True, "allowedValues": [{"name": "Fixed"}]}},
    }
    assert pick_transition([required], TicketState.DONE) == ("5", {"resolution": {"name": "Fixed"}})
    assert pick_transition([required], TicketState.WONT_DO) == ("5", {"resolution": {"name": "Fixed"}})


def test_set_due_and_people_changes_read_back(stub: JiraStub, jira: JiraTracker) -> None:
    key = jira.create("OPS", new_ticket()).key
    assert jira.set_due(key, date(2025, 5, 9), "Re-dated in Slack.").due_on == date(2025, 5, 9)
    assert stub.calls_to("PUT", r"/issue/OPS-1$")[-1].body == {"fields": {"duedate": "2025-05-09"}}
    assert jira.set_due(key, None).due_on is None
    stub.move(key, "Done", "Duplicate")
    read = jira.get(key)
    assert not isinstance(read, NotModified) and read.state is TicketState.WONT_DO


def test_find_user(stub: JiraStub, jira: JiraTracker) -> None:
    alice = stub.add_user("alice", "Alice Adams", "alice@example.com")
    stub.add_user("hidden", "Hidden Person", "hidden@example.com", email_visible=False)
    assert jira.find_user("alice@example.com") == TrackerUser(alice, "Alice Adams", "alice@example.com")
    hidden = jira.find_user("hidden@example.com")
    assert hidden is not None and hidden.email is None  # matched, but Jira hides the address
    assert jira.find_user("nobody@example.com") is None


def test_parse_url(stub: JiraStub, jira: JiraTracker) -> None:
    assert jira.parse_url(f"{stub.url}/browse/OPS-12") == "OPS-12"
    assert jira.parse_url(f"{stub.url}/jira/software/projects/OPS/boards/1?selectedIssue=OPS-7") == "OPS-7"
    assert jira.parse_url(f"{stub.url}/jira/software/projects/OPS/issues/OPS-3") == "OPS-3"
    assert jira.parse_url("https://other.atlassian.net/browse/OPS-12") is None
    assert jira.parse_url(f"{stub.url}/wiki/spaces/OPS") is None


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (lambda s: s.fail(503), Reason.UNREACHABLE),
        (lambda s: s.fail(404, {"errorMessages": ["Issue does not exist"]}), Reason.NOT_FOUND),
        (lambda s: s.fail(400, {"errorMessages": ["bad"], "errors": {}}), Reason.REFUSED),
        (lambda s: s.fail(403, {"errorMessages": ["no permission"]}), Reason.AUTH),
        (lambda s: s.drop(), Reason.UNREACHABLE),
    ],
)
def test_failures_leave_as_tracker_failed(
    stub: JiraStub, jira: JiraTracker, fault: object, reason: Reason
) -> None:
    key = jira.create("OPS", new_ticket()).key
    fault(stub)  # type: ignore[operator]
    with pytest.raises(TrackerFailed) as failed:
        jira.comment(key, "x")
    assert failed.value.reason is reason


def test_bad_credentials_and_bad_keys(stub: JiraStub, clock: Clock) -> None:
    with pytest.raises(TrackerFailed) as failed:
        JiraTracker(stub.url, "wrong", email=stub.email, cloud=stub.cloud, clock=clock).get("OPS-1")
    assert failed.value.reason is Reason.AUTH
    with pytest.raises(TrackerFailed) as bad_key:
        tracker_for(stub, clock).get("acme/payments#1")
    assert bad_key.value.reason is Reason.NOT_FOUND


def test_429_retry_after_shuts_the_gate(stub: JiraStub, jira: JiraTracker, clock: Clock) -> None:
    key = jira.create("OPS", new_ticket()).key
    stub.rate_limit(retry_after=40)
    with pytest.raises(TrackerFailed) as limited:
        jira.get(key)
    assert limited.value.reason is Reason.RATE_LIMITED
    assert limited.value.retry_after is not None and timedelta(
        seconds=35
    ) < limited.value.retry_after <= timedelta(seconds=40)
    sent = len(stub.calls)
    with pytest.raises(TrackerFailed):
        jira.comment(key, "x")
    assert len(stub.calls) == sent
    clock.advance(seconds=41)
    _read(jira, key)
