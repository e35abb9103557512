"""Backfill: read what the live record does not have from conversations.history and .replies.

The first backfill of a channel reads its whole history; later ones read what was posted after the
newest message the last one saw (kept in `backfilled_at`), so what was said while the bot was down
is filled in even when live capture has stored newer messages since. Each page is committed with the
cursor of the next, so a backfill cut off half-way resumes where it stopped, and the (channel, ts)
key makes a re-read page harmless.
Thread replies are fetched only for threads with more replies than are stored. The bot's own posts
are not stored (Bolt drops their live events too), and its own threads are read only when
someone else replied in them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.channels import ChannelRef
from bot.domain.messages import NewMessage, Source
from bot.domain.timeline import ts_to_datetime
from bot.outbound.slack import Identity, Slack
from bot.runtime import Runtime
from bot.store import channels as channel_store
from bot.store import messages as store

logger = logging.getLogger(__name__)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # how far a channel whose history had nothing in it was read


@dataclass(frozen=True)
class BackfillResult:
    new_messages: int
    history_calls: int
    replies_calls: int


@dataclass(frozen=True)
class _Run:
    """Where a backfill stands: the next page's cursor, how far back it reads, the newest ts it saw."""

    cursor: str | None
    oldest: str | None  # None: the whole history
    newest: str | None


def _slack_ts(at: datetime) -> str:
    micros = (at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _newest(*ts: str | None) -> str | None:
    return max((t for t in ts if t), key=ts_to_datetime, default=None)


def _progress(rt: Runtime, channel: ChannelRef) -> _Run:
    """An interrupted run's saved state, or a new run from where the last one had read up to."""
    with rt.transaction() as session:
        cursor_state, backfilled_at = channel_store.backfill_progress(session, channel.pk)
    if cursor_state:
        saved = json.loads(cursor_state)
        return _Run(saved.get("cursor"), saved.get("oldest"), saved.get("newest"))
    if backfilled_at is None:
        return _Run(None, None, None)  # never read: the whole history
    read_up_to = _slack_ts(backfilled_at)
    return _Run(None, read_up_to, read_up_to)


def _cursor_state(run: _Run) -> str | None:
    if not run.cursor:
        return None
    return json.dumps({"cursor": run.cursor, "oldest": run.oldest, "newest": run.newest})


def _thread_worth_reading(message: NewMessage, own: Identity) -> bool:
    """Any thread under someone else's message; one under the bot's own if others replied in it."""
    if not own.wrote(message):
        return True
    return any(user != own.user_id for user in message.reply_users)


def backfill(rt: Runtime, slack: Slack, channel: ChannelRef) -> BackfillResult:
    """What Slack has that the record lacks, minus the bot's own posts (not part of the incident)."""
    own = slack.read.identity()
    run = _progress(rt, channel)
    new = history_calls = replies_calls = 0
    while True:
        page = slack.read.history_page(channel.channel_id, cursor=run.cursor, oldest=run.oldest)
        history_calls += 1
        parsed: list[NewMessage] = []
        threads: list[NewMessage] = []
        read: list[str] = []
        for message in page.messages:
            read.append(message.ts)
            if message.reply_count and _thread_worth_reading(message, own):
                threads.append(message)
            if not own.wrote(message):
                parsed.append(message)
        with rt.transaction() as session:
            stored_replies = store.thread_reply_counts(session, channel.pk)
        for parent in threads:
            if parent.reply_count > stored_replies.get(parent.ts, 0):
                thread = slack.read.thread_replies(channel.channel_id, parent.ts)
                replies_calls += 1
                parsed += [m for m in thread if m.ts != parent.ts and not own.wrote(m)]
        run = _Run(page.next_cursor, run.oldest, _newest(run.newest, *read))
        # A page, its threads and the cursor past it are committed together: an interrupted
        # backfill resumes exactly after the last page it kept.
        with rt.transaction() as session:
            new += store.store_messages(session, channel.pk, parsed, source=Source.BACKFILL, now=rt.clock())
            channel_store.save_backfill_progress(
                session,
                channel.pk,
                cursor_state=_cursor_state(run),
                read_up_to=_EPOCH if run.newest is None else ts_to_datetime(run.newest),
            )
        if not run.cursor:
            break
    logger.info(
        "backfilled #%s: %d new messages (%d history, %d replies calls)",
        channel.name,
        new,
        history_calls,
        replies_calls,
    )
    return BackfillResult(new, history_calls, replies_calls)
