"""Tracker settings from the environment, and the clients they make (no network until used)."""

from __future__ import annotations

from bot.domain.action_items import Priority
from bot.domain.tickets import TrackerKind
from bot.outbound.trackers.github import GitHubTracker
from bot.outbound.trackers.gitlab import GitLabTracker
from bot.outbound.trackers.jira import JiraTracker
from bot.outbound.trackers.linear import LinearTracker
from bot.outbound.trackers.settings import VARIABLES, make_trackers, read_settings


def test_nothing_set_is_nothing_configured() -> None:
    settings, problems = read_settings({})
    assert problems == [] and settings.configured == () and make_trackers(settings) == {}


def test_everything_set() -> None:
    env = {
        "JIRA_URL": "https://acme.atlassian.net",
        "JIRA_EMAIL": "bot@acme.test",
        "JIRA_API_TOKEN": "t",
        "JIRA_PRIORITIES": "P0=Blocker, p3=Minor",
        "JIRA_WEBHOOK_SECRET": "j",
        "GITHUB_TOKEN": "g",
        "GITHUB_API_URL": "https://ghe.acme.test/api/v3/",
        "GITLAB_TOKEN": "l",
        "GITLAB_URL": "https://gitlab.acme.test",
        "GITLAB_WEBHOOK_SIGNING_TOKEN": "whsec_AAAA",
        "LINEAR_API_KEY": "k",
        "LINEAR_WEBHOOK_SECRET": "s",
    }
    settings, problems = read_settings(env)
    assert problems == []
    assert settings.jira is not None and settings.jira.cloud
    assert (
        settings.jira.priorities[Priority.P0] == "Blocker" and settings.jira.priorities[Priority.P1] == "High"
    )
    assert settings.jira.priorities[Priority.P3] == "Minor"
    assert settings.webhook_secrets == {TrackerKind.JIRA: "j", TrackerKind.LINEAR: "s"}
    trackers = make_trackers(settings)
    assert [type(t) for t in trackers.values()] == [JiraTracker, GitHubTracker, GitLabTracker, LinearTracker]
    assert trackers[TrackerKind.GITHUB].parse_url("https://ghe.acme.test/a/b/issues/1") == "a/b#1"  # type: ignore[union-attr]


def test_problems_are_all_listed() -> None:
    _, problems = read_settings(
        {
            "JIRA_URL": "https://acme.atlassian.net",
            "JIRA_API_TOKEN": "t",
            "JIRA_PRIORITIES": "P9=Huge",
            "GITLAB_URL": "gitlab.acme.test",
            "GITLAB_WEBHOOK_SIGNING_TOKEN": "plain",
        }
    )
    assert problems == [
        "Jira Cloud needs JIRA_EMAIL with the API token",
        "JIRA_PRIORITIES: 'P9=Huge' is not P0-P3=<Jira priority name>",
        "GITLAB_WEBHOOK_SIGNING_TOKEN must be the whsec_… value GitLab shows",
        "GITLAB_URL must be an http(s) URL, not 'gitlab.acme.test'",
    ]
    _, half = read_settings({"JIRA_URL": "https://jira.acme.test"})
    assert half == ["Jira needs both JIRA_URL and JIRA_API_TOKEN"]


def test_data_center_is_told_from_the_url() -> None:
    settings, problems = read_settings({"JIRA_URL": "https://jira.acme.test", "JIRA_API_TOKEN": "pat"})
    assert (
        problems == []
        and settings.jira is not None
        and not settings.jira.cloud
        and settings.jira.email is None
    )


def test_every_variable_is_documented_once() -> None:
    names = [v.name for v in VARIABLES]
    assert len(names) == len(set(names)) and all(v.meaning.endswith(".") for v in VARIABLES)
