"""Posts that failed are tried again, with backoff; one that keeps failing is told to a person, once.

Every post is made under a claim (services/once.py), and a claim that failed waits out its backoff
(domain/retries.py: the next sweep, then 5 minutes, doubling, at most 6 hours) before a sweep tries
it again:
- the weekly reminders and overdue DMs: the reminder retry job (reminders.sweep, only_pending);
- the 48-hour rule's question, auto-open note, escalation and its copy: the 48-hour sweep itself,
  whose list keeps a channel until they are done;
- the channel announcement and the postmortem thread (parent, timeline and prompt replies, link in
  POSTMORTEM_CHANNEL): this sweep. An announcement for a channel no longer watched, or archived,
  has nothing left to say and is dropped.

After the third failed attempt somebody hears of it, once (a REPORT claim per failing claim, so once
across replicas too):
- about a postmortem (its thread, replies, link, auto-open note, escalation and copy), a channel
  (its announcement, the "is a postmortem wanted?" question) or its weekly reminder: the lead of
  the channel's postmortem (or whoever started it) by DM;
- with no lead, and for an owner's overdue DM: POSTMORTEM_CHANNEL, unless that is where the post
  keeps failing; a private channel is not named there;
- with neither: the log, at ERROR, once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.domain import retries
from bot.domain.channels import ChannelRef
from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.notices import PostFailing
from bot.runtime import Runtime
from bot.services import channels, postmortem_thread, postmortems
from bot.services.once import ClaimKey, ClaimKind, Target, post_once, send_once
from bot.store import channels as channel_store
from bot.store import claims
from bot.store import postmortems as postmortem_store
from bot.store.claims import ClaimRow

logger = logging.getLogger(__name__)

RETRIED_HERE = (ClaimKind.ANNOUNCEMENT, *postmortem_thread.KINDS)
ABOUT_A_POSTMORTEM = {
    *postmortem_thread.KINDS,
    ClaimKind.ESCALATION,
    ClaimKind.ESCALATION_COPY,
}
ABOUT_A_CHANNEL = {
    ClaimKind.ANNOUNCEMENT,
    ClaimKind.ASK_WANTED,
    ClaimKind.AUTO_OPEN,
    ClaimKind.REMINDER_CHANNEL,
}
WHAT = {
    ClaimKind.ANNOUNCEMENT: "the note saying what I record",
    ClaimKind.POSTMORTEM_THREAD: "the postmortem thread",
    ClaimKind.POSTMORTEM_TIMELINE: "the postmortem thread's timeline",
    ClaimKind.POSTMORTEM_PROMPTS: "the postmortem thread's guiding questions",
    ClaimKind.POSTMORTEM_LINK: "the link to a postmortem",
    ClaimKind.AUTO_OPEN: "the note that I opened the postmortem",
    ClaimKind.ASK_WANTED: "the question whether a postmortem is wanted",
    ClaimKind.ESCALATION: "the 48-hour escalation",
    ClaimKind.ESCALATION_COPY: "the copy of a 48-hour escalation",
    ClaimKind.REMINDER_CHANNEL: "the weekly action-item reminder",
    ClaimKind.REMINDER_CHANNEL_DM: "an archived channel's action-item reminder",
    ClaimKind.REMINDER_OWNER: "the weekly list of overdue action items",
}


@dataclass
class RetryResult:
    retried: list[str] = field(default_factory=list)  # claim keys tried again
    told: list[str] = field(default_factory=list)  # claim keys a person (or the log) was told about


def sweep(rt: Runtime, slack: Slack) -> RetryResult:
    """Try again what failed and is past its backoff; tell someone about what keeps failing."""
    with rt.transaction() as session:
        due = claims.due(session, RETRIED_HERE, now=rt.clock())
    result = RetryResult()
    threads_done: set[str] = set()
    for row in due:
        try:
            if row.key.kind is ClaimKind.ANNOUNCEMENT:
                _announce(rt, slack, row.key)
            elif row.key.subject not in threads_done:
                threads_done.add(row.key.subject)
                _complete_thread(rt, slack, int(row.key.subject))
        except SlackFailed as error:  # one bad channel never stops the sweep
            logger.warning("retrying %s failed: %s", row.key.label, error.reason)
        result.retried.append(row.key.label)
    with rt.transaction() as session:
        failing = claims.failing(session, failed_at_least=retries.TELL_AFTER)
    for row in failing:
        if _tell(rt, slack, row):
            result.told.append(row.key.label)
    return result


def _drop(rt: Runtime, key: ClaimKey) -> None:
    """Nothing is left to say under `key`: done without posting."""
    send_once(rt, key, lambda _tag: None)


def _announce(rt: Runtime, slack: Slack, key: ClaimKey) -> None:
    with rt.transaction() as session:
        channel = channel_store.by_pk(session, int(key.subject))
    if not channel.watched or channel.is_archived:
        _drop(rt, key)
        return
    channels.announce(rt, slack, channel)


def _complete_thread(rt: Runtime, slack: Slack, postmortem_id: int) -> None:
    with rt.transaction() as session:
        record = postmortem_store.by_id(session, postmortem_id)
        channel = None if record is None else channel_store.by_pk(session, record.channel_pk)
    if record is None or channel is None:
        for kind in postmortem_thread.KINDS:
            _drop(rt, ClaimKey(kind, str(postmortem_id)))
        return
    postmortem_thread.ensure_thread(rt, slack, postmortems.load(rt, channel))


# ---- who hears ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _About:
    channel: ChannelRef | None  # the incident channel the post is about, if any
    lead: str | None  # who leads (or started) that channel's postmortem
    dm_to: str | None  # the person a failing direct message was for
    in_postmortem_channel: bool  # the failing post was going to POSTMORTEM_CHANNEL


def _about(rt: Runtime, key: ClaimKey) -> _About:
    kind, subject = key.kind, key.subject
    with rt.transaction() as session:
        channel: ChannelRef | None = None
        dm_to: str | None = None
        if kind in ABOUT_A_POSTMORTEM:
            record = postmortem_store.by_id(session, int(subject))
            channel = None if record is None else channel_store.by_pk(session, record.channel_pk)
        elif kind in ABOUT_A_CHANNEL:
            channel = channel_store.by_pk(session, int(subject))
        elif kind is ClaimKind.REMINDER_CHANNEL_DM:
            pk, _, dm_to = subject.partition(":")
            channel = channel_store.by_pk(session, int(pk))
        elif kind is ClaimKind.REMINDER_OWNER:
            dm_to = subject
        record = None if channel is None else postmortem_store.for_channel(session, channel.pk)
    lead = None if record is None else (record.lead_user_id or record.started_by)
    rerouted = kind is ClaimKind.REMINDER_CHANNEL and channel is not None and channel.is_archived
    in_pmc = kind in (ClaimKind.POSTMORTEM_LINK, ClaimKind.ESCALATION_COPY) or rerouted
    return _About(channel, lead, dm_to, in_pmc)


def _tell(rt: Runtime, slack: Slack, row: ClaimRow) -> bool:
    """Tell, once, that the post of `row` keeps failing; True when it was told (or logged) now."""
    about = _about(rt, row.key)
    reason = row.last_error or "unknown"
    key = ClaimKey(ClaimKind.REPORT, str(row.id))
    what = WHAT.get(row.key.kind, row.key.kind.value)
    channel = about.channel
    pmc = rt.settings.postmortem_channel
    target: Target | None = None
    where = None if channel is None else channel.name
    if about.lead is not None and about.lead != about.dm_to:
        target = Target(user=about.lead)
    elif pmc and not about.in_postmortem_channel:
        target = Target(channel=pmc)
        if channel is not None and channel.is_private:
            where = None  # its name stays where its members are
    if target is None:

        def log(_tag: object) -> None:
            logger.error(
                "%s (%s) has failed %d times (last: %s) and there is nobody to tell; still retrying",
                what,
                row.key.label,
                row.attempts,
                reason,
            )

        return send_once(rt, key, log)
    notice = PostFailing(what, where, about.dm_to, reason, row.attempts)
    try:
        return post_once(rt, slack, key, target, notice)
    except SlackFailed as error:
        logger.warning("could not tell anyone that %s keeps failing: %s", row.key.label, error.reason)
        return False
