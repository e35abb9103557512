"""GitHubTracker (githubkit) against GitHubStub: every operation, its errors and GitHub's rate limits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from bot.domain.action_items import Priority
from bot.domain.tickets import FindingLevel, TicketState, TrackerUser
from bot.outbound.trackers import NotModified, Reason, TrackerFailed
from bot.outbound.trackers.github import GitHubTracker, web_url_for
from tests.outbound.trackers.helpers import MARKER, Clock, new_ticket
from tests.tracker_stubs.github import GitHubStub

REPO = "acme/payments"


@pytest.fixture
def stub() -> Iterator[GitHubStub]:
    with GitHubStub() as s:
        s.add_repo(REPO)
        s.add_user("alice", email="alice@example.com", collaborator_of=REPO)
        s.add_user("mallory", email="mallory@example.com")
        yield s


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def github(stub: GitHubStub, clock: Clock) -> GitHubTracker:
    return GitHubTracker(stub.token, api_url=stub.api_url, clock=clock)


def test_check_names_the_account_and_the_repository(github: GitHubTracker) -> None:
    findings = github.check(REPO)
    assert [f.level for f in findings] == [FindingLevel.OK, FindingLevel.OK]
    assert "pmbot" in findings[0].text and REPO in findings[1].text


def test_check_reports_what_is_wrong_without_raising(stub: GitHubStub, clock: Clock) -> None:
    stub.add_repo("acme/no-issues", has_issues=False, push=False)
    stub.scopes = "read:user"
    github = GitHubTracker(stub.token, api_url=stub.api_url, clock=clock)
    texts = [(f.level, f.text) for f in github.check("acme/no-issues")]
    assert (FindingLevel.PROBLEM, "the token's scopes (read:user) cannot write issues") in texts
    assert (FindingLevel.PROBLEM, "acme/no-issues has issues turned off") in texts
    assert any(level is FindingLevel.WARNING and "cannot label or assign" in t for level, t in texts)
    assert github.check("acme/missing")[-1].level is FindingLevel.PROBLEM
    bad = GitHubTracker("ghp_wrong", api_url=stub.api_url, clock=clock).check(REPO)
    assert [f.level for f in bad] == [FindingLevel.PROBLEM] and "refused the token" in bad[0].text


def test_create_carries_title_body_due_priority_label_marker_and_assignee(
    stub: GitHubStub, github: GitHubTracker
) -> None:
    ticket = github.create(REPO, new_ticket(assignee=TrackerUser("alice")))

    assert ticket.key == f"{REPO}#1" and ticket.url == f"{stub.root}/{REPO}/issues/1"
    assert ticket.state is TicketState.OPEN and ticket.due_on == date(2025, 4, 1)
    assert ticket.assignee == TrackerUser("alice", None, "alice@example.com")
    assert ticket.marker == MARKER and ticket.etag
    raw = stub.issue(f"{REPO}#1")
    assert [label["name"] for label in raw["labels"]] == ["postmortem", "priority:P1", "due:2025-04-01"]
    assert "Due: 2025-04-01 (kept by postmortem-bot)" in raw["body"]
    assert f"<!-- postmortem-bot item {MARKER} -->" in raw["body"]
    assert "[postmortem](https://test-team.slack.com/archives/C1/p1700000000000100)" in raw["body"]
    sent = stub.calls_to("POST", r"/issues$")[0]
    assert sent.headers["authorization"] == f"token {stub.token}" and sent.body["assignees"] == ["alice"]


def test_an_owner_who_cannot_be_assigned_leaves_the_ticket_unassigned(
    stub: GitHubStub, github: GitHubTracker
) -> None:
    ticket = github.create(REPO, new_ticket(assignee=TrackerUser("mallory")))
    assert ticket.assignee is None
    assert [c.status for c in stub.calls_to("POST", r"/issues$")] == [422, 201]


def test_find_by_marker_pages_through_the_postmortem_issues(stub: GitHubStub, github: GitHubTracker) -> None:
    github.create(REPO, new_ticket())
    for n in range(150):
        stub.add_issue(
            REPO,
            f"other {n}",
            labels=["postmortem"],
            body=f"<!-- postmortem-bot item pmbot-t0test-{n + 100} -->",
        )
    stub.add_issue(REPO, "not ours", body=f"mentions {MARKER} but has no postmortem label")
    stub.reset_calls()

    found = github.find_by_marker(REPO, MARKER)

    assert found is not None and found.key == f"{REPO}#1" and found.marker == MARKER
    lists = stub.calls_to("GET", r"/issues$")
    assert (
        len(lists) == 2 and lists[0].query["labels"] == ["postmortem"] and lists[0].query["state"] == ["all"]
    )
    assert github.find_by_marker(REPO, "pmbot-t0test-9999") is None


def test_get_is_conditional_on_the_etag(stub: GitHubStub, github: GitHubTracker) -> None:
    created = github.create(REPO, new_ticket())
    first = github.get(created.key)
    assert not isinstance(first, NotModified) and first.etag

    assert github.get(created.key, etag=first.etag) == NotModified(created.key)
    remaining = stub.calls[-1].response_headers["X-RateLimit-Remaining"]
    assert stub.calls[-1].status == 304 and stub.calls[-1].headers["if-none-match"] == first.etag

    stub.edit(created.key, state="closed", state_reason="not_planned")
    changed = github.get(created.key, etag=first.etag)
    assert not isinstance(changed, NotModified) and changed.state is TicketState.WONT_DO
    assert int(stub.calls[-1].response_headers["X-RateLimit-Remaining"]) == int(remaining) - 1


def test_close_done_wont_do_and_reopen_with_comments(stub: GitHubStub, github: GitHubTracker) -> None:
    key = github.create(REPO, new_ticket()).key

    assert github.close(key, TicketState.DONE, "Done in Slack by Alice.").state is TicketState.DONE
    assert stub.issue(key)["state_reason"] == "completed"
    assert github.reopen(key, "Reopened in Slack.").state is TicketState.OPEN
    assert stub.issue(key)["state_reason"] == "reopened"
    assert github.close(key, TicketState.WONT_DO).state is TicketState.WONT_DO
    assert stub.issue(key)["state_reason"] == "not_planned"
    github.comment(key, "A note")
    assert stub.comments[key] == ["Done in Slack by Alice.", "Reopened in Slack.", "A note"]


def test_set_due_swaps_the_label_and_the_body_line(stub: GitHubStub, github: GitHubTracker) -> None:
    key = github.create(REPO, new_ticket()).key

    moved = github.set_due(key, date(2025, 5, 2), "Re-dated in Slack: waiting on the vendor.")
    assert moved.due_on == date(2025, 5, 2)
    raw = stub.issue(key)
    assert [lab["name"] for lab in raw["labels"]] == ["postmortem", "priority:P1", "due:2025-05-02"]
    assert "Due: 2025-05-02 (kept by postmortem-bot)" in raw["body"] and "2025-04-01" not in raw["body"]
    cleared = github.set_due(key, None)
    assert cleared.due_on is None and "Due:" not in stub.issue(key)["body"]


def test_find_user_by_public_email_or_login(github: GitHubTracker) -> None:
    assert github.find_user("alice@example.com") == TrackerUser("alice", None, "alice@example.com")
    assert github.find_user("nobody@example.com") is None
    assert github.find_user("@alice") == TrackerUser("alice", None, "alice@example.com")
    assert github.find_user("ghost") is None


def test_parse_url(stub: GitHubStub, github: GitHubTracker) -> None:
    assert github.parse_url(f"{stub.root}/acme/payments/issues/12") == "acme/payments#12"
    assert github.parse_url(f"{stub.root}/acme/payments/pull/12") is None
    assert github.parse_url("https://example.com/acme/payments/issues/12") is None
    public = GitHubTracker("t")
    assert public.parse_url("https://github.com/acme/payments/issues/7#issuecomment-1") == "acme/payments#7"
    assert web_url_for("https://ghe.example.com/api/v3/") == "https://ghe.example.com"


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (lambda s: s.fail(500), Reason.UNREACHABLE),
        (lambda s: s.fail(404), Reason.NOT_FOUND),
        (lambda s: s.fail(422, {"message": "Validation Failed"}), Reason.REFUSED),
        (lambda s: s.fail(403, {"message": "Resource not accessible by integration"}), Reason.AUTH),
        (lambda s: s.drop(), Reason.UNREACHABLE),
    ],
)
def test_failures_leave_as_tracker_failed(
    stub: GitHubStub, github: GitHubTracker, fault: object, reason: Reason
) -> None:
    key = github.create(REPO, new_ticket()).key
    fault(stub)  # type: ignore[operator]
    with pytest.raises(TrackerFailed) as failed:
        github.get(key)
    assert failed.value.reason is reason and failed.value.kind.value == "github"


def test_a_key_that_is_not_a_github_key_is_not_found(github: GitHubTracker) -> None:
    with pytest.raises(TrackerFailed) as failed:
        github.get("OPS-12")
    assert failed.value.reason is Reason.NOT_FOUND


def test_secondary_rate_limit_waits_for_retry_after(
    stub: GitHubStub, github: GitHubTracker, clock: Clock
) -> None:
    key = github.create(REPO, new_ticket()).key
    stub.rate_limit(retry_after=90)
    with pytest.raises(TrackerFailed) as limited:
        github.get(key)
    assert limited.value.reason is Reason.RATE_LIMITED
    assert limited.value.retry_after is not None and timedelta(
        seconds=85
    ) < limited.value.retry_after <= timedelta(seconds=90)

    calls = len(stub.calls)
    with pytest.raises(TrackerFailed) as again:
        github.comment(key, "x")
    assert again.value.reason is Reason.RATE_LIMITED and len(stub.calls) == calls  # not even sent

    clock.advance(seconds=91)
    assert github.comment(key, "x") is None


def test_primary_rate_limit_spent_shuts_the_gate_until_the_reset(
    stub: GitHubStub, github: GitHubTracker, clock: Clock
) -> None:
    key = github.create(REPO, new_ticket(priority=Priority.P0)).key
    stub.exhaust(reset_in=600)
    github.get(key)  # this one still answered, saying remaining 0
    with pytest.raises(TrackerFailed) as limited:
        github.get(key)
    assert limited.value.reason is Reason.RATE_LIMITED
    assert limited.value.retry_after is not None and limited.value.retry_after > timedelta(seconds=500)
    stub.remaining = 5000
    clock.advance(seconds=601)
    assert not isinstance(github.get(key), NotModified)
