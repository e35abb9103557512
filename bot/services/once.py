"""Send at most once, and, as far as anyone can know, exactly once: claim, perform, mark done.

Every "once" of the bot goes through `send_once`: the channel announcement, the postmortem thread's
parent, its timeline and prompt replies and its link, the 48-hour rule's auto-open note, question,
escalation and its copy, the weekly reminders, the overdue DMs and the reports that a post keeps
failing. The claim is a database row (store/claims.py), so two threads, two processes or two
replicas running the same job send once.

1. Claim the key; whoever does not win returns False at once.
2. If an earlier attempt may have posted without the bot hearing so (Slack's answer was lost, or
   its holder died mid-send), `adopt` first looks for that post in Slack: every message posted
   under a claim carries the claim as message metadata (outbound/slack/tags.py). One found is
   adopted: recorded and marked done, not posted again.
3. Otherwise `perform(tag)` posts, tagging what it posts with `tag`.
4. Done; or, when it raises, released with its reason and a backoff (domain/retries.py) for the
   sweeps that retry it. When the answer was lost, `adopt` looks once more right away, and only if
   the post is not found is the claim released as unconfirmed.

`post_once` is the usual pair: post a notice to a `Target` and look for it there (the channel's
recent history, the thread, the DM).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import retries
from bot.outbound.slack import Posted, Slack, SlackFailed
from bot.outbound.slack.errors import UNREACHABLE
from bot.outbound.slack.notices import Notice
from bot.outbound.slack.tags import Tag
from bot.runtime import Runtime
from bot.store import claims
from bot.store.claims import DEFAULT_LEASE, ClaimKey, ClaimKind, Held

logger = logging.getLogger(__name__)

__all__ = ["ClaimKey", "ClaimKind", "Target", "is_done", "post_once", "send_once"]

# An unconfirmed post is looked for from this long before the attempt that may have made it (the
# bot's clock and Slack's may differ).
ADOPT_LOOKBACK = timedelta(hours=1)

Perform = Callable[[Tag], object]
Adopt = Callable[[Tag, datetime], bool]  # (tag, since when it may be there) → found and recorded


def send_once(
    rt: Runtime,
    key: ClaimKey,
    perform: Perform,
    *,
    adopt: Adopt | None = None,
    lease: timedelta = DEFAULT_LEASE,
    retry_now: bool = False,
) -> bool:
    """Run `perform` (or adopt what an unconfirmed earlier attempt posted) if this caller wins the
    claim on `key`; True when it is now done, False when someone else has it, it was done, or it
    waits for its backoff (`retry_now`: a person asked again, so it does not wait). Whatever
    `perform` raises is re-raised after the claim is released."""
    with rt.transaction() as session:
        held = claims.claim(session, key, now=rt.clock(), lease=lease, retry_now=retry_now)
    if held is None:
        return False
    tag = Tag(held.id, key.label)
    performing = False
    try:
        if held.unconfirmed_at is None or adopt is None or not adopt(tag, held.unconfirmed_at):
            performing = True
            perform(tag)
    except Exception as error:
        unconfirmed = performing and _may_have_posted(error)
        if unconfirmed and adopt is not None and _found_after_all(adopt, tag, held, key):
            _mark_done(rt, key)
            return True
        _release(rt, key, held, error, unconfirmed=unconfirmed)
        raise
    except BaseException as error:  # interrupted: whatever it was doing may have happened
        _release(rt, key, held, error, unconfirmed=performing)
        raise
    _mark_done(rt, key)
    return True


def _may_have_posted(error: Exception) -> bool:
    """Slack's refusal means nothing was done; a lost answer, or a failure after Slack answered (the
    database, a bug), may mean it was."""
    return not isinstance(error, SlackFailed) or error.reason == UNREACHABLE


def _found_after_all(adopt: Adopt, tag: Tag, held: Held, key: ClaimKey) -> bool:
    """The answer was lost just now: is the post there? A failure to look leaves the claim unconfirmed."""
    try:
        return adopt(tag, held.unconfirmed_at or held.claimed_at)
    except Exception as error:  # noqa: BLE001 - the post's own failure is what the caller hears
        reason = error.reason if isinstance(error, SlackFailed) else type(error).__name__
        logger.warning("could not look for %s after its answer was lost: %s", key.label, reason)
        return False


def _mark_done(rt: Runtime, key: ClaimKey) -> None:
    with rt.transaction() as session:
        claims.mark_done(session, key, now=rt.clock())


def _release(rt: Runtime, key: ClaimKey, held: Held, error: BaseException, *, unconfirmed: bool) -> None:
    reason = error.reason if isinstance(error, SlackFailed) else type(error).__name__
    now = rt.clock()
    with rt.transaction() as session:
        claims.release(
            session,
            key,
            error=reason,
            retry_at=now + retries.wait_after(held.attempts),
            unconfirmed=unconfirmed,
        )


def is_done(rt: Runtime, key: ClaimKey) -> bool:
    with rt.transaction() as session:
        return claims.is_done(session, key)


@dataclass(frozen=True)
class Target:
    """Where a post made once goes: `channel` (an id, or POSTMORTEM_CHANNEL's #name), in the thread
    of `thread_ts` if given (`broadcast`: shown in the channel too); or `user`'s direct messages."""

    channel: str | None = None
    thread_ts: str | None = None
    user: str | None = None
    broadcast: bool = False


def post_once(
    rt: Runtime,
    slack: Slack,
    key: ClaimKey,
    target: Target,
    notice: Notice | Callable[[], Notice],
    *,
    then: Callable[[Posted], object] | None = None,
    retry_now: bool = False,
) -> bool:
    """Post `notice` to `target` once (send_once), tagged with its claim. An unconfirmed earlier
    attempt is looked for where the post goes: the thread of `target.thread_ts`, else the channel's
    (or the DM's) history from an hour before that attempt; what is found is adopted, and any part
    of a long notice still missing is posted. `then` gets where the post is, posted or adopted,
    before the claim is done (to record a ts the caller needs). `notice` may be a function making
    it, called only by the claim's holder (when making it asks Slack something)."""

    def said() -> Notice:
        return notice() if callable(notice) else notice

    def perform(tag: Tag) -> None:
        posted = _say(slack, target, said(), tag, ())
        if then is not None:
            then(posted)

    def adopt(tag: Tag, since: datetime) -> bool:
        where = slack.read.dm_channel(target.user) if target.user else target.channel
        assert where is not None, "a Target names a channel or a user"
        oldest = f"{(since - ADOPT_LOOKBACK).timestamp():.6f}"
        found = slack.read.tagged(where, tag, thread_ts=target.thread_ts, oldest=oldest)
        if not found:
            return False
        posted = _say(slack, target, said(), tag, found)
        logger.info(
            "%s was already in Slack (%s %s): adopted, not posted again", key.label, posted.channel, posted.ts
        )
        if then is not None:
            then(posted)
        return True

    return send_once(rt, key, perform, adopt=adopt, retry_now=retry_now)


def _say(slack: Slack, target: Target, notice: Notice, tag: Tag, found: Sequence[Posted]) -> Posted:
    if target.user is not None:
        return slack.say.dm(target.user, notice, tag=tag, found=found)
    assert target.channel is not None, "a Target names a channel or a user"
    return slack.say.post(
        target.channel,
        notice,
        thread_ts=target.thread_ts,
        broadcast=target.broadcast,
        tag=tag,
        found=found,
    )
