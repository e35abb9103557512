"""Captured messages: their edits (kept as revisions), deletes (tombstones), reactions and pins.

Repositories add, flush and query; the caller owns the transaction. Every write is keyed by
(channel, ts), so a message seen twice — live and in a backfill, or redelivered — is one row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from bot.domain.messages import MessageChange, MessageDeleted, MessageEdited, NewMessage, Source
from bot.domain.timeline import CapturedMessage, ts_to_datetime
from bot.store.db import insert_or_ignore
from bot.store.models import Message, MessageRevision, Reaction

# --- messages ---------------------------------------------------------------------------------


def _message_values(channel_pk: int, message: NewMessage, source: Source, now: datetime) -> dict[str, Any]:
    return {
        "channel_pk": channel_pk,
        "ts": message.ts,
        "thread_ts": message.thread_ts if message.thread_ts != message.ts else None,
        "user_id": message.user_id,
        "author_name": message.author_name,
        "bot_id": message.bot_id,
        "subtype": message.subtype,
        "text": message.text,
        "files": list(message.files),
        "pinned": message.pinned,
        "reply_count": message.reply_count,
        "posted_at": ts_to_datetime(message.ts),
        "edited_at": message.edited_at,
        "deleted_at": None,
        "captured_at": now,
        "source": source,
    }


def _find(session: Session, channel_pk: int, ts: str) -> Message | None:
    return session.scalars(
        select(Message).where(Message.channel_pk == channel_pk, Message.ts == ts)
    ).one_or_none()


def message_id(session: Session, channel_pk: int, ts: str) -> int | None:
    """The stored message's id at (channel, ts), tombstones included."""
    return session.scalar(select(Message.id).where(Message.channel_pk == channel_pk, Message.ts == ts))


def apply(session: Session, channel_pk: int, change: MessageChange, *, source: Source, now: datetime) -> None:
    """One live change to the record: a new message, an edit or a delete."""
    match change:
        case MessageEdited(message):
            apply_edit(session, channel_pk, message, source=source, now=now)
        case MessageDeleted(ts):
            mark_deleted(session, channel_pk, ts, now)
        case NewMessage():
            store_message(session, channel_pk, change, source=source, now=now)


def apply_edit(
    session: Session, channel_pk: int, edited: NewMessage, *, source: Source, now: datetime
) -> None:
    """A message_changed: the new text goes on the stored message (the old one becomes a revision);
    an edit of a message never seen stores it; a deleted message stays deleted."""
    stored = _find(session, channel_pk, edited.ts)
    if stored is None:
        store_message(session, channel_pk, edited, source=source, now=now)
    elif stored.deleted_at is None:
        _record_edit(session, stored, edited.text, edited.edited_at, now)


def store_message(
    session: Session, channel_pk: int, message: NewMessage, *, source: Source, now: datetime
) -> bool:
    """Insert the message unless (channel, ts) is already stored. True if it was new.

    A backfilled copy of a stored message brings what the live record may have missed: an edit
    made while the bot was away, reactions, pins and reply counts.
    """
    inserted = insert_or_ignore(
        session, Message, _message_values(channel_pk, message, source, now), ["channel_pk", "ts"]
    )
    if inserted and not message.reactions:
        return True
    stored = _find(session, channel_pk, message.ts)
    assert stored is not None
    if not inserted and stored.deleted_at is None:
        if message.text != stored.text:  # Slack's copy is the current text; ours becomes a revision
            _record_edit(session, stored, message.text, message.edited_at, now)
        stored.pinned = stored.pinned or message.pinned
        stored.reply_count = max(stored.reply_count, message.reply_count)
    if message.reactions is not None:
        _replace_reactions(session, stored.id, message.reactions)
    return inserted


def store_messages(
    session: Session, channel_pk: int, messages: Iterable[NewMessage], *, source: Source, now: datetime
) -> int:
    """Store a page of messages; returns how many were new."""
    return sum(store_message(session, channel_pk, m, source=source, now=now) for m in messages)


def _record_edit(
    session: Session, stored: Message, new_text: str, edited_at: datetime | None, now: datetime
) -> None:
    """The new text goes on the message; the old one is kept as a revision."""
    if new_text == stored.text:
        return
    session.add(MessageRevision(message_id=stored.id, text=stored.text, replaced_at=now))
    stored.text = new_text
    stored.edited_at = edited_at or now


def mark_deleted(session: Session, channel_pk: int, ts: str, now: datetime) -> bool:
    """A tombstone: the row and its text stay (nothing is lost), the timeline no longer shows it."""
    result = session.execute(
        update(Message)
        .where(Message.channel_pk == channel_pk, Message.ts == ts, Message.deleted_at.is_(None))
        .values(deleted_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def set_pinned(session: Session, channel_pk: int, ts: str, pinned: bool) -> bool:
    result = session.execute(
        update(Message).where(Message.channel_pk == channel_pk, Message.ts == ts).values(pinned=pinned)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def add_reaction(session: Session, message_id: int, name: str, user_id: str) -> None:
    insert_or_ignore(
        session,
        Reaction,
        {"message_id": message_id, "name": name, "user_id": user_id},
        ["message_id", "name", "user_id"],
    )


def remove_reaction(session: Session, message_id: int, name: str, user_id: str) -> None:
    session.execute(
        delete(Reaction).where(
            Reaction.message_id == message_id, Reaction.name == name, Reaction.user_id == user_id
        )
    )


def _replace_reactions(session: Session, message_id: int, reactions: Mapping[str, tuple[str, ...]]) -> None:
    """Slack's `reactions` array is the whole truth at the time it was read."""
    session.execute(delete(Reaction).where(Reaction.message_id == message_id))
    for name, users in reactions.items():
        for user in users or ("unknown",):
            add_reaction(session, message_id, name, user)


def thread_reply_counts(session: Session, channel_pk: int) -> dict[str, int]:
    """thread_ts → how many replies are stored."""
    rows = session.execute(
        select(Message.thread_ts, func.count())
        .where(Message.channel_pk == channel_pk, Message.thread_ts.is_not(None))
        .group_by(Message.thread_ts)
    )
    return {str(thread_ts): int(count) for thread_ts, count in rows}


def captured_messages(session: Session, channel_pk: int) -> list[CapturedMessage]:
    """Everything stored for the channel, as the timeline builder takes it (tombstones included)."""
    rows = session.execute(
        select(
            Message.id,
            Message.ts,
            Message.text,
            Message.user_id,
            Message.author_name,
            Message.thread_ts,
            Message.subtype,
            Message.bot_id,
            Message.pinned,
            Message.files,
            Message.deleted_at,
        ).where(Message.channel_pk == channel_pk)
    ).all()
    reactions: dict[int, set[str]] = defaultdict(set)
    for message_id, name in session.execute(
        select(Reaction.message_id, Reaction.name)
        .join(Message, Message.id == Reaction.message_id)
        .where(Message.channel_pk == channel_pk)
    ):
        reactions[message_id].add(name)
    return [
        CapturedMessage(
            ts=row.ts,
            text=row.text,
            user_id=row.user_id,
            author_name=row.author_name,
            thread_ts=row.thread_ts,
            subtype=row.subtype,
            bot_id=row.bot_id,
            reactions=frozenset(reactions.get(row.id, ())),
            pinned=row.pinned,
            files=tuple(row.files or ()),
            deleted=row.deleted_at is not None,
        )
        for row in rows
    ]
