"""The stored record → a Timeline: refresh from Slack if asked, resolve users, build by the rules."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.domain.errors import UserError
from bot.domain.timeline import CapturedMessage, Timeline, build_timeline
from bot.inbound.slack_export import ExportedChannel
from bot.outbound.slack import web as api
from bot.outbound.slack.payloads import user_from_slack
from bot.runtime import Runtime
from bot.services.backfill import backfill
from bot.services.channels import COMMAND, ChannelRef
from bot.store import messages as store
from bot.store.models import Channel

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"<@([UW][A-Z0-9]+)")
IMPORT = "import"


def _user_ids(messages: Iterable[CapturedMessage]) -> set[str]:
    ids: set[str] = set()
    for message in messages:
        if message.user_id:
            ids.add(message.user_id)
        ids.update(_MENTION.findall(message.text))
    return ids


def resolve_users(rt: Runtime, client: WebClient, team_id: str, user_ids: Iterable[str]) -> None:
    """users.info for each user not cached yet; their display name and tz are kept."""
    with rt.transaction() as session:
        missing = set(user_ids) - set(store.known_users(session, team_id))
    for user_id in sorted(missing):
        try:
            raw = api.user_info(client, user_id)
        except SlackApiError as error:
            logger.warning("users.info %s failed: %s", user_id, error.response.get("error"))
            continue
        with rt.transaction() as session:
            store.upsert_user(
                session,
                team_id,
                user_id,
                user_from_slack(raw),
                is_bot=bool(raw.get("is_bot")),
                now=rt.clock(),
            )


def channel_timeline(
    rt: Runtime, channel: ChannelRef, *, client: WebClient | None = None, include_all: bool = False
) -> Timeline:
    """With a client, what Slack has that the record lacks is fetched first (backfill, users)."""
    if client is not None:
        backfill(rt, client, channel)
    with rt.transaction() as session:
        messages = store.captured_messages(session, channel.pk)
    if client is not None:
        resolve_users(rt, client, channel.team_id, _user_ids(messages))
    with rt.transaction() as session:
        users = store.known_users(session, channel.team_id)
        names = store.channel_names(session, channel.team_id)
    return build_timeline(
        channel.name,
        messages,
        users,
        emoji_marks=rt.settings.emoji_marks,
        default_tz=rt.settings.default_timezone,
        include_all=include_all,
        channel_names=names,
    )


def stored_channel(rt: Runtime, name: str) -> ChannelRef:
    """A channel the bot has a record of, by name (for the CLI)."""
    with rt.transaction() as session:
        channel = store.get_channel_by_name(session, name)
        if channel is None:
            known = sorted(c.name for c in store.watched_channels(session))
            hint = f" Channels with a record: {', '.join(known[:10])}." if known else ""
            raise UserError(f"No record of a channel named {name.lstrip('#')!r}.{hint}")
        return ChannelRef.of(channel)


def import_export(rt: Runtime, exported: ExportedChannel, team_id: str) -> tuple[ChannelRef, int]:
    """Store an export's channel as a backfill would, so a postmortem can be started on it.

    Importing twice stores nothing new. Returns the channel and how many messages were new.
    """
    now = rt.clock()
    with rt.transaction() as session:
        channel = store.upsert_channel(session, team_id, exported.id or exported.name, exported.name, now)
        if not channel.watched:
            channel.watched = True
            channel.watch_source = COMMAND if channel.watch_source == COMMAND else IMPORT
        new = store.store_messages(session, channel.id, exported.records, source=IMPORT, now=now)
        for other_id, other_name in exported.channel_names.items():  # so <#C…> links read as names
            if other_id != channel.channel_id:
                store.upsert_channel(session, team_id, other_id, other_name, now)
        for user_id, info in exported.users.items():
            store.upsert_user(session, team_id, user_id, info, is_bot=False, now=now)
        ref = ChannelRef.of(session.get_one(Channel, channel.id))
    return ref, new
