"""Backfill: read what the live record does not have from conversations.history and .replies.

The first backfill of a channel reads its whole history; later ones read only what was posted after
the newest stored message. Each page is committed with the cursor of the next, so a backfill cut
off half-way resumes where it stopped, and the (channel, ts) key makes a re-read page harmless.
Thread replies are fetched only for threads with more replies than are stored. The bot's own posts
are not stored (Bolt drops their live events too), and its own threads are read only when
someone else replied in them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from sqlalchemy import func, select

from bot.domain.capture import NewMessage, message_from_slack
from bot.runtime import Runtime
from bot.services.channels import ChannelRef
from bot.slack import api
from bot.store import messages as store
from bot.store.models import Channel, Message

logger = logging.getLogger(__name__)

SOURCE = "backfill"


@dataclass(frozen=True)
class BackfillResult:
    new_messages: int
    history_calls: int
    replies_calls: int


def _progress(rt: Runtime, channel: ChannelRef) -> tuple[str | None, str | None]:
    """(cursor, oldest) to go on from: an interrupted run's saved state, or a new run's start."""
    with rt.transaction() as session:
        row = session.get(Channel, channel.pk)
        assert row is not None
        if row.backfill_cursor:
            saved = json.loads(row.backfill_cursor)
            return saved.get("cursor"), saved.get("oldest")
        if row.backfilled_at is None:
            return None, None  # never read: the whole history
        newest = session.scalar(
            select(func.max(Message.ts)).where(Message.channel_pk == channel.pk, Message.thread_ts.is_(None))
        )
        return None, newest


def _save_progress(rt: Runtime, channel: ChannelRef, cursor: str | None, oldest: str | None) -> None:
    with rt.transaction() as session:
        row = session.get(Channel, channel.pk)
        assert row is not None
        if cursor:
            row.backfill_cursor = json.dumps({"cursor": cursor, "oldest": oldest})
        else:
            row.backfill_cursor = None
            row.backfilled_at = rt.clock()


def _thread_worth_reading(raw: Mapping[str, Any], own: api.Identity) -> bool:
    """Any thread under someone else's message; one under the bot's own if others replied in it."""
    if not own.wrote(raw):
        return True
    return any(user != own.user_id for user in raw.get("reply_users") or ())


def backfill(rt: Runtime, client: WebClient, channel: ChannelRef) -> BackfillResult:
    """What Slack has that the record lacks, minus the bot's own posts (not part of the incident)."""
    own = api.own_identity(client)
    cursor, oldest = _progress(rt, channel)
    new = history_calls = replies_calls = 0
    while True:
        page = api.history_page(client, channel.channel_id, cursor=cursor, oldest=oldest)
        history_calls += 1
        parsed: list[NewMessage] = []
        threads: list[NewMessage] = []
        for raw in page.messages:
            try:
                message = message_from_slack(raw)
            except ValueError:
                logger.warning("skipping a message without a usable ts in %s", channel.channel_id)
                continue
            if message.reply_count and _thread_worth_reading(raw, own):
                threads.append(message)
            if not own.wrote(raw):
                parsed.append(message)
        with rt.transaction() as session:
            new += store.store_messages(session, channel.pk, parsed, source=SOURCE, now=rt.clock())
            stored_replies = store.thread_reply_counts(session, channel.pk)
        for parent in threads:
            if parent.reply_count > stored_replies.get(parent.ts, 0):
                thread = api.thread_replies(client, channel.channel_id, parent.ts)
                replies_calls += 1
                replies = [
                    message_from_slack(m) for m in thread if m.get("ts") != parent.ts and not own.wrote(m)
                ]
                with rt.transaction() as session:
                    new += store.store_messages(session, channel.pk, replies, source=SOURCE, now=rt.clock())
        cursor = page.next_cursor
        _save_progress(rt, channel, cursor, oldest)
        if not cursor:
            break
    logger.info(
        "backfilled #%s: %d new messages (%d history, %d replies calls)",
        channel.name,
        new,
        history_calls,
        replies_calls,
    )
    return BackfillResult(new, history_calls, replies_calls)
