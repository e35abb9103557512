"""Posts made under a claim carry it as message metadata, and are found again by it; the Web API
client repeats only what is safe to repeat. Over real HTTP against the Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.client import RemoteDisconnected
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.state import RetryState

from bot.domain.timeline import PHASES, Timeline
from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.notices import TimelinePosts
from bot.outbound.slack.tags import EVENT_TYPE, Tag, metadata, part_of
from bot.outbound.slack.web import RetrySafeCalls
from tests.factories import entry
from tests.slack_stub import SlackStub

CHANNEL = "C0INC001"
TAG = Tag(7, "reminder.channel:3:2025-W12")


@pytest.fixture
def slack(slack_stub: SlackStub) -> Iterator[Slack]:
    slack_stub.add_channel(CHANNEL, "inc-db", members=["UBOT"])
    client = WebClient(token=slack_stub.bot_token, base_url=slack_stub.url, retry_handlers=[RetrySafeCalls()])
    yield Slack.over(client, {})


def test_a_tag_names_its_claim_and_part() -> None:
    tagged = {"metadata": metadata(TAG, 2)}
    assert tagged["metadata"] == {
        "event_type": EVENT_TYPE,
        "event_payload": {"claim": 7, "key": "reminder.channel:3:2025-W12", "part": 2},
    }
    assert part_of(tagged, TAG) == 2
    assert part_of(tagged, Tag(7, "reminder.channel:3:2025-W13")) is None  # another claim's 7
    assert part_of(tagged, Tag(8, TAG.key)) is None
    assert part_of({"metadata": {"event_type": "other", "event_payload": {"claim": 7}}}, TAG) is None
    assert part_of({"metadata": "junk"}, TAG) is None and part_of({}, TAG) is None


def test_a_tagged_post_is_found_in_history_and_only_the_bots_own(slack_stub: SlackStub, slack: Slack) -> None:
    slack_stub.add_message(CHANNEL, text="forged", user="U0SOMEONE", metadata=metadata(TAG, 0))
    slack.say.post(CHANNEL, "another claim's", tag=Tag(8, "announcement:3:"))
    posted = slack.say.post(CHANNEL, "this one", tag=TAG)
    slack.say.post(CHANNEL, "untagged")

    assert slack.read.tagged(CHANNEL, TAG) == [posted]
    assert slack.read.tagged(CHANNEL, Tag(9, "escalation:1:")) == []
    assert slack.read.tagged("#inc-db", TAG) == [posted]  # POSTMORTEM_CHANNEL may be a #name


def test_a_long_post_found_in_part_is_finished_not_repeated(slack_stub: SlackStub, slack: Slack) -> None:
    start = datetime(2025, 3, 15, 21, 0, tzinfo=UTC)
    entries = tuple(
        entry(start + timedelta(minutes=i), f"E{i:04d} " + "x" * 2500, ts=f"{1742072400 + i}.000100")
        for i in range(120)
    )
    notice = TimelinePosts(Timeline("inc-db", {m: None for m in PHASES}, entries))
    parent = slack.say.post(CHANNEL, "Postmortem: DB outage")
    slack_stub.drop_connection(
        "chat.postMessage", when=lambda args: args["metadata"]["event_payload"]["part"] == 1
    )

    with pytest.raises(SlackFailed, match="unreachable"):
        slack.say.post(CHANNEL, notice, thread_ts=parent.ts, tag=TAG)  # part 1's answer is lost
    found = slack.read.tagged(CHANNEL, TAG, thread_ts=parent.ts)
    assert len(found) == 2  # parts 0 and 1 are in Slack
    first = slack.say.post(CHANNEL, notice, thread_ts=parent.ts, tag=TAG, found=found)

    parts = [m["metadata"]["event_payload"]["part"] for m in slack_stub.messages(CHANNEL) if "metadata" in m]
    assert first == found[0]
    assert len(parts) > 2 and parts == list(range(len(parts)))  # each part once, in order


def _can_retry(method: str, error: Exception) -> bool:
    request = HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})
    return RetrySafeCalls(max_retry_count=3).can_retry(state=RetryState(), request=request, error=error)


@pytest.mark.parametrize(
    ("method", "error", "retried"),
    [
        ("chat.postMessage", RemoteDisconnected("no answer"), False),  # it may have been posted
        ("chat.postMessage", ConnectionResetError(), False),
        ("chat.postMessage", URLError(ConnectionRefusedError()), True),  # it never left
        ("chat.postEphemeral", RemoteDisconnected("no answer"), False),
        ("conversations.canvases.create", RemoteDisconnected("no answer"), False),
        ("conversations.history", RemoteDisconnected("no answer"), True),
        ("chat.update", ConnectionResetError(), True),
        ("views.publish", URLError(ConnectionResetError()), True),
        ("conversations.open", RemoteDisconnected("no answer"), True),
    ],
)
def test_only_what_is_safe_to_repeat_is_retried_on_a_lost_connection(
    method: str, error: Exception, retried: bool
) -> None:
    assert _can_retry(method, error) is retried
