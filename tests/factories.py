"""The one set of factories tests use: plain domain values, things put in the record, a runtime wired
to Slack.

Values are built directly; records are written through the repositories (bot/store), as the bot
itself does, and come back as plain data.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from bot.app import outbound_slack
from bot.config import Settings
from bot.domain import action_items as ai
from bot.domain.channels import ChannelRef, WatchSource
from bot.domain.slack_text import Link
from bot.domain.timeline import Entry, Mark
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.store import action_items as item_store
from bot.store import channels as channel_store
from bot.store.db import Base
from tests.conftest import FrozenClock, bot_env
from tests.harness import TEAM_ID
from tests.slack_stub import SlackStub

# --- plain values ------------------------------------------------------------------------------------


def at(hh: int, mm: int, ss: int = 0, micro: int = 0, *, day: int = 15) -> datetime:
    """An instant of the incident the timeline tests share, in UTC: 2025-03-15 (or `day`) at hh:mm:ss."""
    return datetime(2025, 3, day, hh, mm, ss, micro, tzinfo=UTC)


def entry(
    when: datetime,
    text: str,
    *marks: Mark,
    user: str = "Ana",
    posted: datetime | None = None,
    thread_ts: str | None = None,
    ts: str | None = None,
    user_id: str | None = None,
    permalink: str | None = None,
    pieces: tuple[str | Link, ...] = (),
) -> Entry:
    """A timeline entry at `when`; with `posted`, a time stated in a message posted then."""
    posted_at = posted or when
    return Entry(
        at=when,
        posted_at=posted_at,
        ts=ts or f"{int(posted_at.timestamp())}.000100",
        thread_ts=thread_ts,
        user=user,
        text=text,
        marks=marks,
        stated=posted is not None,
        user_id=user_id,
        permalink=permalink,
        pieces=pieces,
    )


def action_item(
    id: int = 1,
    *,
    channel: str = "C1",
    owner: str = "U1",
    priority: ai.Priority = ai.Priority.P2,
    due_on: date = date(2026, 11, 25),  # a Wednesday
    status: ai.ItemStatus = ai.ItemStatus.OPEN,
    done_on: date | None = None,
    redates: int = 0,
    seen: int = 0,
    text: str = "Add alert",
) -> ai.Item:
    """An action item as the domain sees it (nothing stored), created 2026-11-01."""
    return ai.Item(
        id=id,
        channel=channel,
        text=text,
        owner_id=owner,
        priority=priority,
        due_on=due_on,
        status=status,
        created_on=date(2026, 11, 1),
        done_on=done_on,
        redates=redates,
        reminders_seen=seen,
    )


# --- the record --------------------------------------------------------------------------------------


def make_channel(
    rt: Runtime,
    channel_id: str = "C1",
    name: str = "inc-db",
    *,
    team_id: str = TEAM_ID,
    watched: bool = False,
    archived: bool = False,
) -> ChannelRef:
    """A channel in the record (watched as if by `/postmortem watch` when `watched`)."""
    with rt.transaction() as session:
        channel = channel_store.upsert(session, team_id, channel_id, name, rt.clock(), archived=archived)
        if watched:
            channel_store.set_watched(session, channel.pk, True, WatchSource.COMMAND, rt.clock())
            channel = channel.watching(WatchSource.COMMAND)
    return channel


def make_item(
    rt: Runtime,
    channel_pk: int,
    *,
    owner: str = "U1",
    due: date = date(2025, 3, 20),
    text: str = "Add the alert",
    priority: ai.Priority = ai.Priority.P2,
    status: ai.ItemStatus = ai.ItemStatus.OPEN,
    done_on: date | None = None,
    created_by: str = "U0CREATOR",
) -> int:
    """An action item; its id."""
    with rt.transaction() as session:
        item_id = item_store.add(
            session,
            channel_pk=channel_pk,
            text=text,
            owner_user_id=owner,
            priority=priority,
            due_on=due,
            created_by=created_by,
            now=rt.clock(),
        )
        if status is not ai.ItemStatus.OPEN:
            item_store.set_status(
                session, item_id, status, done_on=done_on, wont_do_reason=None, now=rt.clock()
            )
    return item_id


def count_rows(rt: Runtime, model: type[Base]) -> int:
    """How many rows `model`'s table holds."""
    with rt.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


# --- a runtime wired to the Slack stand-in -----------------------------------------------------------


def runtime_for(database_url: str, stub: SlackStub, clock: FrozenClock, **env: str) -> Runtime:
    """A Runtime configured as the running bot would be against the Slack stand-in."""
    return Runtime.create(Settings.from_env(bot_env(database_url, stub, **env)), clock=clock)


def slack_for(rt: Runtime) -> Slack:
    """Outbound Slack for a runtime made by runtime_for: reads and posts go to the stand-in."""
    return outbound_slack(rt.settings)
