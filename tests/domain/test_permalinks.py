"""bot.domain.permalinks: links to Slack messages built from the workspace's URL, in Slack's own shape."""

from __future__ import annotations

import re

import pytest

from bot.domain.permalinks import can_link, permalink, workspace_url

BASE = "https://acme.slack.com/"


# Slack's shape, as chat.getPermalink answers it (api.slack.com/methods/chat.getPermalink): the
# message's ts without its dot; a reply's link adds its parent's ts and the channel as a query.
def test_a_top_level_message_links_by_its_ts_without_the_dot() -> None:
    assert (
        permalink(BASE, "C07INC0315P", "1742076391.000200")
        == "https://acme.slack.com/archives/C07INC0315P/p1742076391000200"
    )


def test_a_thread_reply_links_into_its_thread() -> None:
    assert (
        permalink(BASE, "C1H9RESGL", "1358546517.000023", "1358546515.000008")
        == "https://acme.slack.com/archives/C1H9RESGL/p1358546517000023?thread_ts=1358546515.000008&cid=C1H9RESGL"
    )


def test_a_thread_parent_links_like_a_top_level_message() -> None:
    assert permalink(BASE, "C1", "1742076391.000200", "1742076391.000200") == (
        "https://acme.slack.com/archives/C1/p1742076391000200"
    )


def test_private_and_direct_conversations_link_the_same_way() -> None:
    assert permalink(BASE, "G0PRIVATE", "1.000001") == "https://acme.slack.com/archives/G0PRIVATE/p1000001"
    assert permalink(BASE, "D0DM", "1.000001").endswith("/archives/D0DM/p1000001")


def test_a_short_fraction_is_read_as_slack_writes_it() -> None:
    assert permalink(BASE, "C1", "1742076391.2") == "https://acme.slack.com/archives/C1/p1742076391200000"


def test_a_malformed_thread_ts_is_left_out_not_put_in_the_url() -> None:
    assert permalink(BASE, "C1", "1742076391.000200", "x&y=<z>") == (
        "https://acme.slack.com/archives/C1/p1742076391000200"
    )


@pytest.mark.parametrize("ts", ["", "1742076391", "1742076391.", "abc.000100", "1742076391.1234567"])
def test_a_malformed_ts_is_refused(ts: str) -> None:
    with pytest.raises(ValueError, match="is not a Slack ts"):
        permalink(BASE, "C1", ts)


@pytest.mark.parametrize(
    ("given", "url"),
    [
        ("https://acme.slack.com/", "https://acme.slack.com/"),
        ("https://acme.slack.com", "https://acme.slack.com/"),
        ("  HTTPS://Acme.Slack.com/  ", "https://acme.slack.com/"),
        ("acme.slack.com", "https://acme.slack.com/"),
        ("https://acme-corp.enterprise.slack.com/", "https://acme-corp.enterprise.slack.com/"),
        ("https://agency.slack-gov.com/", "https://agency.slack-gov.com/"),
    ],
)
def test_workspace_url_as_auth_test_names_it(given: str, url: str) -> None:
    assert workspace_url(given) == url


@pytest.mark.parametrize(
    ("given", "says"),
    [
        ("http://acme.slack.com/", "must be https"),
        ("ftp://acme.slack.com/", "must be https"),
        ("", "names no host"),
        ("https://", "names no host"),
        ("acme", "is not a host name"),
        ("https://acme .slack.com/", "is not a host name"),
        ("https://user@acme.slack.com/", "is not a host name"),
        ("https://acme.slack.com:8443/", "is not a host name"),
        ("https://acme.slack.com:x/", "is not a host name"),
        ("https://-acme.slack.com/", "is not a host name"),
        ("https://acme.slack.com/archives/C1", "without a path"),
        ("https://acme.slack.com/?x=1", "without a path"),
        ("https://acme.slack.com/#top", "without a path"),
        ("https://acme.slack.com/?", "without a path"),
    ],
)
def test_anything_else_is_refused_saying_why(given: str, says: str) -> None:
    with pytest.raises(ValueError, match=re.escape("is not a Slack workspace URL like " + BASE)) as error:
        workspace_url(given)
    assert says in str(error.value)


@pytest.mark.parametrize(
    ("channel_id", "linkable"),
    [
        ("C07INC0315P", True),
        ("C1", True),
        ("G0PRIVATE", True),
        ("D0DM", True),
        (None, False),
        ("", False),
        ("inc-2025-03-15-payments", False),  # an export without ids: the name stands in for one
        ("C", False),
        ("c07inc", False),
        ("X0123", False),
    ],
)
def test_only_slack_conversation_ids_can_be_linked(channel_id: str | None, linkable: bool) -> None:
    assert can_link(channel_id) is linkable
