"""An incident channel as the capture tests play it: Slack's side (what people post, react and rename,
seeded in the stand-in and delivered as signed events), the record the bot keeps, and what it sent.

Events are handled after the ack, so these wait on what the bot did (a stored row, a Web API call),
never on time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import select

from bot.domain.timeline import Timeline
from bot.services.timelines import channel_timeline
from bot.store import channels as channel_store
from bot.store.models import Channel, Message, MessageRevision, Reaction
from tests.conftest import BotUnderTest
from tests.harness import TEAM_ID
from tests.slack_stub import Call

T = TypeVar("T")
BOT_USER = "UBOT"


# --- waiting on what the bot did ---------------------------------------------------------------------


WAIT = 10.0  # seconds; only ever reached when the bot does not do what it should (or the box is swamped)


def eventually(check: Callable[[], T], what: str, timeout: float = WAIT) -> T:
    """`check()` once it is truthy; polls every 20 ms, fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {value!r})")
        time.sleep(0.02)


# --- the record --------------------------------------------------------------------------------------


def channel_row(bot: BotUnderTest, channel_id: str) -> Channel | None:
    with bot.rt.transaction() as s:
        return s.scalars(
            select(Channel).where(Channel.team_id == TEAM_ID, Channel.channel_id == channel_id)
        ).one_or_none()


def stored(bot: BotUnderTest, channel_id: str) -> dict[str, Message]:
    """ts → stored message (tombstones included)."""
    with bot.rt.transaction() as s:
        rows = s.scalars(
            select(Message)
            .join(Channel, Channel.id == Message.channel_pk)
            .where(Channel.channel_id == channel_id)
        )
        return {m.ts: m for m in rows}


def revisions(bot: BotUnderTest, message_id: int) -> list[str]:
    with bot.rt.transaction() as s:
        query = select(MessageRevision.text).where(MessageRevision.message_id == message_id)
        return list(s.scalars(query.order_by(MessageRevision.id)))


def reactions(bot: BotUnderTest, message_id: int) -> set[tuple[str, str]]:
    """(emoji, who) of the reactions on the message now (a removal is kept in the record, not shown)."""
    with bot.rt.transaction() as s:
        rows = s.execute(
            select(Reaction.name, Reaction.user_id).where(Reaction.message_id == message_id, Reaction.present)
        )
        return {(name, user) for name, user in rows}


def wait_stored(bot: BotUnderTest, channel_id: str, ts: str) -> Message:
    return eventually(lambda: stored(bot, channel_id).get(ts), f"message {ts} in {channel_id}")


def wait_watched(bot: BotUnderTest, channel_id: str) -> Channel:
    """Watched, and the backfill that watching starts has finished."""
    return eventually(
        lambda: (row := channel_row(bot, channel_id)) and row.watched and row.backfilled_at and row,
        f"{channel_id} watched and backfilled",
    )


def timeline(bot: BotUnderTest, channel_id: str, *, include_all: bool = False) -> Timeline:
    """The timeline built from the record alone (no Slack calls)."""
    with bot.rt.transaction() as s:
        channel = channel_store.get(s, TEAM_ID, channel_id)
    assert channel is not None
    return channel_timeline(bot.rt, channel, include_all=include_all)


def texts(t: Timeline) -> list[str]:
    return [e.text for e in t.entries]


# --- what Slack sends ---------------------------------------------------------------------------------


def post(
    bot: BotUnderTest, channel: str, text: str, user: str = "U1", *, ts: str | None = None, **extra: Any
) -> str:
    """Someone posts: the message goes into Slack's history, and its event to the bot."""
    ts = bot.stub.add_message(channel, ts=ts, text=text, user=user, **extra)
    bot.slack.event(message_event(channel, ts, text, user, **extra))
    return ts


def message_event(channel: str, ts: str, text: str, user: str | None = "U1", **extra: Any) -> dict[str, Any]:
    event = {"type": "message", "channel": channel, "text": text, "ts": ts, "event_ts": ts}
    event |= {"channel_type": "channel", **({"user": user, "team": TEAM_ID} if user else {}), **extra}
    return event


def reaction_event(kind: str, channel: str, ts: str, name: str, user: str = "U2") -> dict[str, Any]:
    item = {"type": "message", "channel": channel, "ts": ts}
    return {"type": kind, "user": user, "reaction": name, "item": item, "item_user": "U1", "event_ts": ts}


def channel_event(kind: str, channel: str, name: str) -> dict[str, Any]:
    info = {"id": channel, "name": name, "created": 1742061240, "creator": "U1"}
    return {"type": kind, "channel": info, "event_ts": "1742061240.000100"}


def react(
    bot: BotUnderTest, channel: str, ts: str, name: str, user: str = "U2", *, added: bool = True
) -> None:
    kind = "reaction_added" if added else "reaction_removed"
    bot.slack.event(reaction_event(kind, channel, ts, name, user))


def incident_channel(bot: BotUnderTest, channel: str, name: str) -> Channel:
    """A channel created with an incident name, which the bot joins and watches."""
    bot.stub.add_channel(channel, name, members=["U1", "U2", "U3"])
    bot.slack.event(channel_event("channel_created", channel, name))
    return wait_watched(bot, channel)


# --- what the bot sent --------------------------------------------------------------------------------


def posts_to(bot: BotUnderTest, channel: str) -> list[Call]:
    return [c for c in bot.stub.calls_to("chat.postMessage") if c.args.get("channel") == channel]


def announcements(bot: BotUnderTest, channel: str) -> list[Call]:
    return [c for c in posts_to(bot, channel) if "recording this channel" in c.args.get("text", "")]


def timeline_posts(bot: BotUnderTest, channel: str) -> list[Call]:
    return [c for c in posts_to(bot, channel) if c.args.get("text", "").startswith("Timeline of #")]


def shown(call: Call) -> str:
    """Every text of a posted message's blocks, as the reader sees them."""
    out: list[str] = []
    for block in call.decoded.get("blocks") or []:
        if isinstance(block.get("text"), dict):
            out.append(block["text"]["text"])
        out += [e.get("text", "") for e in block.get("elements") or [] if isinstance(e, dict)]
    return "\n".join(out)


def run_timeline(bot: BotUnderTest, channel: str, name: str, args: str = "") -> str:
    """`/postmortem timeline [args]` in the channel; what it posted there (a short timeline: one message)."""
    before = len(timeline_posts(bot, channel))
    assert bot.slack.command(f"timeline {args}".strip(), channel=channel, channel_name=name).status == 200
    eventually(lambda: len(timeline_posts(bot, channel)) > before, f"a timeline in {channel}")
    call = timeline_posts(bot, channel)[before]
    assert call.ok, call.response
    return shown(call)


def message_link(bot: BotUnderTest, channel: str, ts: str, thread_ts: str | None = None) -> str:
    """The link Slack gives the message (chat.getPermalink's shape), from the stand-in's own
    workspace URL (what its auth.test answers); a reply's links into its thread."""
    link = f"{bot.stub.env.workspace_url}archives/{channel}/p{ts.replace('.', '')}"
    return link + (f"?thread_ts={thread_ts}&cid={channel}" if thread_ts else "")


def mrkdwn_link(url: str, shown: str) -> str:
    """`<url|shown>` as the bot posts it: `&` in the url escaped as Slack wants it."""
    return f"<{url.replace('&', '&amp;')}|{shown}>"


def ephemeral(bot: BotUnderTest, containing: str) -> str:
    reply = bot.stub.wait_for_response(lambda r: containing in r.get("text", ""), timeout=WAIT)
    assert reply["response_type"] == "ephemeral"
    return str(reply["text"])
