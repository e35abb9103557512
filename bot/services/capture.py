"""Live capture: every message, edit, delete, thread reply, reaction and pin in a watched channel."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.outbound.slack import web as api
from bot.outbound.slack.payloads import message_from_slack
from bot.runtime import Runtime
from bot.services.channels import ChannelRef, known_channel
from bot.store import messages as store

logger = logging.getLogger(__name__)

LIVE = "live"
EDITED = "message_changed"
DELETED = "message_deleted"
# Notifications about other messages, not messages of their own.
IGNORED_SUBTYPES = frozenset({"message_replied", "assistant_app_thread", "ekm_access_denied"})


def _watched(rt: Runtime, client: WebClient, team_id: str, channel_id: str | None) -> ChannelRef | None:
    if not channel_id or channel_id.startswith("D"):
        return None  # direct messages are never incident channels
    channel = known_channel(rt, client, team_id, channel_id)
    return channel if channel.watched else None


def capture_message_event(rt: Runtime, client: WebClient, team_id: str, event: Mapping[str, Any]) -> None:
    subtype = event.get("subtype")
    channel_id = event.get("channel")
    if subtype in IGNORED_SUBTYPES or not channel_id or str(channel_id).startswith("D"):
        return
    # The hot path: a known channel is checked and written in one transaction.
    with rt.transaction() as session:
        state = store.watch_state(session, team_id, str(channel_id))
        if state is not None:
            channel_pk, watched = state
            if watched:
                _store_event(session, channel_pk, event, rt.clock())
            return
    channel = _watched(rt, client, team_id, str(channel_id))  # first sight: ask Slack what it is
    if channel is not None:
        with rt.transaction() as session:
            _store_event(session, channel.pk, event, rt.clock())


def _store_event(session: Session, channel_pk: int, event: Mapping[str, Any], now: datetime) -> None:
    subtype = event.get("subtype")
    if subtype == EDITED:
        edited = message_from_slack(event["message"])
        stored = store.find_message(session, channel_pk, edited.ts)
        if stored is None:
            store.store_message(session, channel_pk, edited, source=LIVE, now=now)
        elif stored.deleted_at is None:
            store.record_edit(session, stored, edited.text, edited.edited_at, now)
    elif subtype == DELETED:
        store.mark_deleted(session, channel_pk, str(event["deleted_ts"]), now)
    else:
        store.store_message(session, channel_pk, message_from_slack(event), source=LIVE, now=now)


def _stored_message_id(rt: Runtime, client: WebClient, channel: ChannelRef, ts: str) -> int | None:
    """The stored message at ts; one from before the bot watched is fetched and stored first."""
    with rt.transaction() as session:
        stored = store.find_message(session, channel.pk, ts)
        if stored is not None:
            return stored.id
    raw = api.single_message(client, channel.channel_id, ts)
    if raw is None or api.own_identity(client).wrote(raw):
        return None  # gone, or the bot's own post, which is not part of the record
    with rt.transaction() as session:
        store.store_message(session, channel.pk, message_from_slack(raw), source="backfill", now=rt.clock())
        stored = store.find_message(session, channel.pk, ts)
        return stored.id if stored else None


def capture_reaction(
    rt: Runtime, client: WebClient, team_id: str, event: Mapping[str, Any], *, added: bool
) -> None:
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    channel = _watched(rt, client, team_id, item.get("channel"))
    if channel is None:
        return
    message_id = _stored_message_id(rt, client, channel, str(item["ts"]))
    if message_id is None:
        return
    with rt.transaction() as session:
        if added:
            store.add_reaction(session, message_id, str(event["reaction"]), str(event.get("user", "unknown")))
        else:
            store.remove_reaction(
                session, message_id, str(event["reaction"]), str(event.get("user", "unknown"))
            )


def capture_pin(
    rt: Runtime, client: WebClient, team_id: str, event: Mapping[str, Any], *, pinned: bool
) -> None:
    item = event.get("item") or {}
    message = item.get("message") or {}
    ts = message.get("ts") or item.get("ts")
    channel = _watched(rt, client, team_id, event.get("channel_id") or item.get("channel"))
    if channel is None or not ts:
        return
    if _stored_message_id(rt, client, channel, str(ts)) is None:
        return
    with rt.transaction() as session:
        store.set_pinned(session, channel.pk, str(ts), pinned)
