"""Live capture: every message, edit, delete, thread reply, reaction and pin in a watched channel.

Listeners hand over what an event means (bot/inbound/slack/payloads.py parses it); this decides
whether the channel is watched and stores it. A channel never seen is looked up once.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from bot.domain.channels import ChannelRef
from bot.domain.messages import MessageChange, Source
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services.channels import known_channel
from bot.store import channels as channel_store
from bot.store import messages as store
from bot.store.events import claim_event, ensure_workspace


class Delivery(Enum):
    """What became of an Events API delivery of a message event."""

    DUPLICATE = "seen before: Slack's retry, or another replica has it"
    STORED = "committed with its claim (or nothing to store)"
    FOR_LISTENER = "claimed; the channel is new, so the listener looks it up and stores it"


def capture_on_delivery(
    rt: Runtime, *, event_id: str, team_id: str | None, change: tuple[str, MessageChange] | None
) -> Delivery:
    """Claim the delivery and store what it carries in ONE transaction, before Slack is answered.

    A delivery counts as processed only once its message, edit or delete is committed: a process
    killed before the commit never answered, so Slack redelivers and nothing is lost; one killed
    after it has the record, and the redelivery is recognised. Only a channel never seen needs
    Slack (conversations.info, then a backfill that reads its history): that is left to the listener.
    """
    with rt.transaction() as session:
        if team_id:
            ensure_workspace(session, team_id, rt.clock())
        if not claim_event(session, event_id=event_id, team_id=team_id, event_type="message", now=rt.clock()):
            return Delivery.DUPLICATE
        if change is None or change[0].startswith("D") or not team_id:
            return Delivery.STORED  # a notice about other messages, or a direct message: nothing to keep
        channel_id, what = change
        state = channel_store.watch_state(session, team_id, channel_id)
        if state is None:
            return Delivery.FOR_LISTENER
        channel_pk, watched = state
        if watched:
            store.apply(session, channel_pk, what, source=Source.LIVE, now=rt.clock())
        return Delivery.STORED


def _watched(rt: Runtime, slack: Slack, team_id: str, channel_id: str) -> ChannelRef | None:
    if channel_id.startswith("D"):
        return None  # direct messages are never incident channels
    channel = known_channel(rt, slack, team_id, channel_id)
    return channel if channel.watched else None


def capture_message(rt: Runtime, slack: Slack, team_id: str, channel_id: str, change: MessageChange) -> None:
    """A message, an edit or a delete in `channel_id`; stored if the channel is watched."""
    if channel_id.startswith("D"):
        return
    # The hot path: a known channel is checked and written in one transaction.
    with rt.transaction() as session:
        state = channel_store.watch_state(session, team_id, channel_id)
        if state is not None:
            channel_pk, watched = state
            if watched:
                store.apply(session, channel_pk, change, source=Source.LIVE, now=rt.clock())
            return
    channel = _watched(rt, slack, team_id, channel_id)  # first sight: ask Slack what it is
    if channel is not None:
        with rt.transaction() as session:
            store.apply(session, channel.pk, change, source=Source.LIVE, now=rt.clock())


def _stored_message_id(rt: Runtime, slack: Slack, channel: ChannelRef, ts: str) -> int | None:
    """The stored message at ts; one from before the bot watched is fetched and stored first."""
    with rt.transaction() as session:
        found = store.message_id(session, channel.pk, ts)
    if found is not None:
        return found
    message = slack.read.single_message(channel.channel_id, ts)
    if message is None or slack.read.identity().wrote(message):
        return None  # gone, or the bot's own post, which is not part of the record
    with rt.transaction() as session:
        store.store_message(session, channel.pk, message, source=Source.BACKFILL, now=rt.clock())
        return store.message_id(session, channel.pk, ts)


def capture_reaction(
    rt: Runtime,
    slack: Slack,
    team_id: str,
    channel_id: str,
    ts: str,
    *,
    emoji: str,
    user_id: str,
    added: bool,
    at: datetime | None = None,
) -> None:
    """An emoji added to or removed from a message (`at`: when, as Slack says): a mark lasts while any
    reaction of its emoji does, and an older event never undoes a newer one."""
    channel = _watched(rt, slack, team_id, channel_id)
    if channel is None:
        return
    message_id = _stored_message_id(rt, slack, channel, ts)
    if message_id is None:
        return
    with rt.transaction() as session:
        if added:
            store.add_reaction(session, message_id, emoji, user_id, at)
        else:
            store.remove_reaction(session, message_id, emoji, user_id, at)


def capture_pin(rt: Runtime, slack: Slack, team_id: str, channel_id: str, ts: str, *, pinned: bool) -> None:
    channel = _watched(rt, slack, team_id, channel_id)
    if channel is None:
        return
    if _stored_message_id(rt, slack, channel, ts) is None:
        return
    with rt.transaction() as session:
        store.set_pinned(session, channel.pk, ts, pinned)
