"""Captured messages: their edits (kept as revisions), deletes (tombstones), reactions and pins.

Repositories add, flush and query; the caller owns the transaction. Every write is keyed by
(channel, ts), so a message seen twice — live and in a backfill, or redelivered — is one row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.domain.messages import MessageChange, MessageDeleted, MessageEdited, NewMessage, Source
from bot.domain.slack_ids import keepable
from bot.domain.timeline import CapturedMessage, ts_to_datetime
from bot.store.db import insert_or_ignore
from bot.store.models import Message, MessageRevision, Reaction

# --- messages ---------------------------------------------------------------------------------

# Slack cuts a message's text at 40,000 characters when it is posted, so nobody can write more in
# one message, and the record keeps at most that much of each version. Only what Slack itself
# would not keep can be longer: an app's blocks and attachments piled on top of a full text, or a
# body no Slack sent (the request cap in bot/web.py already stops anything near a megabyte). Such a
# text is cut, visibly, at a token boundary; the rest is not in the record (the message in Slack,
# whose ts the record keeps, is untouched).
TEXT_LIMIT = 40_000
_MARKER_ROOM = 100  # the marker fits in this, so a cut text is TEXT_LIMIT characters at most
_PARTIAL_TOKEN = re.compile(r"<[^<>]*$|&[a-z]{0,3}$")  # `<@U12`, `&am`: never leave half of one


def kept_text(text: str) -> str:
    """`text` as the record keeps it: a NUL as U+FFFD (as `db.KeptText` stores it, so a copy of a
    stored text compares equal to it), and over TEXT_LIMIT characters its beginning and a marker
    saying how much is left out."""
    text = keepable(text)
    if len(text) <= TEXT_LIMIT:
        return text
    kept = text[: TEXT_LIMIT - _MARKER_ROOM]
    kept = _PARTIAL_TOKEN.sub("", kept)
    left_out = len(text) - len(kept)
    return f"{kept} … [{left_out:,} more characters not kept: a Slack message holds at most 40,000]"


def _message_values(channel_pk: int, message: NewMessage, source: Source, now: datetime) -> dict[str, Any]:
    return {
        "channel_pk": channel_pk,
        "ts": message.ts,
        "thread_ts": message.thread_ts if message.thread_ts != message.ts else None,
        "user_id": message.user_id,
        "author_name": message.author_name,
        "bot_id": message.bot_id,
        "subtype": message.subtype,
        "text": kept_text(message.text),
        "files": list(message.files),
        "pinned": message.pinned,
        "reply_count": message.reply_count,
        "posted_at": ts_to_datetime(message.ts),
        "edited_at": message.edited_at,
        "deleted_at": None,
        "captured_at": now,
        "source": source,
        "pending": False,
    }


# What a placeholder takes from the message when it finally arrives.
_CONTENT = (
    "thread_ts",
    "user_id",
    "author_name",
    "bot_id",
    "subtype",
    "text",
    "files",
    "reply_count",
    "edited_at",
)


def _find(session: Session, channel_pk: int, ts: str) -> Message | None:
    return session.scalars(
        select(Message).where(Message.channel_pk == channel_pk, Message.ts == ts)
    ).one_or_none()


def _placeholder(session: Session, channel_pk: int, ts: str, now: datetime) -> Message:
    """The row for `ts`, made pending when only something that happened to it is known so far."""
    values = _message_values(channel_pk, NewMessage(ts=ts), Source.LIVE, now) | {"pending": True}
    insert_or_ignore(session, Message, values, ["channel_pk", "ts"])
    stored = _find(session, channel_pk, ts)
    assert stored is not None
    return stored


def message_id(session: Session, channel_pk: int, ts: str) -> int | None:
    """The stored message's id at (channel, ts), tombstones and placeholders included."""
    return session.scalar(select(Message.id).where(Message.channel_pk == channel_pk, Message.ts == ts))


def apply(session: Session, channel_pk: int, change: MessageChange, *, source: Source, now: datetime) -> None:
    """One live change to the record: a new message, an edit or a delete, in any order.

    The record ends the same whatever order they arrive in: a delete seen first is remembered and
    wins; the newest version of the text (by its edit time) is the text, every other version is
    kept as a revision; an older copy never overwrites newer text.
    """
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
    """A message_changed: `edited` is the message as it became at `edited.edited_at` (now, if Slack
    gave no time). Newer than what is stored: it becomes the text (the old one a revision); older:
    it is kept as a revision. An edit of a message never seen stores it."""
    version = edited.edited_at or now
    stored = _find(session, channel_pk, edited.ts)
    if stored is None or stored.pending:
        store_message(session, channel_pk, replace(edited, edited_at=version), source=source, now=now)
    else:
        _merge(session, stored, edited.text, version, now, ties_to_incoming=True)


def store_message(
    session: Session, channel_pk: int, message: NewMessage, *, source: Source, now: datetime
) -> bool:
    """Insert the message unless (channel, ts) is already stored. True if it was new.

    A copy of a stored message (a backfill page, a redelivery) brings what the record may have
    missed: a newer edit, reactions, pins and reply counts; an older version of the text is kept as
    a revision. A placeholder (a delete or reaction that came first) gets its content now.
    """
    inserted = insert_or_ignore(
        session, Message, _message_values(channel_pk, message, source, now), ["channel_pk", "ts"]
    )
    if inserted and not message.reactions:
        return True
    stored = _find(session, channel_pk, message.ts)
    assert stored is not None
    filled = False
    if not inserted and stored.pending:
        values = _message_values(channel_pk, message, source, now)
        for name in _CONTENT:
            setattr(stored, name, values[name])
        stored.pending, stored.source, stored.pinned = False, source, stored.pinned or message.pinned
        filled = True
    elif not inserted:
        _merge(session, stored, message.text, message.edited_at, now, ties_to_incoming=False)
        stored.pinned = stored.pinned or message.pinned
        stored.reply_count = max(stored.reply_count, message.reply_count)
    if message.reactions is not None:
        _replace_reactions(session, stored.id, message.reactions)
    return inserted or filled


def store_messages(
    session: Session, channel_pk: int, messages: Iterable[NewMessage], *, source: Source, now: datetime
) -> int:
    """Store a page of messages; returns how many were new."""
    return sum(store_message(session, channel_pk, m, source=source, now=now) for m in messages)


def _merge(
    session: Session,
    stored: Message,
    text: str,
    edited_at: datetime | None,
    now: datetime,
    *,
    ties_to_incoming: bool,
) -> None:
    """Keep the newest version of the text on the message and every other version as a revision.

    A version's time is its edit time, or the message's own time for the original. On a tie a live
    edit wins (it came last); a copy does not.
    """
    text = kept_text(text)
    incoming = edited_at or stored.posted_at
    current = stored.edited_at or stored.posted_at
    if text == stored.text:
        if edited_at is not None and incoming > current:
            stored.edited_at = edited_at
        return
    if incoming > current or (incoming == current and ties_to_incoming):
        _keep_revision(session, stored.id, stored.text, now)
        stored.text = text
        stored.edited_at = edited_at
    else:
        _keep_revision(session, stored.id, text, now)


def _keep_revision(session: Session, message_id: int, text: str, now: datetime) -> None:
    """Remember a version of a message's text (once)."""
    known = session.scalar(
        select(MessageRevision.id).where(
            MessageRevision.message_id == message_id, MessageRevision.text == text
        )
    )
    if known is None:
        session.add(MessageRevision(message_id=message_id, text=text, replaced_at=now))
        session.flush()


def mark_deleted(session: Session, channel_pk: int, ts: str, now: datetime) -> bool:
    """A tombstone: the row and its text stay (nothing is lost), the timeline no longer shows it.

    True when a stored message was deleted by this call. A delete of a message not seen yet is
    remembered (a deleted placeholder), so the message stays deleted when it arrives."""
    result = session.execute(
        update(Message)
        .where(Message.channel_pk == channel_pk, Message.ts == ts, Message.deleted_at.is_(None))
        .values(deleted_at=now)
        .returning(Message.pending)
    )
    changed = result.first()
    if changed is None and message_id(session, channel_pk, ts) is None:
        _placeholder(session, channel_pk, ts, now).deleted_at = now
    return changed is not None and not changed[0]


def set_pinned(session: Session, channel_pk: int, ts: str, pinned: bool) -> bool:
    result = session.execute(
        update(Message).where(Message.channel_pk == channel_pk, Message.ts == ts).values(pinned=pinned)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def _set_reaction(
    session: Session, message_id: int, name: str, user_id: str, *, present: bool, at: datetime | None
) -> None:
    """A reaction added (`present`) or removed, as of `at` (Slack's event time). An older event never
    undoes a newer one; with no time it simply happens."""
    key = {"message_id": message_id, "name": name, "user_id": user_id}
    if insert_or_ignore(session, Reaction, {**key, "present": present, "event_at": at}, list(key)):
        return
    which = [Reaction.message_id == message_id, Reaction.name == name, Reaction.user_id == user_id]
    if at is not None:
        which.append(or_(Reaction.event_at.is_(None), Reaction.event_at <= at))
    values: dict[str, Any] = {"present": present} | ({"event_at": at} if at is not None else {})
    session.execute(update(Reaction).where(*which).values(**values))


def add_reaction(
    session: Session, message_id: int, name: str, user_id: str, at: datetime | None = None
) -> None:
    _set_reaction(session, message_id, name, user_id, present=True, at=at)


def add_reaction_at(
    session: Session,
    channel_pk: int,
    ts: str,
    name: str,
    user_id: str,
    now: datetime,
    at: datetime | None = None,
) -> None:
    """A reaction on the message at `ts`, remembered on a placeholder if the message is not here yet."""
    found = message_id(session, channel_pk, ts)
    target = found if found is not None else _placeholder(session, channel_pk, ts, now).id
    add_reaction(session, target, name, user_id, at)


def remove_reaction(
    session: Session, message_id: int, name: str, user_id: str, at: datetime | None = None
) -> None:
    """The removal is kept, so an add that arrives after it but happened before it stays undone."""
    _set_reaction(session, message_id, name, user_id, present=False, at=at)


def _replace_reactions(session: Session, message_id: int, reactions: Mapping[str, tuple[str, ...]]) -> None:
    """Slack's `reactions` array is the whole truth at the time it was read."""
    session.execute(delete(Reaction).where(Reaction.message_id == message_id))
    for name, users in reactions.items():
        for user in users or ("unknown",):
            _set_reaction(session, message_id, name, user, present=True, at=None)


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
        ).where(Message.channel_pk == channel_pk, Message.pending.is_(False))
    ).all()
    reactions: dict[int, set[str]] = defaultdict(set)
    for message_id, name in session.execute(
        select(Reaction.message_id, Reaction.name)
        .join(Message, Message.id == Reaction.message_id)
        .where(Message.channel_pk == channel_pk, Reaction.present)
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
