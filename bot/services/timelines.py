"""The stored record → a Timeline: refresh from Slack if asked, resolve users, build by the rules.

Entries link to their messages when the workspace's URL is known: the bot learns it from auth.test
(asked once per token) whenever it builds a timeline with Slack at hand, and keeps it on the
workspace's record, so timelines built without Slack (the CLI, scheduled jobs) link too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence

from bot.domain import permalinks
from bot.domain.channels import ChannelRef, WatchSource
from bot.domain.errors import UserError
from bot.domain.messages import NewMessage, Source
from bot.domain.slack_ids import USER_ID
from bot.domain.timeline import CapturedMessage, Timeline, UserInfo, build_timeline
from bot.outbound.slack import Slack, SlackFailed
from bot.runtime import Runtime
from bot.services.backfill import backfill
from bot.store import channels as channel_store
from bot.store import events as workspace_store
from bot.store import messages as store
from bot.store import users as user_store

logger = logging.getLogger(__name__)

_MENTION = re.compile(rf"<@({USER_ID})(?=[|>])")  # an id Slack could give, whole


def _user_ids(messages: Iterable[CapturedMessage]) -> set[str]:
    ids: set[str] = set()
    for message in messages:
        if message.user_id:
            ids.add(message.user_id)
        ids.update(_MENTION.findall(message.text))
    return ids


def resolve_users(rt: Runtime, slack: Slack, team_id: str, user_ids: Iterable[str]) -> None:
    """users.info for each user not cached yet; their display name and tz are kept."""
    with rt.transaction() as session:
        missing = set(user_ids) - set(user_store.known(session, team_id))
    for user_id in sorted(missing):
        try:
            facts = slack.read.user(user_id)
        except SlackFailed as error:
            logger.warning("users.info %s failed: %s", user_id, error.reason)
            continue
        with rt.transaction() as session:
            user_store.upsert(session, team_id, user_id, facts.info, is_bot=facts.is_bot, now=rt.clock())


def _learnt_url(slack: Slack, team_id: str) -> str | None:
    """The workspace's URL as auth.test names it, normalised; None when it names none (or one the
    bot cannot link with)."""
    url = slack.read.workspace_url(team_id)
    if url is None:
        return None
    try:
        return permalinks.workspace_url(url)
    except ValueError as error:
        logger.warning("auth.test names a workspace URL the bot cannot link with: %s", error)
        return None


def channel_timeline(
    rt: Runtime,
    channel: ChannelRef,
    *,
    slack: Slack | None = None,
    include_all: bool = False,
    workspace_url: str | None = None,
) -> Timeline:
    """With `slack`, what Slack has that the record lacks is fetched first (backfill, users), and
    the workspace's URL is kept on its record. Entries link to their messages when that URL is
    known, or given as `workspace_url` (a `permalinks.workspace_url`), which wins."""
    learnt: str | None = None
    if slack is not None:
        backfill(rt, slack, channel)
        learnt = _learnt_url(slack, channel.team_id)
    with rt.transaction() as session:
        messages = store.captured_messages(session, channel.pk)
    if slack is not None:
        resolve_users(rt, slack, channel.team_id, _user_ids(messages))
    with rt.transaction() as session:
        users = user_store.known(session, channel.team_id)
        names = channel_store.names(session, channel.team_id)
        stored = workspace_store.workspace_url(session, channel.team_id)
        if learnt is not None and learnt != stored:
            workspace_store.set_workspace_url(session, channel.team_id, learnt, rt.clock())
        known = workspace_url or learnt or stored
    return build_timeline(
        channel.name,
        messages,
        users,
        emoji_marks=rt.settings.emoji_marks,
        default_tz=rt.settings.default_timezone,
        include_all=include_all,
        channel_names=names,
        channel_id=channel.channel_id,
        workspace_url=known,
    )


def stored_channel(rt: Runtime, name: str) -> ChannelRef:
    """A channel the bot has a record of, by name (for the CLI)."""
    with rt.transaction() as session:
        channel = channel_store.by_name(session, name)
        if channel is None:
            known = sorted(c.name for c in channel_store.watched(session))
            hint = f" Channels with a record: {', '.join(known[:10])}." if known else ""
            raise UserError(f"No record of a channel named {name.lstrip('#')!r}.{hint}")
        return channel


def import_channel(
    rt: Runtime,
    *,
    team_id: str,
    channel_id: str,
    name: str,
    records: Sequence[NewMessage],
    users: Mapping[str, UserInfo],
    channel_names: Mapping[str, str],
) -> tuple[ChannelRef, int]:
    """Store a channel read from a Slack export as a backfill would, so a postmortem can start on it.

    Importing twice stores nothing new. Returns the channel and how many messages were new.
    """
    now = rt.clock()
    with rt.transaction() as session:
        channel = channel_store.upsert(session, team_id, channel_id, name, now)
        if not channel.watched:
            source = (
                WatchSource.COMMAND if channel.watch_source is WatchSource.COMMAND else WatchSource.IMPORT
            )
            channel_store.set_watched(session, channel.pk, True, source, now)
        new = store.store_messages(session, channel.pk, records, source=Source.IMPORT, now=now)
        for other_id, other_name in channel_names.items():  # so <#C…> links read as names
            if other_id != channel.channel_id:
                channel_store.upsert(session, team_id, other_id, other_name, now)
        for user_id, info in users.items():
            user_store.upsert(session, team_id, user_id, info, is_bot=False, now=now)
        ref = channel_store.by_pk(session, channel.pk)
    return ref, new
