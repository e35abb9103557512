"""The postmortem's thread in Slack: posted once, its parent kept current, linked in POSTMORTEM_CHANNEL.

The parent message is the postmortem at a glance (status, severity, lead, phases, what is empty,
buttons); the timeline and the guiding questions are its replies. The thread is posted under a
claim, so `/postmortem start` racing the 48-hour rule, or two replicas, post one thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.domain import postmortem as pmd
from bot.domain.channels import ChannelRef
from bot.domain.timeline import Timeline
from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.notices import (
    PostmortemParent,
    PostmortemStarted,
    PrivatePostmortemStarted,
    SectionPrompts,
    TimelinePosts,
)
from bot.runtime import Runtime
from bot.services.once import ClaimKey, ClaimKind, send_once
from bot.store import postmortems as store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """A postmortem as the domain sees it, with what rendering and updating it need."""

    channel: ChannelRef
    row_id: int
    postmortem: pmd.Postmortem
    timeline: Timeline  # marked entries only: the document's timeline
    thread_ts: str | None
    lead_user_id: str | None


def ensure_thread(rt: Runtime, slack: Slack, loaded: Loaded) -> Loaded:
    """Post the thread unless it exists (or another process is posting it right now)."""
    if loaded.thread_ts is not None:
        return loaded
    posted: list[str] = []
    send_once(
        rt,
        ClaimKey(ClaimKind.POSTMORTEM_THREAD, str(loaded.row_id)),
        lambda: posted.append(_post_thread(rt, slack, loaded)),
    )
    if not posted:
        return loaded
    threaded = replace(loaded, thread_ts=posted[0])
    _link(rt, slack, threaded)
    return threaded


def _post_thread(rt: Runtime, slack: Slack, loaded: Loaded) -> str:
    """The parent (its ts recorded at once), then the timeline and prompts as replies."""
    channel = loaded.channel.channel_id
    parent = slack.say.post(channel, PostmortemParent(loaded.postmortem, loaded.timeline))
    with rt.transaction() as session:
        store.update_fields(session, loaded.row_id, rt.clock(), thread_ts=parent.ts)
    slack.say.post(channel, TimelinePosts(loaded.timeline), thread_ts=parent.ts)
    slack.say.post(channel, SectionPrompts(loaded.postmortem), thread_ts=parent.ts)
    return parent.ts


def _link(rt: Runtime, slack: Slack, loaded: Loaded) -> None:
    """Once, in POSTMORTEM_CHANNEL: a link to the new thread. A failure is logged; the thread stands."""
    where = rt.settings.postmortem_channel
    if not where or loaded.thread_ts is None:
        return
    thread_ts = loaded.thread_ts

    def post_link() -> None:
        if loaded.channel.is_private:  # its name, title and link stay where its members are
            link = slack.say.post(where, PrivatePostmortemStarted())
        else:
            permalink = slack.read.permalink(loaded.channel.channel_id, thread_ts)
            link = slack.say.post(
                where, PostmortemStarted(loaded.channel.name, loaded.postmortem.title, permalink)
            )
        with rt.transaction() as session:
            store.update_fields(
                session, loaded.row_id, rt.clock(), link_channel_id=link.channel, link_ts=link.ts
            )

    try:
        send_once(rt, ClaimKey(ClaimKind.POSTMORTEM_LINK, str(loaded.row_id)), post_link)
    except SlackFailed as error:
        logger.warning("could not link the postmortem in POSTMORTEM_CHANNEL: %s", error.reason)


def refresh_parent(slack: Slack, loaded: Loaded) -> None:
    """Update the parent message in place, so it always shows what is still empty."""
    if loaded.thread_ts is None:
        return
    slack.say.update(
        loaded.channel.channel_id, loaded.thread_ts, PostmortemParent(loaded.postmortem, loaded.timeline)
    )


def permalink(slack: Slack, loaded: Loaded) -> str | None:
    if loaded.thread_ts is None:
        return None
    return slack.read.permalink(loaded.channel.channel_id, loaded.thread_ts)
