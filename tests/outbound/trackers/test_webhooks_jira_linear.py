"""Jira and Linear webhooks: verification (good, forged, stale, malformed) and reading into TicketChange."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.tickets import Changed, TicketState, TrackerKind, TrackerUser
from bot.inbound.trackers import WebhookMalformed, WebhookRefused
from bot.inbound.trackers import jira as jira_hooks
from bot.inbound.trackers import linear as linear_hooks
from bot.outbound.trackers.jira import JiraTracker
from bot.outbound.trackers.linear import LinearTracker
from tests.outbound.trackers.helpers import new_ticket
from tests.tracker_stubs.jira import JiraStub
from tests.tracker_stubs.linear import LinearStub
from tests.tracker_stubs.webhooks import jira_delivery, linear_delivery

SECRET = "whsec-like-but-any-string"


def status_item(before: str, after: str) -> dict[str, str]:
    return {
        "field": "status",
        "fieldtype": "jira",
        "fieldId": "status",
        "fromString": before,
        "toString": after,
    }


@pytest.fixture
def jira() -> Iterator[JiraStub]:
    with JiraStub() as stub:
        stub.add_project("OPS")
        JiraTracker(stub.url, stub.token, email=stub.email, cloud=True).create("OPS", new_ticket())
        yield stub


def jira_change(stub: JiraStub, items: list[dict[str, str]], **kwargs: object) -> object:
    headers, body = jira_delivery(SECRET, stub.issue_updated("OPS-1", items, **kwargs), delivery="j-1")  # type: ignore[arg-type]
    delivery = jira_hooks.receive(headers, body, SECRET)
    assert delivery.id == "j-1" and delivery.kind is TrackerKind.JIRA
    return delivery.change


def test_jira_status_and_resolution(jira: JiraStub) -> None:
    jira.move("OPS-1", "Done", "Done")
    change = jira_change(
        jira,
        [status_item("To Do", "Done"), {"field": "resolution", "fieldId": "resolution", "toString": "Done"}],
    )
    assert change.state is TicketState.DONE and change.key == "OPS-1"  # type: ignore[attr-defined]
    assert change.actor == jira.me and change.at == datetime(2025, 3, 15, 18, 0, tzinfo=UTC)  # type: ignore[attr-defined]
    jira.move("OPS-1", "Done", "Won't Do")
    assert jira_change(jira, [{"field": "resolution", "fieldId": "resolution"}]).state is TicketState.WONT_DO  # type: ignore[attr-defined]
    jira.move("OPS-1", "To Do")
    assert jira_change(jira, [status_item("Done", "To Do")]).state is TicketState.OPEN  # type: ignore[attr-defined]


def test_jira_due_date_and_assignee(jira: JiraStub) -> None:
    alice = jira.add_user("alice", "Alice Adams", "alice@example.com")
    jira.edit("OPS-1", duedate="2025-04-30", assignee=jira.user_json(alice))
    change = jira_change(
        jira, [{"field": "duedate", "fieldId": "duedate", "from": "2025-04-01", "to": "2025-04-30"}]
    )
    assert change.due == Changed(date(2025, 4, 30)) and change.assignee is None  # type: ignore[attr-defined]
    assigned = jira_change(jira, [{"field": "assignee", "fieldId": "assignee", "to": alice}])
    assert assigned.assignee == Changed(TrackerUser(alice, "Alice Adams", "alice@example.com"))  # type: ignore[attr-defined]
    jira.edit("OPS-1", assignee=None, duedate=None)
    cleared = jira_change(
        jira, [{"field": "assignee", "fieldId": "assignee"}, {"field": "duedate", "fieldId": "duedate"}]
    )
    assert cleared.assignee == Changed(None) and cleared.due == Changed(None)  # type: ignore[attr-defined]


def test_jira_other_events_and_fields_are_no_change(jira: JiraStub) -> None:
    assert jira_change(jira, [{"field": "summary", "fieldId": "summary"}]) is None
    payload = jira.issue_updated("OPS-1", []) | {"webhookEvent": "jira:issue_created"}
    headers, body = jira_delivery(SECRET, payload)
    assert jira_hooks.receive(headers, body, SECRET).change is None


@pytest.mark.parametrize("forge", ["wrong secret", "tampered", "no header", "no secret set"])
def test_jira_forged_deliveries_are_refused(jira: JiraStub, forge: str) -> None:
    payload = jira.issue_updated("OPS-1", [status_item("To Do", "Done")])
    headers, body = jira_delivery("guess" if forge == "wrong secret" else SECRET, payload)
    if forge == "tampered":
        body = body.replace(b"OPS-1", b"OPS-2")
    if forge == "no header":
        del headers["X-Hub-Signature"]
    with pytest.raises(WebhookRefused):
        jira_hooks.receive(headers, body, "" if forge == "no secret set" else SECRET)


@pytest.mark.parametrize(
    "payload",
    [
        b"<xml/>",
        json.dumps({"webhookEvent": "jira:issue_updated"}).encode(),
        json.dumps({"webhookEvent": "jira:issue_updated", "issue": {"fields": {}}}).encode(),
    ],
)
def test_jira_malformed(payload: bytes) -> None:
    headers, body = jira_delivery(SECRET, payload)
    with pytest.raises(WebhookMalformed):
        jira_hooks.receive(headers, body, SECRET)


# ---- Linear ---------------------------------------------------------------------------------


@pytest.fixture
def lin() -> Iterator[LinearStub]:
    with LinearStub() as stub:
        stub.add_team("ENG")
        tracker = LinearTracker(stub.api_key, api_url=stub.api_url)
        tracker.create("ENG", new_ticket())
        tracker.close_client()
        yield stub


def now() -> datetime:
    return datetime.fromtimestamp(time.time(), UTC)


def linear_change(stub: LinearStub, updated_from: dict[str, object], **kwargs: object) -> object:
    payload = stub.issue_webhook("ENG-1", updated_from=updated_from, **kwargs)  # type: ignore[arg-type]
    headers, body = linear_delivery(SECRET, payload, delivery="l-1")
    delivery = linear_hooks.receive(headers, body, SECRET, now=now())
    assert delivery.id == "l-1" and delivery.kind is TrackerKind.LINEAR
    return delivery.change


def test_linear_state_changes(lin: LinearStub) -> None:
    lin.move("ENG-1", "Done")
    change = linear_change(lin, {"stateId": "previous-state", "updatedAt": "2025-03-15T17:00:00.000Z"})
    assert change.state is TicketState.DONE and change.key == "ENG-1" and change.actor == lin.viewer  # type: ignore[attr-defined]
    lin.move("ENG-1", "Canceled")
    assert linear_change(lin, {"stateId": "x"}).state is TicketState.WONT_DO  # type: ignore[attr-defined]
    lin.move("ENG-1", "In Progress")
    assert linear_change(lin, {"stateId": "x"}).state is TicketState.OPEN  # type: ignore[attr-defined]


def test_linear_due_date_and_assignee(lin: LinearStub) -> None:
    alice = lin.add_user("Alice Adams", "alice@example.com")
    lin.issues["ENG-1"] |= {"dueDate": "2025-06-01", "assignee": lin.users[alice]}
    change = linear_change(lin, {"dueDate": "2025-04-01", "assigneeId": None})
    assert change.due == Changed(date(2025, 6, 1))  # type: ignore[attr-defined]
    assert change.assignee == Changed(TrackerUser(alice, "Alice Adams", "alice@example.com"))  # type: ignore[attr-defined]
    lin.issues["ENG-1"] |= {"dueDate": None, "assignee": None}
    cleared = linear_change(lin, {"dueDate": "2025-06-01", "assigneeId": alice})
    assert cleared.due == Changed(None) and cleared.assignee == Changed(None)  # type: ignore[attr-defined]


def test_linear_other_deliveries_are_no_change(lin: LinearStub) -> None:
    assert linear_change(lin, {"title": "old"}) is None
    created = linear_delivery(SECRET, lin.issue_webhook("ENG-1", action="create"))
    assert linear_hooks.receive(*created, SECRET, now=now()).change is None
    comment = lin.issue_webhook("ENG-1") | {"type": "Comment"}
    assert linear_hooks.receive(*linear_delivery(SECRET, comment), SECRET, now=now()).change is None


@pytest.mark.parametrize(
    "forge", ["wrong secret", "tampered", "no header", "stale", "from the future", "no timestamp"]
)
def test_linear_forged_or_stale_deliveries_are_refused(lin: LinearStub, forge: str) -> None:
    payload = lin.issue_webhook("ENG-1", updated_from={"stateId": "x"})
    if forge == "stale":
        payload["webhookTimestamp"] -= 120_000
    elif forge == "from the future":
        payload["webhookTimestamp"] += 120_000
    elif forge == "no timestamp":
        del payload["webhookTimestamp"]
    headers, body = linear_delivery("guess" if forge == "wrong secret" else SECRET, payload)
    if forge == "tampered":
        body = body.replace(b"ENG-1", b"ENG-2")
    if forge == "no header":
        del headers["Linear-Signature"]
    with pytest.raises(WebhookRefused):
        linear_hooks.receive(headers, body, SECRET, now=now())


def test_linear_timestamp_window_is_a_minute(lin: LinearStub) -> None:
    payload = lin.issue_webhook("ENG-1", updated_from={"stateId": "x"})
    headers, body = linear_delivery(SECRET, payload)
    sent = datetime.fromtimestamp(payload["webhookTimestamp"] / 1000, UTC)
    assert linear_hooks.receive(headers, body, SECRET, now=sent + timedelta(seconds=59)).change is not None
    with pytest.raises(WebhookRefused):
        linear_hooks.receive(headers, body, SECRET, now=sent + timedelta(seconds=61))


@pytest.mark.parametrize(
    "payload",
    [
        b"not json",
        {"type": "Issue", "action": "update", "webhookTimestamp": 0, "data": {"id": "x"}},
        {
            "type": "Issue",
            "action": "update",
            "webhookTimestamp": 0,
            "data": {"identifier": "ENG-1"},
            "updatedFrom": {"stateId": "x"},
        },
    ],
)
def test_linear_malformed(payload: object) -> None:
    if isinstance(payload, dict):
        payload["webhookTimestamp"] = int(time.time() * 1000)
    headers, body = linear_delivery(SECRET, payload)  # type: ignore[arg-type]
    with pytest.raises(WebhookMalformed):
        linear_hooks.receive(headers, body, SECRET, now=now())
