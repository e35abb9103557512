"""Which channels are incident channels, and what happens when one starts being watched.

A channel is watched when its name matches INCIDENT_CHANNEL_PATTERN (the bot joins public ones as
they are created or renamed into the pattern) or after `/postmortem watch`. When watching starts,
the bot says once in the channel what it records, and backfills what was said before it came.
"""

from __future__ import annotations

import logging

from bot.domain.channels import ChannelRef, WatchSource, is_incident_channel
from bot.domain.errors import UserError
from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.notices import WatchStarted
from bot.runtime import Runtime
from bot.services.backfill import backfill
from bot.services.once import ClaimKey, ClaimKind, Target, post_once
from bot.store import channels as store

logger = logging.getLogger(__name__)


def known_channel(rt: Runtime, slack: Slack, team_id: str, channel_id: str) -> ChannelRef:
    """The stored channel; a channel never seen is looked up once (conversations.info) and stored.

    Seeing a message from an unknown channel that matches the pattern means the bot is in an
    incident channel it was not told about (invited, or installed after it was created): it
    starts watching.
    """
    with rt.transaction() as session:
        channel = store.get(session, team_id, channel_id)
    if channel is not None:
        return channel
    info = slack.read.channel_info(channel_id)
    with rt.transaction() as session:
        ref = store.upsert(
            session,
            team_id,
            channel_id,
            info.name,
            rt.clock(),
            archived=info.is_archived,
            private=info.is_private,
        )
    if is_incident_channel(ref.name, rt.settings.incident_channel_patterns):
        return start_watching(rt, slack, ref, source=WatchSource.PATTERN)
    return ref


def start_watching(rt: Runtime, slack: Slack, channel: ChannelRef, *, source: WatchSource) -> ChannelRef:
    """Watch the channel, announce once, and backfill its history."""
    with rt.transaction() as session:
        store.set_watched(session, channel.pk, True, source, rt.clock())
    announce(rt, slack, channel)
    backfill(rt, slack, channel)
    return channel.watching(source)


def announce(rt: Runtime, slack: Slack, channel: ChannelRef) -> None:
    """Say once in the channel what the bot records. A failure leaves the watch standing; the retry
    sweep (services/retries.py) says it later."""
    try:
        post_once(
            rt,
            slack,
            ClaimKey(ClaimKind.ANNOUNCEMENT, str(channel.pk)),
            Target(channel=channel.channel_id),
            WatchStarted(),
        )
    except SlackFailed as error:
        logger.warning("could not announce in %s: %s", channel.channel_id, error.reason)


def stop_watching(rt: Runtime, channel: ChannelRef) -> None:
    with rt.transaction() as session:
        store.set_watched(session, channel.pk, False, WatchSource.UNWATCHED, rt.clock())


def channel_seen(
    rt: Runtime,
    slack: Slack,
    team_id: str,
    channel_id: str,
    name: str,
    *,
    join: bool,
    private: bool | None = None,
) -> ChannelRef:
    """A channel was created, renamed, or the bot was added to it: watch it if its name says so.
    `private`: whether it is a private channel, when the event says (None: leave it as known)."""
    with rt.transaction() as session:
        ref = store.upsert(session, team_id, channel_id, name, rt.clock(), private=private)
    wanted = is_incident_channel(name, rt.settings.incident_channel_patterns)
    if ref.watched or not wanted or ref.watch_source is WatchSource.UNWATCHED:
        return ref
    if join:
        try:
            slack.say.join(channel_id)
        except SlackFailed as error:
            logger.warning("could not join #%s: %s", name, error.reason)
            return ref
    return start_watching(rt, slack, ref, source=WatchSource.PATTERN)


def bot_joined(rt: Runtime, slack: Slack, team_id: str, channel_id: str) -> ChannelRef:
    """The bot was invited into a channel (private ones are only ever found this way)."""
    info = slack.read.channel_info(channel_id)
    return channel_seen(rt, slack, team_id, channel_id, info.name, join=False, private=info.is_private)


def set_archived(rt: Runtime, team_id: str, channel_id: str, archived: bool) -> None:
    with rt.transaction() as session:
        store.set_archived(session, team_id, channel_id, archived, rt.clock())


def watch_by_command(rt: Runtime, slack: Slack, team_id: str, channel_id: str) -> ChannelRef:
    """/postmortem watch. Refused, with how to fix it, when the bot cannot read the channel."""
    try:
        info = slack.read.channel_info(channel_id)
    except SlackFailed as error:
        raise UserError(
            "I can't see this channel. Invite me first (`/invite @postmortem-bot`), then run "
            "`/postmortem watch` again."
        ) from error
    with rt.transaction() as session:
        ref = store.upsert(session, team_id, channel_id, info.name, rt.clock(), private=info.is_private)
    if not info.is_member and not info.is_private:
        slack.say.join(channel_id)
    elif not info.is_member:
        raise UserError("This is a private channel: invite me first (`/invite @postmortem-bot`).")
    return start_watching(rt, slack, ref, source=WatchSource.COMMAND)


def incident_channel(rt: Runtime, team_id: str, channel_id: str) -> ChannelRef | None:
    """The channel, if the bot watches it as an incident channel."""
    with rt.transaction() as session:
        channel = store.get(session, team_id, channel_id)
    return channel if channel is not None and channel.watched else None


def not_an_incident_channel(rt: Runtime) -> UserError:
    """What a person hears when they ask for incident work outside an incident channel."""
    patterns = ", ".join(f"`{p}`" for p in rt.settings.incident_channel_patterns)
    return UserError(
        "This is not an incident channel, so I have no timeline for it. Channels named "
        f"{patterns} are incident channels; in any other, run `/postmortem watch` first."
    )
