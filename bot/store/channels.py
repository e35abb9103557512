"""Channels the bot knows, whether each is watched or archived, and how far its backfill has read.

Repositories add, flush and query; the caller owns the transaction. Channels are returned as
`ChannelRef`s (plain data), never as live rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.domain.channels import ChannelRef, WatchSource
from bot.store.db import insert_or_ignore
from bot.store.events import ensure_workspace
from bot.store.models import Channel


def _ref(row: Channel) -> ChannelRef:
    return ChannelRef(
        pk=row.id,
        team_id=row.team_id,
        channel_id=row.channel_id,
        name=row.name,
        watched=row.watched,
        watch_source=WatchSource(row.watch_source) if row.watch_source else None,
        is_archived=row.is_archived,
        is_private=row.is_private,
    )


def get(session: Session, team_id: str, channel_id: str) -> ChannelRef | None:
    row = session.scalars(
        select(Channel).where(Channel.team_id == team_id, Channel.channel_id == channel_id)
    ).one_or_none()
    return None if row is None else _ref(row)


def by_pk(session: Session, pk: int) -> ChannelRef:
    return _ref(session.get_one(Channel, pk))


def watch_state(session: Session, team_id: str, channel_id: str) -> tuple[int, bool] | None:
    """(channel pk, watched) without loading the row: the capture hot path asks this per event."""
    row = session.execute(
        select(Channel.id, Channel.watched).where(
            Channel.team_id == team_id, Channel.channel_id == channel_id
        )
    ).first()
    return None if row is None else (int(row[0]), bool(row[1]))


def by_name(session: Session, name: str, team_id: str | None = None) -> ChannelRef | None:
    query = select(Channel).where(Channel.name == name.lstrip("#"))
    if team_id is not None:
        query = query.where(Channel.team_id == team_id)
    row = session.scalars(query.order_by(Channel.id)).first()
    return None if row is None else _ref(row)


def upsert(
    session: Session,
    team_id: str,
    channel_id: str,
    name: str,
    now: datetime,
    *,
    archived: bool | None = None,
    private: bool | None = None,
) -> ChannelRef:
    """The channel's record, created if new (not watched), its name (and, when given, its archived
    and private flags) kept current."""
    ensure_workspace(session, team_id, now)
    insert_or_ignore(
        session,
        Channel,
        {
            "team_id": team_id,
            "channel_id": channel_id,
            "name": name,
            "watched": False,
            "is_archived": bool(archived),
            "is_private": bool(private),
            "created_at": now,
            "updated_at": now,
        },
        ["team_id", "channel_id"],
    )
    row = session.scalars(
        select(Channel).where(Channel.team_id == team_id, Channel.channel_id == channel_id)
    ).one()
    if name and row.name != name:
        row.name = name
        row.updated_at = now
    if archived is not None and row.is_archived != archived:
        row.is_archived = archived
        row.updated_at = now
    if private is not None and row.is_private != private:
        row.is_private = private
        row.updated_at = now
    session.flush()
    return _ref(row)


def watched(session: Session) -> list[ChannelRef]:
    return [_ref(row) for row in session.scalars(select(Channel).where(Channel.watched).order_by(Channel.id))]


def set_watched(session: Session, pk: int, watched: bool, source: WatchSource, now: datetime) -> None:
    session.execute(
        update(Channel)
        .where(Channel.id == pk)
        .values(watched=watched, watch_source=source.value, updated_at=now)
    )


def set_archived(session: Session, team_id: str, channel_id: str, archived: bool, now: datetime) -> None:
    session.execute(
        update(Channel)
        .where(Channel.team_id == team_id, Channel.channel_id == channel_id)
        .values(is_archived=archived, updated_at=now)
    )


def names(session: Session, team_id: str) -> dict[str, str]:
    """Slack channel id → name, for showing <#C…> links as names."""
    rows = session.execute(select(Channel.channel_id, Channel.name).where(Channel.team_id == team_id))
    return {channel_id: name for channel_id, name in rows}


# --- backfill progress ---------------------------------------------------------------------------


def backfill_progress(session: Session, pk: int) -> tuple[str | None, datetime | None]:
    """(the saved cursor state of a backfill under way, how far the last finished one read)."""
    row = session.get_one(Channel, pk)
    return row.backfill_cursor, row.backfilled_at


def save_backfill_progress(
    session: Session, pk: int, *, cursor_state: str | None, read_up_to: datetime | None
) -> None:
    """`cursor_state` while a backfill is under way; when it finishes, None and `read_up_to`."""
    values: dict[str, object] = {"backfill_cursor": cursor_state}
    if cursor_state is None:
        values["backfilled_at"] = read_up_to
    session.execute(update(Channel).where(Channel.id == pk).values(**values))


def mark_archived(session: Session, pk: int, now: datetime) -> None:
    session.execute(update(Channel).where(Channel.id == pk).values(is_archived=True, updated_at=now))


def first_seen(session: Session, pk: int) -> datetime:
    """When the bot first knew the channel (its record was made)."""
    return session.get_one(Channel, pk).created_at
