"""Incident channels end to end: signed events and commands in, the record and the timeline out.

Slack's side is played twice over: what people post is seeded in the stand-in (so history and
replies return it, as Slack would) and delivered as the signed event Slack would send. Events are
handled after the ack, so tests wait on what the bot did (a stored row, a Web API call), never on
time; the few checks that something did NOT happen first wait until every listener the requests
started has finished (`BotUnderTest.idle`).
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from bot.domain.timeline import Mark
from bot.store.models import Message
from tests.conftest import BotUnderTest
from tests.factories import count_rows
from tests.inbound.channels import (
    BOT_USER,
    WAIT,
    announcements,
    channel_event,
    channel_row,
    ephemeral,
    eventually,
    incident_channel,
    message_event,
    message_link,
    mrkdwn_link,
    post,
    posts_to,
    react,
    reactions,
    revisions,
    run_timeline,
    shown,
    stored,
    texts,
    timeline,
    timeline_posts,
    wait_stored,
    wait_watched,
)
from tests.slack_stub import server as stub_server
from tests.slack_stub.state import Ctx
from tests.slack_stub.wire import Args, SlackError

pytestmark = pytest.mark.e2e

LEGEND = (":boom:", ":rotating_light:", ":eyes:", ":adhesive_bandage:", ":white_check_mark:", ":pushpin:")
# 2025-03-15, a Saturday after the US switched to daylight time (New York is UTC-4, LA UTC-7)
UTC_20_05 = "1742069100.000100"
UTC_20_30 = "1742070600.000200"


@pytest.fixture
def app(bot: BotUnderTest) -> BotUnderTest:
    """The bot, in a workspace with three people in three time zones."""
    bot.stub.add_user("U1", "ana", display_name="Ana", tz="America/New_York")
    bot.stub.add_user("U2", "ben", display_name="Ben", tz="Europe/Berlin")
    bot.stub.add_user("U3", "cy", display_name="Cy", tz="America/Los_Angeles")
    return bot


# --- watching ---------------------------------------------------------------------------------------------


def test_the_first_event_from_an_unknown_incident_channel_watches_it_announces_once_and_backfills(
    app: BotUnderTest,
) -> None:
    app.stub.add_channel("C1", "inc-2025-03-15-db", members=["U1", "U2", BOT_USER])
    before = app.stub.add_message("C1", text="db latency is climbing", user="U2")  # before the bot heard
    first = post(app, "C1", "failover started")

    # the live message is stored last, after watching, announcing and backfilling
    assert wait_stored(app, "C1", first).text == "failover started"
    row = channel_row(app, "C1")
    assert row is not None and row.backfilled_at is not None
    assert (row.watched, row.watch_source, row.name) == (True, "pattern", "inc-2025-03-15-db")
    assert stored(app, "C1")[before].source == "backfill"
    said = announcements(app, "C1")
    assert len(said) == 1
    assert all(emoji in shown(said[0]) for emoji in LEGEND)

    read = len(app.stub.calls_to("conversations.history"))
    assert read == 1
    second = post(app, "C1", "replica promoted", user="U2")
    assert wait_stored(app, "C1", second).user_id == "U2"
    assert len(announcements(app, "C1")) == 1
    assert len(app.stub.calls_to("conversations.history")) == read  # a watched channel is not re-read


def test_a_message_in_general_stores_nothing(app: BotUnderTest) -> None:
    app.stub.add_channel("CGEN", "general", members=["U1", BOT_USER])
    post(app, "CGEN", "lunch?")
    app.idle()
    row = channel_row(app, "CGEN")
    assert row is not None, "general was looked up"
    assert row.watched is False
    assert count_rows(app.rt, Message) == 0
    assert app.stub.calls_to("conversations.history") == []
    assert posts_to(app, "CGEN") == []


def test_a_channel_created_with_an_incident_name_is_joined_and_announced(app: BotUnderTest) -> None:
    row = incident_channel(app, "C2", "inc-2025-03-15-api")
    assert row.watch_source == "pattern"
    assert [c.args["channel"] for c in app.stub.calls_to("conversations.join")] == ["C2"]
    assert BOT_USER in app.stub.channel("C2")["members"]
    assert len(announcements(app, "C2")) == 1


def test_a_channel_renamed_into_the_pattern_is_joined_and_announced(app: BotUnderTest) -> None:
    app.stub.add_channel("C3", "db-slow", members=["U1"])
    app.slack.event(channel_event("channel_created", "C3", "db-slow"))
    eventually(lambda: channel_row(app, "C3"), "db-slow to be recorded")
    app.slack.event(channel_event("channel_rename", "C3", "incident-db-slow"))
    row = wait_watched(app, "C3")
    assert (row.name, row.watch_source) == ("incident-db-slow", "pattern")
    assert [c.args["channel"] for c in app.stub.calls_to("conversations.join")] == ["C3"]
    assert len(announcements(app, "C3")) == 1


def test_an_unwatched_channel_stays_unwatched_through_a_rename(app: BotUnderTest) -> None:
    incident_channel(app, "C4", "inc-cache")
    app.slack.command("unwatch", channel="C4", channel_name="inc-cache")
    assert "Stopped recording #inc-cache" in ephemeral(app, "Stopped recording")

    app.slack.event(channel_event("channel_rename", "C4", "inc-cache-eu"))
    eventually(lambda: (r := channel_row(app, "C4")) and r.name == "inc-cache-eu", "the rename")
    ts = post(app, "C4", "still recording?")
    app.idle()
    row = channel_row(app, "C4")
    assert row is not None and (row.watched, row.watch_source) == (False, "unwatched")
    assert len(app.stub.calls_to("conversations.join")) == 1
    assert len(announcements(app, "C4")) == 1
    assert ts not in stored(app, "C4")


def test_watch_in_general_records_it(app: BotUnderTest) -> None:
    app.stub.add_channel("CGEN", "general", members=["U1"])
    earlier = app.stub.add_message("CGEN", text="is checkout slow for anyone?", user="U1")
    app.slack.command("watch", channel="CGEN", channel_name="general")
    assert "Recording #general" in ephemeral(app, "Recording")
    row = wait_watched(app, "CGEN")
    assert row.watch_source == "command"
    assert BOT_USER in app.stub.channel("CGEN")["members"]
    assert len(announcements(app, "CGEN")) == 1
    assert earlier in stored(app, "CGEN")

    later = post(app, "CGEN", "yes, since 14:02")
    assert wait_stored(app, "CGEN", later).text == "yes, since 14:02"

    app.slack.command("watch", channel="CGEN", channel_name="general")  # again: said once is enough
    eventually(lambda: len([r for r in app.stub.responses if "Recording" in r.get("text", "")]) == 2, "reply")
    assert len(announcements(app, "CGEN")) == 1


def test_timeline_in_an_unwatched_channel_explains_how_to_watch_it(app: BotUnderTest) -> None:
    app.stub.add_channel("CGEN", "general", members=["U1", BOT_USER])
    app.stub.add_message("CGEN", text="hello", user="U1")
    app.slack.command("timeline", channel="CGEN", channel_name="general")
    text = ephemeral(app, "not an incident channel")
    assert "`inc-*`, `incident-*`" in text
    assert "`/postmortem watch`" in text
    app.idle()
    assert count_rows(app.rt, Message) == 0
    assert channel_row(app, "CGEN") is None
    assert app.stub.calls_to("conversations.history") == []
    assert posts_to(app, "CGEN") == []


# --- capture ----------------------------------------------------------------------------------------------


def test_an_edit_keeps_the_earlier_text_and_a_delete_leaves_a_tombstone(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    kept = post(app, "C1", "rollback at 14:10")
    gone = post(app, "C1", "wrong channel, sorry", user="U2")
    message = wait_stored(app, "C1", kept)
    wait_stored(app, "C1", gone)

    edited = {"type": "message", "user": "U1", "text": "rollback at 14:12", "ts": kept}
    edit_ts = f"{float(kept) + 60:.6f}"  # a minute after the message (Slack's ts here is the wall clock)
    app.slack.event(
        message_event(
            "C1",
            edit_ts,
            "",
            None,
            subtype="message_changed",
            hidden=True,
            message={**edited, "edited": {"user": "U1", "ts": edit_ts}},
            previous_message={**edited, "text": "rollback at 14:10"},
        )
    )
    app.slack.event(
        message_event(
            "C1", "1742070001.000001", "", None, subtype="message_deleted", hidden=True, deleted_ts=gone
        )
    )
    eventually(lambda: stored(app, "C1")[kept].text == "rollback at 14:12", "the edit")
    tombstone = eventually(lambda: (m := stored(app, "C1")[gone]).deleted_at and m, "the delete")

    assert revisions(app, message.id) == ["rollback at 14:10"]
    assert tombstone.text == "wrong channel, sorry"  # kept, only off the timeline
    assert texts(timeline(app, "C1", include_all=True)) == ["rollback at 14:12"]


def test_thread_replies_are_captured_and_joins_and_the_bots_own_posts_stay_off(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    parent = post(app, "C1", "who owns the payments db?")
    reply = post(app, "C1", "me, looking", user="U2", thread_ts=parent, parent_user_id="U1")
    join = post(app, "C1", "<@U3> has joined the channel", user="U3", subtype="channel_join")
    assert wait_stored(app, "C1", reply).thread_ts == parent
    assert wait_stored(app, "C1", join).subtype == "channel_join"

    # the bot's own announcement, pinned and marked by someone: still not an incident event
    announcement = str(announcements(app, "C1")[0].response["ts"])
    pinned = {"type": "message", "channel": "C1", "message": {"ts": announcement, "user": BOT_USER}}
    app.slack.event({"type": "pin_added", "user": "U1", "channel_id": "C1", "item": pinned})
    react(app, "C1", announcement, "pushpin", "U1")
    react(app, "C1", join, "pushpin", "U1")
    react(app, "C1", reply, "eyes", "U3")
    eventually(lambda: reactions(app, stored(app, "C1")[reply].id), "the reaction on the reply")
    eventually(lambda: reactions(app, stored(app, "C1")[join].id), "the reaction on the join")
    app.idle()
    assert all(m.user_id != BOT_USER for m in stored(app, "C1").values())

    everything = timeline(app, "C1", include_all=True)
    assert texts(everything) == ["who owns the payments db?", "me, looking"]
    assert everything.entries[1].thread_ts == parent
    assert [e.marks for e in everything.entries] == [(), (Mark.ACKNOWLEDGMENT,)]
    assert texts(timeline(app, "C1")) == ["me, looking"]


def test_a_marked_alert_from_an_integration_is_the_detection(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-checkout")
    alert_text = "[Alerting] checkout p99 latency above 2s"
    alert = app.stub.add_message(
        "C1", text=alert_text, subtype="bot_message", bot_id="BGRAF", username="Grafana"
    )
    app.slack.event(
        message_event(
            "C1", alert, alert_text, None, subtype="bot_message", bot_id="BGRAF", username="Grafana"
        )
    )
    notice = app.stub.add_message(
        "C1", text="deploy 4812 finished", subtype="bot_message", bot_id="BCI", username="CI"
    )
    app.slack.event(
        message_event(
            "C1", notice, "deploy 4812 finished", None, subtype="bot_message", bot_id="BCI", username="CI"
        )
    )
    wait_stored(app, "C1", notice)
    react(app, "C1", wait_stored(app, "C1", alert).ts, "rotating_light", "U1")
    eventually(lambda: reactions(app, stored(app, "C1")[alert].id), "the mark on the alert")

    shown_text = run_timeline(app, "C1", "inc-checkout", "all")
    assert "*Grafana* [Alerting] checkout p99 latency above 2s _[detection]_" in shown_text
    # `all` is every captured message (issue 9): the unmarked integration post is on it, as an app's
    assert "*CI* deploy 4812 finished _(app)_" in shown_text
    assert "deploy 4812" not in run_timeline(
        app, "C1", "inc-checkout", ""
    )  # the curated one holds marks only
    posted_at = stored(app, "C1")[alert].posted_at
    # the phase's time links to the message that set it
    linked = mrkdwn_link(message_link(app, "C1", alert), f"{posted_at:%Y-%m-%d %H:%M} UTC")
    assert f"*Detection*  {linked}" in shown_text


def test_reactions_set_and_clear_marks(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    ts = post(app, "C1", "checkout is failing for everyone")
    message = wait_stored(app, "C1", ts)

    react(app, "C1", ts, "boom", "U2")
    react(app, "C1", ts, "boom", "U3")
    eventually(lambda: len(reactions(app, message.id)) == 2, "two reactions")
    assert timeline(app, "C1").phases[Mark.IMPACT_START] == message.posted_at

    react(app, "C1", ts, "boom", "U2", added=False)
    eventually(lambda: reactions(app, message.id) == {("boom", "U3")}, "one reaction left")
    assert timeline(app, "C1").phases[Mark.IMPACT_START] == message.posted_at  # U3's still marks it

    react(app, "C1", ts, "boom", "U3", added=False)
    eventually(lambda: not reactions(app, message.id), "no reaction left")
    assert timeline(app, "C1").entries == ()
    assert "Impact start*  _missing — mark it with :boom:_" in run_timeline(app, "C1", "inc-db")


def test_a_reaction_on_a_message_the_record_missed_fetches_it(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    # posted while the bot was down: in Slack's history, never delivered to the bot
    missed = app.stub.add_message("C1", text="on it", user="U2", reactions={"eyes": ["U1"]})
    parent = post(app, "C1", "paging the db team")
    reply = app.stub.add_message(
        "C1",
        text="mitigated by failover",
        user="U3",
        thread_ts=parent,
        reactions={"adhesive_bandage": ["U1"]},
    )
    wait_stored(app, "C1", parent)
    react(app, "C1", missed, "eyes", "U1")
    react(app, "C1", reply, "adhesive_bandage", "U1")

    got = wait_stored(app, "C1", missed)
    got_reply = wait_stored(app, "C1", reply)
    assert (got.text, got.user_id) == ("on it", "U2")
    assert (got_reply.text, got_reply.thread_ts) == ("mitigated by failover", parent)
    eventually(lambda: reactions(app, got.id) == {("eyes", "U1")}, "the :eyes: mark")
    eventually(lambda: reactions(app, got_reply.id) == {("adhesive_bandage", "U1")}, "the mark on the reply")
    assert texts(timeline(app, "C1")) == ["on it", "mitigated by failover"]


def test_a_stated_time_places_the_entry_in_the_zone_it_names_or_the_authors(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-payments")
    # Ben (Berlin) names the zone; Cy (Los Angeles, UTC-7 in March) does not
    impact = post(app, "C1", "at 2:14 PM EST the deploy started", "U2", ts=UTC_20_05)
    resolved = post(app, "C1", "rolled back at 12:58, all green", "U3", ts=UTC_20_30)
    wait_stored(app, "C1", impact)
    wait_stored(app, "C1", resolved)
    react(app, "C1", impact, "boom", "U1")
    react(app, "C1", resolved, "white_check_mark", "U1")
    eventually(
        lambda: all(reactions(app, m.id) for m in stored(app, "C1").values() if m.user_id in ("U2", "U3")),
        "both marks",
    )

    text = run_timeline(app, "C1", "inc-payments")
    # each time links to its message (the workspace URL is auth.test's)
    impact_link, resolved_link = message_link(app, "C1", impact), message_link(app, "C1", resolved)
    assert f"*Impact start*  {mrkdwn_link(impact_link, '2025-03-15 19:14 UTC')}" in text
    assert f"*Resolution*  {mrkdwn_link(resolved_link, '2025-03-15 19:58 UTC')}" in text
    assert "*Duration*  44m" in text
    assert (
        f"{mrkdwn_link(impact_link, '19:14')} *Ben* at 2:14 PM EST the deploy started _[impact start]_ "
        "_(stated; posted 20:05)_"
    ) in text
    assert (
        f"{mrkdwn_link(resolved_link, '19:58')} *Cy* rolled back at 12:58, all green _[resolution]_ "
        "_(stated; posted 20:30)_"
    ) in text
    assert {c.args["user"] for c in app.stub.calls_to("users.info")} >= {"U2", "U3"}


def test_the_same_event_delivered_twice_is_stored_once(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    ts = app.stub.add_message("C1", text="db is down", user="U1")
    event = message_event("C1", ts, "db is down")
    assert app.slack.event(event, event_id="EvDUP1").status == 200
    message = wait_stored(app, "C1", ts)
    # Slack thought we were slow and sends it again; the copy must change nothing
    assert (
        app.slack.event({**event, "text": "db is down (redelivered)"}, event_id="EvDUP1", retry_num=1).status
        == 200
    )
    react(app, "C1", ts, "boom")
    eventually(lambda: reactions(app, message.id), "a later event")
    app.idle()
    rows = stored(app, "C1")
    assert [m.ts for m in rows.values() if m.user_id == "U1"] == [ts]
    assert rows[ts].text == "db is down"
    assert revisions(app, message.id) == []


# --- backfill ---------------------------------------------------------------------------------------


def seed_history(bot: BotUnderTest, channel: str, count: int, *, replies: int = 0) -> set[str]:
    """`count` top-level messages, the first of them with `replies` thread replies; all their ts."""
    seeded = [bot.stub.add_message(channel, text=f"update number {i}", user="U1") for i in range(count)]
    seeded += [
        bot.stub.add_message(channel, text=f"reply {i}", user="U2", thread_ts=seeded[0])
        for i in range(replies)
    ]
    return set(seeded)


def test_backfill_reads_history_in_pages_of_200_and_each_thread_once(app: BotUnderTest) -> None:
    app.stub.add_channel("C1", "inc-db", members=["U1", "U2"])
    seeded = seed_history(app, "C1", 450, replies=3)
    app.slack.event(channel_event("channel_created", "C1", "inc-db"))
    wait_watched(app, "C1")

    history = app.stub.calls_to("conversations.history")
    # 450 messages and the announcement: 200 + 200 + 51
    assert [(c.ok, c.args["limit"]) for c in history] == [(True, "200")] * 3
    assert [c.args["ts"] for c in app.stub.calls_to("conversations.replies")] == [min(seeded)]
    assert set(stored(app, "C1")) == seeded
    assert stored(app, "C1")[min(seeded)].reply_count == 3


def test_a_429_during_backfill_is_waited_out(app: BotUnderTest) -> None:
    app.stub.add_channel("C1", "inc-db", members=["U1", "U2"])
    seeded = seed_history(app, "C1", 3)
    app.stub.rate_limit("conversations.history", retry_after=1)
    started = time.monotonic()
    app.slack.event(channel_event("channel_created", "C1", "inc-db"))
    wait_watched(app, "C1")
    assert time.monotonic() - started >= 1.0  # Retry-After: 1
    assert [c.status for c in app.stub.calls_to("conversations.history")] == [429, 200]
    assert set(stored(app, "C1")) == seeded


@pytest.fixture
def second_history_page_fails(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first conversations.history call with a cursor fails once; returns the cursor it had."""
    read_page = stub_server.HANDLERS["conversations.history"]
    failed: list[str] = []

    def flaky(ctx: Ctx, args: Args) -> dict[str, Any]:
        cursor = args.text("cursor")
        if cursor and not failed:
            failed.append(cursor)
            raise SlackError("internal_error")
        return read_page(ctx, args)

    monkeypatch.setitem(stub_server.HANDLERS, "conversations.history", flaky)
    return failed


def test_an_interrupted_backfill_resumes_where_it_stopped(
    app: BotUnderTest, second_history_page_fails: list[str]
) -> None:
    app.stub.add_channel("C1", "inc-db", members=["U1", "U2"])
    seeded = seed_history(app, "C1", 450)
    app.slack.event(channel_event("channel_created", "C1", "inc-db"))
    app.stub.wait_for("conversations.history", lambda c: not c.ok, timeout=WAIT)
    row = eventually(lambda: (r := channel_row(app, "C1")) and r.backfill_cursor and r, "the saved cursor")
    assert row.backfilled_at is None
    assert len(stored(app, "C1")) == 199  # page 1: the announcement (not stored) and the 199 newest

    run_timeline(app, "C1", "inc-db")  # the next use of the record finishes the backfill
    history = app.stub.calls_to("conversations.history")
    assert [("cursor" in c.args, c.ok) for c in history] == [
        (False, True),
        (True, False),
        (True, True),
        (True, True),
    ]
    assert history[2].args["cursor"] == second_history_page_fails[0]  # page 1 is not read again
    assert set(stored(app, "C1")) == seeded
    row = channel_row(app, "C1")
    assert row is not None and row.backfill_cursor is None and row.backfilled_at is not None


def test_timeline_fills_in_what_was_said_while_the_bot_was_down(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    failover = post(app, "C1", "failover started")
    wait_stored(app, "C1", post(app, "C1", "watching the replica", "U2", thread_ts=failover))
    # the bot is down: these are in Slack's history, their events never arrive
    app.stub.add_message("C1", text="replica lag is 40s", user="U2")
    app.stub.add_message("C1", text="promoting replica 2", user="U3", reactions={"adhesive_bandage": ["U1"]})
    wait_stored(app, "C1", post(app, "C1", "back to normal"))  # up again

    text = run_timeline(app, "C1", "inc-db", "all")
    lines = [line for line in text.splitlines() if line.startswith(f"<{app.stub.env.workspace_url}archives/")]
    assert [line.split("* ", 1)[1] for line in lines] == [
        "failover started",
        "watching the replica",
        "replica lag is 40s",
        "promoting replica 2 _[mitigation]_",
        "back to normal",
    ]
    # the reply links into its thread
    reply = next(e for e in timeline(app, "C1", include_all=True).entries if e.text == "watching the replica")
    assert lines[1].startswith(mrkdwn_link(message_link(app, "C1", reply.ts, failover), f"{reply.at:%H:%M}"))
    assert app.stub.calls_to("conversations.replies") == []  # the thread was all stored: not read again


# --- /postmortem timeline ----------------------------------------------------------------------------

FILLER = (
    "Checked the connection pool, the replica lag and the queue depth again; nothing new there, "
    "so the next step is to compare the configuration of the canary hosts with the stable ones. "
)


def test_a_long_timeline_is_split_into_messages_slack_accepts(app: BotUnderTest) -> None:
    app.stub.add_channel("C1", "inc-long", members=["U1", "U2"])
    for i in range(400):
        app.stub.add_message("C1", text=f"[e{i:03d}] " + FILLER * 5, user="U1", reactions={"pushpin": ["U2"]})
    app.slack.event(channel_event("channel_created", "C1", "inc-long"))
    wait_watched(app, "C1")

    app.slack.command("timeline", channel="C1", channel_name="inc-long")
    app.stub.wait_for(
        "chat.postMessage", lambda c: "[e399]" in c.args.get("text", "") + shown(c), timeout=2 * WAIT
    )
    posts = timeline_posts(app, "C1")
    assert len(posts) >= 3
    assert all(c.ok for c in posts), [c.response for c in posts if not c.ok]
    first = posts[0]
    assert "thread_ts" not in first.args
    assert {c.args.get("thread_ts") for c in posts[1:]} == {first.response["ts"]}
    for call in posts:
        blocks = call.decoded["blocks"]
        assert len(blocks) <= 50
        assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section")
    markers = [word for c in posts for word in shown(c).split() if word.startswith("[e")]
    assert markers == [f"[e{i:03d}]" for i in range(400)]


def test_timeline_all_adds_unmarked_messages_and_bad_arguments_are_refused(app: BotUnderTest) -> None:
    incident_channel(app, "C1", "inc-db")
    marked = post(app, "C1", "payments are failing")
    unmarked = post(app, "C1", "anyone else seeing this?", user="U2")
    wait_stored(app, "C1", unmarked)
    react(app, "C1", wait_stored(app, "C1", marked).ts, "boom", "U2")
    eventually(lambda: reactions(app, stored(app, "C1")[marked].id), "the mark")

    curated = run_timeline(app, "C1", "inc-db")
    assert "payments are failing" in curated
    assert "anyone else" not in curated
    everything = run_timeline(app, "C1", "inc-db", "all")
    assert "*Ana* payments are failing _[impact start]_" in everything
    assert "*Ben* anyone else seeing this?" in everything

    posted = len(posts_to(app, "C1"))
    app.slack.command("timeline yesterday", channel="C1", channel_name="inc-db")
    assert "takes nothing or `all`, not `yesterday`" in ephemeral(app, "takes nothing")  # its last step
    assert len(posts_to(app, "C1")) == posted
