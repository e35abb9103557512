"""Which channels are incident channels, and what happens when one starts being watched.

A channel is watched when its name matches INCIDENT_CHANNEL_PATTERN (the bot joins public ones as
they are created or renamed into the pattern) or after `/postmortem watch`. When watching starts,
the bot says once in the channel what it records, and backfills what was said before it came.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import update

from bot.domain.channels import is_incident_channel
from bot.domain.errors import UserError
from bot.outbound.slack import web as api
from bot.outbound.slack.render.blocks import announcement_blocks, announcement_text
from bot.runtime import Runtime
from bot.store.messages import get_channel, upsert_channel
from bot.store.models import Channel

logger = logging.getLogger(__name__)

PATTERN = "pattern"
COMMAND = "command"
UNWATCHED = "unwatched"  # /postmortem unwatch: the pattern no longer brings it back


@dataclass(frozen=True)
class ChannelRef:
    """What services pass around instead of a live ORM row."""

    pk: int
    team_id: str
    channel_id: str
    name: str
    watched: bool
    watch_source: str | None
    is_archived: bool

    @classmethod
    def of(cls, channel: Channel) -> ChannelRef:
        return cls(
            channel.id,
            channel.team_id,
            channel.channel_id,
            channel.name,
            channel.watched,
            channel.watch_source,
            channel.is_archived,
        )


def known_channel(rt: Runtime, client: WebClient, team_id: str, channel_id: str) -> ChannelRef:
    """The stored channel; a channel never seen is looked up once (conversations.info) and stored.

    Seeing a message from an unknown channel that matches the pattern means the bot is in an
    incident channel it was not told about (invited, or installed after it was created): it
    starts watching.
    """
    with rt.transaction() as session:
        channel = get_channel(session, team_id, channel_id)
        if channel is not None:
            return ChannelRef.of(channel)
    info = api.channel_info(client, channel_id)
    with rt.transaction() as session:
        stored = upsert_channel(session, team_id, channel_id, str(info.get("name", "")), rt.clock())
        stored.is_archived = bool(info.get("is_archived"))
        ref = ChannelRef.of(stored)
    if is_incident_channel(ref.name, rt.settings.incident_channel_patterns):
        return start_watching(rt, client, ref, source=PATTERN)
    return ref


def start_watching(rt: Runtime, client: WebClient, channel: ChannelRef, *, source: str) -> ChannelRef:
    """Watch the channel, announce once, and backfill its history."""
    from bot.services.backfill import backfill

    now = rt.clock()
    with rt.transaction() as session:
        session.execute(
            update(Channel)
            .where(Channel.id == channel.pk)
            .values(watched=True, watch_source=source, updated_at=now)
        )
        claimed_announcement = session.execute(
            update(Channel)
            .where(Channel.id == channel.pk, Channel.announced_at.is_(None))
            .values(announced_at=now)
        ).rowcount  # type: ignore[attr-defined]
    if claimed_announcement:
        announce(rt, client, channel)
    backfill(rt, client, channel)
    return ChannelRef(**{**channel.__dict__, "watched": True, "watch_source": source})


def announce(rt: Runtime, client: WebClient, channel: ChannelRef) -> None:
    marks = rt.settings.emoji_marks
    try:
        client.chat_postMessage(
            channel=channel.channel_id,
            text=announcement_text(),
            blocks=announcement_blocks(marks),
        )
    except SlackApiError as error:
        # The watch stands; only the greeting failed. Let it be tried again next time.
        logger.warning("could not announce in %s: %s", channel.channel_id, error.response.get("error"))
        with rt.transaction() as session:
            session.execute(update(Channel).where(Channel.id == channel.pk).values(announced_at=None))


def stop_watching(rt: Runtime, channel: ChannelRef) -> None:
    with rt.transaction() as session:
        session.execute(
            update(Channel)
            .where(Channel.id == channel.pk)
            .values(watched=False, watch_source=UNWATCHED, updated_at=rt.clock())
        )


def channel_seen(
    rt: Runtime, client: WebClient, team_id: str, channel_id: str, name: str, *, join: bool
) -> ChannelRef:
    """A channel was created, renamed, or the bot was added to it: watch it if its name says so."""
    with rt.transaction() as session:
        ref = ChannelRef.of(upsert_channel(session, team_id, channel_id, name, rt.clock()))
    wanted = is_incident_channel(name, rt.settings.incident_channel_patterns)
    if ref.watched or not wanted or ref.watch_source == UNWATCHED:
        return ref
    if join:
        try:
            client.conversations_join(channel=channel_id)
        except SlackApiError as error:
            logger.warning("could not join #%s: %s", name, error.response.get("error"))
            return ref
    return start_watching(rt, client, ref, source=PATTERN)


def bot_joined(rt: Runtime, client: WebClient, team_id: str, channel_id: str) -> ChannelRef:
    """The bot was invited into a channel (private ones are only ever found this way)."""
    info = api.channel_info(client, channel_id)
    return channel_seen(rt, client, team_id, channel_id, str(info.get("name", "")), join=False)


def set_archived(rt: Runtime, team_id: str, channel_id: str, archived: bool) -> None:
    with rt.transaction() as session:
        session.execute(
            update(Channel)
            .where(Channel.team_id == team_id, Channel.channel_id == channel_id)
            .values(is_archived=archived, updated_at=rt.clock())
        )


def watch_by_command(rt: Runtime, client: WebClient, team_id: str, channel_id: str) -> ChannelRef:
    """/postmortem watch. Refused, with how to fix it, when the bot cannot read the channel."""
    try:
        info = api.channel_info(client, channel_id)
    except SlackApiError as error:
        raise UserError(
            "I can't see this channel. Invite me first (`/invite @postmortem-bot`), then run "
            "`/postmortem watch` again."
        ) from error
    with rt.transaction() as session:
        ref = ChannelRef.of(
            upsert_channel(session, team_id, channel_id, str(info.get("name", "")), rt.clock())
        )
    if not info.get("is_member") and not info.get("is_private"):
        client.conversations_join(channel=channel_id)
    elif not info.get("is_member"):
        raise UserError("This is a private channel: invite me first (`/invite @postmortem-bot`).")
    return start_watching(rt, client, ref, source=COMMAND)


def require_watched(rt: Runtime, team_id: str, channel_id: str) -> ChannelRef:
    with rt.transaction() as session:
        channel = get_channel(session, team_id, channel_id)
        if channel is None or not channel.watched:
            patterns = ", ".join(f"`{p}`" for p in rt.settings.incident_channel_patterns)
            raise UserError(
                "This is not an incident channel, so I have no timeline for it. Channels named "
                f"{patterns} are incident channels; in any other, run `/postmortem watch` first."
            )
        return ChannelRef.of(channel)
