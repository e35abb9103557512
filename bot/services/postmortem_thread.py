"""The postmortem's thread in Slack: posted once, its parent kept current, linked in POSTMORTEM_CHANNEL.

The parent message is the postmortem at a glance (status, severity, lead, phases, what is empty,
buttons); the timeline and the guiding questions are its replies. The parent, each reply and the
link are each posted under a claim of their own, so `/postmortem start` racing the 48-hour rule, or
two replicas, post one thread, and a reply that failed is filled in later without a second thread.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.domain import postmortem as pmd
from bot.domain.channels import ChannelRef
from bot.domain.timeline import Timeline
from bot.outbound.slack import Posted, Slack, SlackFailed
from bot.outbound.slack.notices import (
    Notice,
    PostmortemParent,
    PostmortemStarted,
    PrivatePostmortemStarted,
    SectionPrompts,
    TimelinePosts,
)
from bot.runtime import Runtime
from bot.services.once import ClaimKey, ClaimKind, Target, post_once, send_once
from bot.store import claims
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


@dataclass(frozen=True)
class Failure:
    """Part of the thread that could not be posted (yet): what, and Slack's answer."""

    what: str
    reason: str


PARENT = "the postmortem thread"
FOLLOW_UPS = (ClaimKind.POSTMORTEM_TIMELINE, ClaimKind.POSTMORTEM_PROMPTS, ClaimKind.POSTMORTEM_LINK)
KINDS = (ClaimKind.POSTMORTEM_THREAD, *FOLLOW_UPS)


def ensure_thread(
    rt: Runtime, slack: Slack, loaded: Loaded, *, retry_now: bool = False
) -> tuple[Loaded, tuple[Failure, ...]]:
    """Post whatever of the thread is not in Slack yet, each part under its own claim: the parent
    (its ts recorded the moment it exists, or found again when its answer was lost), then the
    timeline and prompt replies and the link in POSTMORTEM_CHANNEL. A part that fails is returned
    (and tried again by the retry sweep, or by the next start); the others still go out.

    The replies and the link follow a parent posted in this call; afterwards only those whose claim
    was tried and is not done yet are posted (a thread from before they had claims is left as it is).
    `retry_now`: a person asked, so parts waiting for their backoff are tried now.
    """
    subject = str(loaded.row_id)
    with rt.transaction() as session:
        pending = claims.pending(session, KINDS, subject)
        thread_ts = store.thread_ts(session, loaded.row_id)
    failed: list[Failure] = []
    fresh = False  # the parent went out (or was found) in this call: everything after it is due
    if thread_ts is None:
        try:
            fresh = post_once(
                rt,
                slack,
                ClaimKey(ClaimKind.POSTMORTEM_THREAD, subject),
                Target(channel=loaded.channel.channel_id),
                PostmortemParent(loaded.postmortem, loaded.timeline),
                then=lambda parent: _record_thread(rt, loaded.row_id, parent.ts),
                retry_now=retry_now,
            )
        except SlackFailed as error:
            logger.warning(
                "could not post the postmortem thread in #%s: %s", loaded.channel.name, error.reason
            )
            failed.append(Failure(PARENT, error.reason))
        with rt.transaction() as session:
            thread_ts = store.thread_ts(session, loaded.row_id)
        if thread_ts is None:  # not posted, or another process is posting it right now
            return loaded, tuple(failed)
    elif ClaimKind.POSTMORTEM_THREAD in pending:
        # The parent was recorded but its claim never finished: it exists; what follows it may not.
        fresh = send_once(rt, ClaimKey(ClaimKind.POSTMORTEM_THREAD, subject), lambda _tag: None)
    due = set(FOLLOW_UPS) if fresh else pending
    threaded = replace(loaded, thread_ts=thread_ts)
    replies = (
        (ClaimKind.POSTMORTEM_TIMELINE, TimelinePosts(loaded.timeline), "the timeline reply"),
        (ClaimKind.POSTMORTEM_PROMPTS, SectionPrompts(loaded.postmortem), "the guiding questions reply"),
    )
    for kind, notice, what in replies:
        if kind not in due:
            continue
        where = Target(channel=loaded.channel.channel_id, thread_ts=thread_ts)
        try:
            post_once(rt, slack, ClaimKey(kind, subject), where, notice, retry_now=retry_now)
        except SlackFailed as error:
            logger.warning("could not post %s in #%s: %s", what, loaded.channel.name, error.reason)
            failed.append(Failure(what, error.reason))
    if ClaimKind.POSTMORTEM_LINK in due:
        failed += _link(rt, slack, threaded, retry_now=retry_now)
    return threaded, tuple(failed)


def _record_thread(rt: Runtime, postmortem_id: int, thread_ts: str) -> None:
    with rt.transaction() as session:
        store.update_fields(session, postmortem_id, rt.clock(), thread_ts=thread_ts)


def _link(rt: Runtime, slack: Slack, loaded: Loaded, *, retry_now: bool) -> list[Failure]:
    """Once, in POSTMORTEM_CHANNEL: a link to the thread. A failure is returned; the thread stands."""
    where = rt.settings.postmortem_channel
    if not where or loaded.thread_ts is None:
        return []
    thread_ts = loaded.thread_ts

    def notice() -> Notice:
        if loaded.channel.is_private:  # its name, title and link stay where its members are
            return PrivatePostmortemStarted()
        permalink = slack.read.permalink(loaded.channel.channel_id, thread_ts)
        return PostmortemStarted(loaded.channel.name, loaded.postmortem.title, permalink)

    def record(link: Posted) -> None:
        with rt.transaction() as session:
            store.update_fields(
                session, loaded.row_id, rt.clock(), link_channel_id=link.channel, link_ts=link.ts
            )

    try:
        post_once(
            rt,
            slack,
            ClaimKey(ClaimKind.POSTMORTEM_LINK, str(loaded.row_id)),
            Target(channel=where),
            notice,
            then=record,
            retry_now=retry_now,
        )
    except SlackFailed as error:
        logger.warning("could not link the postmortem in POSTMORTEM_CHANNEL: %s", error.reason)
        return [Failure("the link in the postmortem channel", error.reason)]
    return []


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
