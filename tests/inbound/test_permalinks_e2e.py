"""Entries people can act on, end to end: the timeline posted in Slack, the postmortem's parent, the
exported document and the CLI link each entry to its message, with links built from the workspace
URL the stand-in's auth.test answers; no chat.getPermalink call per message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.store.events import workspace_url
from tests.conftest import BotUnderTest
from tests.harness import TEAM_ID
from tests.inbound.channels import message_link, mrkdwn_link, run_timeline, timeline
from tests.inbound.payments_outage import (
    CHANNEL,
    NAME,
    ask,
    parent_message,
    seed_incident,
    start_postmortem,
    watch_incident,
)
from tests.slack_stub import server as stub_server
from tests.slack_stub.state import Ctx
from tests.slack_stub.wire import Args

pytestmark = pytest.mark.e2e

IMPACT, DETECTION = "1742075880.000100", "1742076391.000200"  # 21:58 and 22:06 UTC


def test_the_timeline_posted_in_slack_links_each_entry_and_phase(bot: BotUnderTest) -> None:
    watch_incident(bot)
    text = run_timeline(bot, CHANNEL, NAME)
    impact = message_link(bot, CHANNEL, IMPACT)
    assert impact == "https://test-team.slack.com/archives/C0INC1/p1742075880000100"
    assert f"{mrkdwn_link(impact, '21:58')} *Alice* checkout errors climbing _[impact start]_" in text
    assert f"*Impact start*  {mrkdwn_link(impact, '2025-03-15 21:58 UTC')}" in text
    assert (
        f"{mrkdwn_link(message_link(bot, CHANNEL, DETECTION), '22:06')} *Bob* PaymentsCheckoutErrorRate"
        in text
    )
    with bot.rt.transaction() as s:  # kept on the workspace's record, for timelines built without Slack
        assert workspace_url(s, TEAM_ID) == "https://test-team.slack.com/"
    assert bot.stub.calls_to("chat.getPermalink") == []  # built, not asked for one by one
    assert len(bot.stub.calls_to("auth.test")) <= 2  # Bolt's check at start, and the bot's own, once


def test_a_thread_reply_on_the_timeline_links_into_its_thread(bot: BotUnderTest) -> None:
    seed_incident(bot)
    reply = bot.stub.add_message(
        CHANNEL, user="U0BOB", text="db failover done", thread_ts=DETECTION, reactions={"pushpin": ["U0BOB"]}
    )
    watch(bot)  # the backfill reads the thread
    text = run_timeline(bot, CHANNEL, NAME)
    link = message_link(bot, CHANNEL, reply, DETECTION)
    assert link.endswith(f"?thread_ts={DETECTION}&cid={CHANNEL}")
    assert f"<{link.replace('&', '&amp;')}|" in text
    (entry,) = [e for e in timeline(bot, CHANNEL).entries if e.ts == reply]
    assert entry.permalink == link


def test_the_postmortem_parent_and_the_exported_document_link_to_the_messages(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    impact = message_link(bot, CHANNEL, IMPACT)
    parent = json.dumps(parent_message(bot)["blocks"], ensure_ascii=False)
    assert f"*Impact start:* {mrkdwn_link(impact, '2025-03-15 21:58 UTC')}" in parent
    ask(bot, "export", "Uploaded")
    document = bot.stub.uploads[-1].content.decode()
    assert (
        f"| [2025-03-15 21:58]({impact}) | checkout errors climbing **[impact start]** | Alice |" in document
    )
    assert f"| Impact start | [2025-03-15 21:58]({impact}) |" in document
    # Slack is asked for one link only: the postmortem thread's own, as before
    asked = {c.args["message_ts"] for c in bot.stub.calls_to("chat.getPermalink")}
    assert asked <= {parent_message(bot)["ts"]}


def test_the_cli_reads_the_url_the_bot_kept(
    bot: BotUnderTest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    start_postmortem(bot)
    monkeypatch.setenv("DATABASE_URL", str(bot.rt.settings.database_url))
    for name in ("SLACK_BOT_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    impact = message_link(bot, CHANNEL, IMPACT)
    assert main(["export", "--out", str(tmp_path)]) == 0
    document = (tmp_path / "2025-03-15-payments-outage.md").read_text()
    assert f"| [2025-03-15 21:58]({impact}) |" in document
    capsys.readouterr()
    assert main(["timeline", "--channel", NAME, "--format", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)["entries"]
    assert (entries[0]["user"], entries[0]["user_id"], entries[0]["permalink"]) == (
        "Alice",
        "U0ALICE",
        impact,
    )


def watch(bot: BotUnderTest) -> None:
    assert bot.slack.command("watch", channel=CHANNEL, channel_name=NAME, user="U0ALICE").status == 200
    bot.stub.wait_for_response(lambda r: "Recording" in r.get("text", ""))


@pytest.fixture
def auth_test_without_url(monkeypatch: pytest.MonkeyPatch) -> None:
    answer = stub_server.HANDLERS["auth.test"]

    def without_url(ctx: Ctx, args: Args) -> dict[str, Any]:
        return {k: v for k, v in answer(ctx, args).items() if k != "url"}

    monkeypatch.setitem(stub_server.HANDLERS, "auth.test", without_url)


@pytest.mark.usefixtures("auth_test_without_url")
def test_without_a_workspace_url_nothing_links_and_nothing_breaks(bot: BotUnderTest) -> None:
    start_postmortem(bot)
    text = run_timeline(bot, CHANNEL, NAME)
    assert "`21:58` *Alice* checkout errors climbing _[impact start]_" in text
    assert "slack.com/archives" not in text
    assert "slack.com/archives" not in json.dumps(parent_message(bot)["blocks"])
    with bot.rt.transaction() as s:
        assert workspace_url(s, TEAM_ID) is None
