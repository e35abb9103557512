"""Jira's moving parts: choosing a workflow transition, and `check` (credentials, project, fields).

A workflow is the project's own, so nothing here names a status. Closing as done takes a transition
into the `done` category whose target is not a "won't" status, with resolution Done or Fixed when the
screen asks; won't do prefers a target status named like Won't Do / Declined / Cancelled, then a done
transition whose resolution can say Won't Do / Won't Fix / Duplicate…, and failing both a plain done
transition (the comment says why). Reopening takes a transition into `new` (To Do), else `indeterminate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from bot.domain.tickets import Finding, FindingLevel, TicketState, jira_state
from bot.outbound.trackers import Reason, TrackerFailed

if TYPE_CHECKING:
    from bot.outbound.trackers.jira import JiraTracker

_DONE_RESOLUTIONS = ("done", "fixed", "resolved", "complete", "completed")


def _category(transition: Mapping[str, Any]) -> str | None:
    to = transition.get("to") or {}
    category = (to.get("statusCategory") or {}).get("key")
    return category if isinstance(category, str) else None


def _is_wont(name: object) -> bool:
    return isinstance(name, str) and jira_state("done", name) is TicketState.WONT_DO


def _resolution(transition: Mapping[str, Any], want_wont: bool) -> dict[str, Any] | None:
    """Fields to send: {} when the screen has no resolution, None when it has but none fits."""
    field = (transition.get("fields") or {}).get("resolution")
    if not isinstance(field, Mapping):
        return {}
    names: list[str] = [
        v["name"]
        for v in field.get("allowedValues") or ()
        if isinstance(v, Mapping) and isinstance(v.get("name"), str)
    ]
    if want_wont:
        fit = next((n for n in names if _is_wont(n)), None)
    else:
        fit = next((n for n in names if n and n.casefold() in _DONE_RESOLUTIONS), None)
        fit = fit or next((n for n in names if not _is_wont(n)), None)
    if fit is not None:
        return {"resolution": {"name": fit}}
    return None if field.get("required") else {}


def pick_transition(
    transitions: Sequence[Mapping[str, Any]], state: TicketState
) -> tuple[str, dict[str, Any]] | None:
    """The transition (its id, and the fields to send with it) that takes an issue to `state`."""
    valid = [t for t in transitions if isinstance(t, Mapping) and isinstance(t.get("id"), str | int)]
    if state is TicketState.OPEN:
        for wanted in ("new", "indeterminate"):
            found = next((t for t in valid if _category(t) == wanted), None)
            if found is not None:
                return str(found["id"]), {}
        return None
    done = [t for t in valid if _category(t) == "done"]
    if state is TicketState.WONT_DO:
        named = [t for t in done if _is_wont((t.get("to") or {}).get("name"))]
        for transition in named:
            fields = _resolution(transition, want_wont=True)
            if fields is not None:
                return str(transition["id"]), fields
        for transition in done:
            fields = _resolution(transition, want_wont=True)
            if fields:
                return str(transition["id"]), fields
    plain = [t for t in done if not _is_wont((t.get("to") or {}).get("name"))] or done
    for transition in plain:
        fields = _resolution(transition, want_wont=False)
        if fields is not None:
            return str(transition["id"]), fields
    return None


def _problem(text: str, hint: str | None = None) -> Finding:
    return Finding(FindingLevel.PROBLEM, text, hint)


def check_project(tracker: JiraTracker, project: str) -> list[Finding]:
    findings: list[Finding] = []
    try:
        me = tracker.whoami() or {}
    except TrackerFailed as error:
        if error.reason in (Reason.AUTH, Reason.NOT_FOUND):
            return [
                _problem(
                    f"Jira refused the credentials ({error.detail})", "check JIRA_EMAIL and JIRA_API_TOKEN"
                )
            ]
        raise
    findings.append(
        Finding(FindingLevel.OK, f"signed in to Jira as {me.get('displayName') or me.get('name')}")
    )
    try:
        tracker.read(f"rest/api/2/project/{project}")
        types = tracker.read(f"rest/api/2/issue/createmeta/{project}/issuetypes", maxResults=200) or {}
    except TrackerFailed as error:
        if error.reason in (Reason.AUTH, Reason.NOT_FOUND):
            findings.append(_problem(f"no Jira project {project} that this account can browse and create in"))
            return findings
        raise
    findings.append(Finding(FindingLevel.OK, f"project {project} exists"))
    issue_types = types.get("issueTypes") or types.get("values") or []
    wanted = tracker.issue_type.casefold()
    issue_type = next((t for t in issue_types if str(t.get("name", "")).casefold() == wanted), None)
    if issue_type is None:
        names = ", ".join(str(t.get("name")) for t in issue_types) or "none"
        findings.append(
            _problem(
                f"{project} has no issue type {tracker.issue_type} (it has: {names})", "set JIRA_ISSUE_TYPE"
            )
        )
        return findings
    meta = (
        tracker.read(f"rest/api/2/issue/createmeta/{project}/issuetypes/{issue_type['id']}", maxResults=200)
        or {}
    )
    fields = {
        str(f.get("fieldId") or f.get("key")): f for f in meta.get("fields") or meta.get("values") or []
    }
    if "labels" not in fields:
        findings.append(
            _problem("the create screen has no Labels field: tickets could not carry their marker")
        )
    for field_id, what in (("duedate", "Due date"), ("priority", "Priority"), ("assignee", "Assignee")):
        if field_id not in fields:
            findings.append(
                Finding(
                    FindingLevel.WARNING,
                    f"the create screen has no {what} field: tickets are created without it",
                )
            )
    if "priority" in fields:
        allowed = {str(v.get("name")) for v in fields["priority"].get("allowedValues") or ()}
        missing = [name for name in tracker.priorities.values() if name not in allowed]
        if missing:
            findings.append(
                Finding(
                    FindingLevel.WARNING,
                    f"priorities {', '.join(missing)} do not exist (there are: {', '.join(sorted(allowed))})",
                    "set JIRA_PRIORITIES",
                )
            )
    if not [f for f in findings if f.level is not FindingLevel.OK]:
        findings.append(
            Finding(FindingLevel.OK, f"issue type {issue_type.get('name')} has every field tickets use")
        )
    return findings
