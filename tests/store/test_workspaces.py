"""A workspace's URL on its record (bot/store/events.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.runtime import Runtime
from bot.store.events import ensure_workspace, set_workspace_url, workspace_url

URL = "https://acme.slack.com/"


def test_a_workspace_has_no_url_until_the_bot_learns_it(rt: Runtime) -> None:
    with rt.transaction() as s:
        ensure_workspace(s, "T1", rt.clock())
    with rt.transaction() as s:
        assert workspace_url(s, "T1") is None
        assert workspace_url(s, "T_UNKNOWN") is None


def test_the_url_is_kept_changed_and_kept_apart_per_workspace(rt: Runtime) -> None:
    with rt.transaction() as s:
        assert set_workspace_url(s, "T1", URL, rt.clock())  # a workspace never seen is recorded
        assert set_workspace_url(s, "T2", "https://other.slack.com/", rt.clock())
    with rt.transaction() as s:
        assert workspace_url(s, "T1") == URL
        assert not set_workspace_url(s, "T1", URL, rt.clock())  # the same again changes nothing
    with rt.transaction() as s:
        assert set_workspace_url(s, "T1", "https://acme-renamed.slack.com/", rt.clock())  # renamed
    with rt.transaction() as s:
        assert workspace_url(s, "T1") == "https://acme-renamed.slack.com/"
        assert workspace_url(s, "T2") == "https://other.slack.com/"


def test_ensuring_the_workspace_again_keeps_its_url(rt: Runtime) -> None:
    with rt.transaction() as s:
        set_workspace_url(s, "T1", URL, rt.clock())
    with rt.transaction() as s:
        ensure_workspace(s, "T1", rt.clock())  # what every event does
    with rt.transaction() as s:
        assert workspace_url(s, "T1") == URL
