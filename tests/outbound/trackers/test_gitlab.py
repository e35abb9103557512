"""GitLabTracker (python-gitlab) against GitLabStub: every operation, its errors and GitLab's rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.domain.tickets import FindingLevel, TicketState, TrackerUser
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.gitlab import GitLabTracker
from tests.outbound.trackers.helpers import MARKER, Clock, new_ticket
from tests.tracker_stubs.gitlab import GitLabStub

PROJECT = "acme/platform/payments"


@pytest.fixture
def stub() -> Iterator[GitLabStub]:
    with GitLabStub() as s:
        s.add_project(PROJECT)
        yield s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def gitlab(stub: GitLabStub, clock: Clock) -> GitLabTracker:
    return GitLabTracker(stub.token, url=stub.url, clock=clock)


def _get(tracker: GitLabTracker, key: str) -> object:
    found = tracker.get(key)
    assert not isinstance(found, NotModified)
    return found


def test_check_names_the_account_and_the_project(gitlab: GitLabTracker) -> None:
    findings = gitlab.check(PROJECT)
    assert [f.level for f in findings] == [FindingLevel.OK, FindingLevel.OK]
    assert "pmbot" in findings[0].text and PROJECT in findings[1].text


def test_check_reports_what_is_wrong_without_raising(
    stub: GitLabStub, clock: Clock, gitlab: GitLabTracker
) -> None:
    stub.add_project("acme/guest", issues_enabled=False, access_level=10)
    texts = [(f.level, f.text) for f in gitlab.check("acme/guest")]
    assert (FindingLevel.PROBLEM, "acme/guest has issues turned off") in texts
    assert any(level is FindingLevel.WARNING and "below Reporter" in text for level, text in texts)
    assert gitlab.check("acme/missing")[-1].level is FindingLevel.PROBLEM
    bad = GitLabTracker("glpat-wrong", url=stub.url, clock=clock).check(PROJECT)
    assert [f.level for f in bad] == [FindingLevel.PROBLEM] and "refused the token" in bad[0].text


def test_create_carries_due_date_labels_marker_and_assignee(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    alice = stub.add_user("alice", public_email="alice@example.com")
    ticket = gitlab.create(PROJECT, new_ticket(assignee=TrackerUser(str(alice))))

    assert ticket.key == f"{PROJECT}#1" and ticket.url == f"{stub.root}/{PROJECT}/-/issues/1"
    assert ticket.state is TicketState.OPEN and ticket.due_on == date(2025, 4, 1)
    assert ticket.assignee == TrackerUser(str(alice), "alice", "alice@example.com")
    assert ticket.labels == ("postmortem", "priority:P1") and ticket.marker == MARKER
    sent = stub.calls_to("POST", r"/issues$")[0]
    assert sent.path == "/api/v4/projects/acme%2Fplatform%2Fpayments/issues"
    assert sent.body["due_date"] == "2025-04-01" and sent.body["assignee_ids"] == [alice]
    assert f"<!-- postmortem-bot item {MARKER} -->" in sent.body["description"]
    assert "Due:" not in sent.body["description"]  # GitLab keeps the date itself


def test_find_by_marker_searches_the_postmortem_issues(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    stub.add_issue(PROJECT, "elsewhere", description=f"talks about {MARKER}")  # no postmortem label
    gitlab.create(PROJECT, new_ticket())
    found = gitlab.find_by_marker(PROJECT, MARKER)
    assert found is not None and found.key == f"{PROJECT}#2"
    listed = stub.calls_to("GET", r"/issues$")[-1]
    assert listed.query["labels"] == ["postmortem"] and listed.query["search"] == [MARKER]
    assert gitlab.find_by_marker(PROJECT, "pmbot-t0test-9999") is None


def test_close_done_wont_do_reopen_and_comments(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    key = gitlab.create(PROJECT, new_ticket()).key

    assert gitlab.close(key, TicketState.WONT_DO, "Won't do, decided in Slack.").state is TicketState.WONT_DO
    assert stub.issue(key)["state"] == "closed" and "won't do" in stub.issue(key)["labels"]
    reopened = gitlab.reopen(key)
    assert reopened.state is TicketState.OPEN and "won't do" not in reopened.labels
    assert gitlab.close(key, TicketState.DONE).state is TicketState.DONE
    gitlab.comment(key, "note")
    assert stub.notes[key] == ["Won't do, decided in Slack.", "note"]
    puts = [c.body for c in stub.calls_to("PUT", r"/issues/1$")]
    assert puts[0] == {"state_event": "close", "add_labels": "won't do"}


def test_set_due_and_clear_it(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    key = gitlab.create(PROJECT, new_ticket()).key
    assert gitlab.set_due(key, date(2025, 6, 1), "Re-dated in Slack.").due_on == date(2025, 6, 1)
    assert gitlab.set_due(key, None).due_on is None
    assert stub.calls_to("PUT", r"/issues/1$")[-1].body == {"due_date": None}
    assert stub.notes[key] == ["Re-dated in Slack."]


def test_get_reads_what_people_changed(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    bob = stub.add_user("bob")
    key = gitlab.create(PROJECT, new_ticket()).key
    stub.edit(key, state_event="close", due_date="2025-04-20", assignee_ids=[bob])
    ticket = gitlab.get(key)
    assert not isinstance(ticket, NotModified)
    assert (ticket.state, ticket.due_on, ticket.assignee) == (
        TicketState.DONE,
        date(2025, 4, 20),
        TrackerUser(str(bob), "bob"),
    )


def test_find_user_by_public_email_or_username(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    alice = stub.add_user("alice", public_email="alice@example.com")
    assert gitlab.find_user("alice@example.com") == TrackerUser(str(alice), "alice", "alice@example.com")
    assert gitlab.find_user("@alice") == TrackerUser(str(alice), "alice", "alice@example.com")
    assert gitlab.find_user("nobody@example.com") is None


def test_parse_url(stub: GitLabStub, gitlab: GitLabTracker) -> None:
    assert gitlab.parse_url(f"{stub.root}/{PROJECT}/-/issues/12") == f"{PROJECT}#12"
    assert gitlab.parse_url(f"{stub.root}/{PROJECT}/-/work_items/12") == f"{PROJECT}#12"
    assert gitlab.parse_url(f"{stub.root}/{PROJECT}/-/merge_requests/12") is None
    assert gitlab.parse_url(f"https://gitlab.com/{PROJECT}/-/issues/12") is None
    assert GitLabTracker("t").parse_url("https://gitlab.com/a/b/-/issues/3") == "a/b#3"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (lambda s: s.fail(500), Reason.UNREACHABLE),
        (lambda s: s.fail(404, {"message": "404 Not found"}), Reason.NOT_FOUND),
        (lambda s: s.fail(400, {"message": "bad"}), Reason.REFUSED),
        (lambda s: s.fail(403, {"message": "403 Forbidden"}), Reason.AUTH),
        (lambda s: s.drop(), Reason.UNREACHABLE),
    ],
)
def test_failures_leave_as_tracker_failed(
    stub: GitLabStub, gitlab: GitLabTracker, fault: object, reason: Reason
) -> None:
    key = gitlab.create(PROJECT, new_ticket()).key
    fault(stub)  # type: ignore[operator]
    with pytest.raises(TrackerFailed) as failed:
        gitlab.get(key)
    assert failed.value.reason is reason


def test_bad_token_is_auth(stub: GitLabStub, clock: Clock) -> None:
    with pytest.raises(TrackerFailed) as failed:
        GitLabTracker("glpat-wrong", url=stub.url, clock=clock).get(f"{PROJECT}#1")
    assert failed.value.reason is Reason.AUTH


def test_429_is_not_slept_through_and_shuts_the_gate(
    stub: GitLabStub, gitlab: GitLabTracker, clock: Clock
) -> None:
    key = gitlab.create(PROJECT, new_ticket()).key
    stub.rate_limit(retry_after=120)
    with pytest.raises(TrackerFailed) as limited:
        gitlab.comment(key, "x")
    assert limited.value.reason is Reason.RATE_LIMITED
    assert limited.value.retry_after is not None and limited.value.retry_after > timedelta(seconds=110)
    sent = len(stub.calls)
    with pytest.raises(TrackerFailed):
        gitlab.get(key)
    assert len(stub.calls) == sent
    clock.advance(seconds=121)
    _get(gitlab, key)


def test_remaining_zero_waits_for_the_reset(stub: GitLabStub, gitlab: GitLabTracker, clock: Clock) -> None:
    key = gitlab.create(PROJECT, new_ticket()).key
    stub.remaining = 1  # the next answer says 0 left
    _get(gitlab, key)
    with pytest.raises(TrackerFailed) as limited:
        gitlab.get(key)
    assert limited.value.reason is Reason.RATE_LIMITED
    stub.remaining = 2000
    clock.advance(seconds=61)
    _get(gitlab, key)
