"""GitHub and GitLab webhooks: verification (good, forged, stale, malformed) and reading into TicketChange.

Payloads come from the stand-ins, built from the issue as the stand-in holds it after a person's change.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.tickets import Changed, TicketState, TrackerKind, TrackerUser
from bot.inbound.trackers import WebhookMalformed, WebhookRefused
from bot.inbound.trackers import github as github_hooks
from bot.inbound.trackers import gitlab as gitlab_hooks
from tests.tracker_stubs.github import GitHubStub
from tests.tracker_stubs.gitlab import GitLabStub
from tests.tracker_stubs.webhooks import github_delivery, gitlab_delivery, new_signing_token

SECRET = "It's a Secret to Everybody"
KEY = "acme/payments#1"


@pytest.fixture
def gh() -> Iterator[GitHubStub]:
    with GitHubStub() as stub:
        stub.add_repo("acme/payments")
        stub.add_user("alice", collaborator_of="acme/payments")
        stub.add_issue("acme/payments", "Add the alert", labels=["postmortem", "due:2025-04-01"])
        yield stub


def github_change(gh: GitHubStub, action: str, **extra: object) -> object:
    headers, body = github_delivery(SECRET, "issues", gh.issue_event(KEY, action, **extra), delivery="d-1")
    delivery = github_hooks.receive(headers, body, SECRET)
    assert delivery.id == "d-1" and delivery.kind is TrackerKind.GITHUB
    return delivery.change


def test_github_closed_reopened_and_not_planned(gh: GitHubStub) -> None:
    gh.edit(KEY, state="closed", state_reason="completed")
    change = github_change(gh, "closed")
    assert change.state is TicketState.DONE and change.key == KEY and change.actor == "octocat"  # type: ignore[attr-defined]
    gh.edit(KEY, state="open", state_reason="reopened")
    assert github_change(gh, "reopened").state is TicketState.OPEN  # type: ignore[attr-defined]
    gh.edit(KEY, state="closed", state_reason="not_planned")
    assert github_change(gh, "closed").state is TicketState.WONT_DO  # type: ignore[attr-defined]
    gh.edit(KEY, state="closed", state_reason="duplicate")
    assert github_change(gh, "closed").state is TicketState.WONT_DO  # type: ignore[attr-defined]


def test_github_assignee_and_due_label_changes(gh: GitHubStub) -> None:
    gh.edit(KEY, assignees=["alice"])
    change = github_change(gh, "assigned", assignee={"login": "alice"})
    assert change.assignee == Changed(TrackerUser("alice")) and change.state is None  # type: ignore[attr-defined]
    gh.edit(KEY, assignees=[])
    assert github_change(gh, "unassigned").assignee == Changed(None)  # type: ignore[attr-defined]
    gh.edit(KEY, labels=["postmortem", "due:2025-05-02"])
    moved = github_change(gh, "labeled", label={"name": "due:2025-05-02"})
    assert moved.due == Changed(date(2025, 5, 2))  # type: ignore[attr-defined]
    gh.edit(KEY, labels=["postmortem"])
    assert github_change(gh, "unlabeled", label={"name": "due:2025-05-02"}).due == Changed(None)  # type: ignore[attr-defined]


def test_github_deliveries_about_nothing_we_track(gh: GitHubStub) -> None:
    assert github_change(gh, "edited") is None
    assert github_change(gh, "labeled", label={"name": "bug"}) is None
    headers, body = github_delivery(SECRET, "ping", {"zen": "Keep it logically awesome.", "hook_id": 42})
    assert github_hooks.receive(headers, body, SECRET).change is None


@pytest.mark.parametrize(
    "forge", ["wrong secret", "tampered body", "no header", "sha1 only", "no secret set"]
)
def test_github_forged_deliveries_are_refused(gh: GitHubStub, forge: str) -> None:
    headers, body = github_delivery(SECRET, "issues", gh.issue_event(KEY, "closed"))
    secret = SECRET
    if forge == "wrong secret":
        headers, body = github_delivery("guess", "issues", gh.issue_event(KEY, "closed"))
    elif forge == "tampered body":
        body = body.replace(b'"closed"', b'"reopened"')
    elif forge == "no header":
        del headers["X-Hub-Signature-256"]
    elif forge == "sha1 only":
        headers["X-Hub-Signature-256"] = headers["X-Hub-Signature"]
    else:
        secret = ""
    with pytest.raises(WebhookRefused):
        github_hooks.receive(headers, body, secret)


def test_github_headers_are_read_in_any_case(gh: GitHubStub) -> None:
    headers, body = github_delivery(SECRET, "issues", gh.issue_event(KEY, "reopened"))
    lowered = {k.lower(): v for k, v in headers.items()}
    assert github_hooks.receive(lowered, body, SECRET).change is not None


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", json.dumps({"action": "closed"}).encode()])
def test_github_signed_but_malformed(body: bytes) -> None:
    headers, body = github_delivery(SECRET, "issues", body)
    with pytest.raises(WebhookMalformed):
        github_hooks.receive(headers, body, SECRET)


# ---- GitLab ---------------------------------------------------------------------------------

PROJECT = "acme/payments"
GL_KEY = f"{PROJECT}#1"
NOW = datetime(2025, 3, 15, 18, 0, tzinfo=UTC)


@pytest.fixture
def gl() -> Iterator[GitLabStub]:
    with GitLabStub() as stub:
        stub.add_project(PROJECT)
        stub.add_issue(PROJECT, "Add the alert", labels="postmortem", due_date="2025-04-01")
        yield stub


def gitlab_change(gl: GitLabStub, action: str, changes: dict[str, object] | None = None) -> object:
    headers, body = gitlab_delivery(SECRET, gl.issue_hook(GL_KEY, action, changes=changes), delivery="g-1")
    delivery = gitlab_hooks.receive(headers, body, SECRET)
    assert delivery.id == "g-1"
    return delivery.change


def test_gitlab_close_reopen_and_wont_do(gl: GitLabStub) -> None:
    gl.edit(GL_KEY, state_event="close")
    change = gitlab_change(gl, "close", {"state_id": {"previous": 1, "current": 2}})
    assert change.state is TicketState.DONE and change.key == GL_KEY and change.actor == "alice"  # type: ignore[attr-defined]
    gl.edit(GL_KEY, state_event="reopen")
    assert gitlab_change(gl, "reopen").state is TicketState.OPEN  # type: ignore[attr-defined]
    gl.edit(GL_KEY, state_event="close", add_labels="won't do")
    assert gitlab_change(gl, "close").state is TicketState.WONT_DO  # type: ignore[attr-defined]


def test_gitlab_due_date_and_assignee_updates(gl: GitLabStub) -> None:
    bob = gl.add_user("bob")
    gl.edit(GL_KEY, due_date="2025-04-20")
    change = gitlab_change(gl, "update", {"due_date": {"previous": "2025-04-01", "current": "2025-04-20"}})
    assert change.due == Changed(date(2025, 4, 20)) and change.state is None  # type: ignore[attr-defined]
    gl.edit(GL_KEY, assignee_ids=[bob])
    assigned = gitlab_change(gl, "update", {"assignees": {"previous": [], "current": [{"id": bob}]}})
    assert assigned.assignee == Changed(TrackerUser(str(bob), "bob"))  # type: ignore[attr-defined]
    assert gitlab_change(gl, "update", {"title": {"previous": "a", "current": "b"}}) is None


def test_gitlab_other_events_are_no_change(gl: GitLabStub) -> None:
    headers, body = gitlab_delivery(SECRET, {"object_kind": "note"}, event="Note Hook")
    assert gitlab_hooks.receive(headers, body, SECRET).change is None


@pytest.mark.parametrize("forge", ["wrong token", "no token", "no secret set"])
def test_gitlab_forged_tokens_are_refused(gl: GitLabStub, forge: str) -> None:
    token = {"wrong token": "guess", "no token": None, "no secret set": SECRET}[forge]
    headers, body = gitlab_delivery(token, gl.issue_hook(GL_KEY, "close"))
    with pytest.raises(WebhookRefused):
        gitlab_hooks.receive(headers, body, None if forge == "no secret set" else SECRET)


def test_gitlab_signing_token_good_forged_and_stale(gl: GitLabStub) -> None:
    signing = new_signing_token()
    stamp = int(NOW.timestamp())
    headers, body = gitlab_delivery(
        SECRET, gl.issue_hook(GL_KEY, "reopen"), signing_token=signing, timestamp=stamp
    )
    assert gitlab_hooks.receive(headers, body, SECRET, signing_token=signing, now=NOW).change is not None
    assert gitlab_hooks.receive(headers, body, None, signing_token=signing, now=NOW).change is not None

    with pytest.raises(WebhookRefused, match="too far"):
        gitlab_hooks.receive(headers, body, SECRET, signing_token=signing, now=NOW + timedelta(minutes=6))
    with pytest.raises(WebhookRefused, match="does not match"):
        gitlab_hooks.receive(headers, body, SECRET, signing_token=new_signing_token(), now=NOW)
    with pytest.raises(WebhookRefused, match="does not match"):
        gitlab_hooks.receive(headers, body + b" ", SECRET, signing_token=signing, now=NOW)
    unsigned, _ = gitlab_delivery(SECRET, gl.issue_hook(GL_KEY, "reopen"))
    with pytest.raises(WebhookRefused, match="no webhook signature"):
        gitlab_hooks.receive(unsigned, body, SECRET, signing_token=signing, now=NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        json.dumps({"object_kind": "issue", "object_attributes": {"iid": 1}}).encode(),
        json.dumps({"object_kind": "issue"}).encode(),
    ],
)
def test_gitlab_malformed(body: bytes) -> None:
    headers, body = gitlab_delivery(SECRET, body)
    with pytest.raises(WebhookMalformed):
        gitlab_hooks.receive(headers, body, SECRET)
