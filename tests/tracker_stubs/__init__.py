"""Local stand-ins for Jira, GitHub, GitLab and Linear: real HTTP servers on 127.0.0.1 that answer the
paths and JSON their client libraries use (see base.py), and signed webhook deliveries (webhooks.py)."""

from tests.tracker_stubs.base import Call, TrackerStub
from tests.tracker_stubs.github import GitHubStub
from tests.tracker_stubs.gitlab import GitLabStub
from tests.tracker_stubs.jira import JiraStub
from tests.tracker_stubs.linear import LinearStub

__all__ = ["Call", "GitHubStub", "GitLabStub", "JiraStub", "LinearStub", "TrackerStub"]
