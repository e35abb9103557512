"""The one set of factories tests use to put things in the record and to wire a runtime to Slack.

Each writes through the repositories (bot/store), as the bot itself does, and returns plain data.
"""

from __future__ import annotations

from datetime import date

from bot.app import outbound_slack
from bot.config import Settings
from bot.domain import action_items as ai
from bot.domain.channels import ChannelRef, WatchSource
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.store import action_items as item_store
from bot.store import channels as channel_store
from tests.conftest import FrozenClock, bot_env
from tests.harness import TEAM_ID
from tests.slack_stub import SlackStub


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


def runtime_for(database_url: str, stub: SlackStub, clock: FrozenClock, **env: str) -> Runtime:
    """A Runtime configured as the running bot would be against the Slack stand-in."""
    return Runtime.create(Settings.from_env(bot_env(database_url, stub, **env)), clock=clock)


def slack_for(rt: Runtime) -> Slack:
    """Outbound Slack for a runtime made by runtime_for: reads and posts go to the stand-in."""
    return outbound_slack(rt.settings)
