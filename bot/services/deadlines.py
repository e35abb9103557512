"""The 48-hour rule, run by the scheduler every few minutes.

When resolution is marked the clock starts. After POSTMORTEM_OPEN_AFTER with no postmortem, the
bot opens the thread itself (severities that require one, or severity unknown) or asks once
whether one is wanted (the others). At 48 hours, a postmortem still missing its summary, impact
or root cause gets one escalation, naming the lead, in the channel and (a copy) in
POSTMORTEM_CHANNEL.

Nothing is kept in the scheduler: every deadline is computed from the record, and every post goes
through a claim (services/once.py), so a sweep run late (after downtime), twice, or by two replicas
posts each thing once; a post that failed (the question, the auto-open note, the escalation or its
copy) is tried again by a later sweep, after its backoff, since its channel stays on the list until
it is done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import postmortem as pmd
from bot.domain import postmortem_status as pms
from bot.domain.channels import ChannelRef
from bot.domain.timeline import Mark, Timeline, declared_severity
from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.notices import AskWanted, AutoOpened, Escalation, Notice, PrivateEscalation
from bot.runtime import Runtime
from bot.services import postmortems
from bot.services.once import ClaimKey, ClaimKind, Target, is_done, post_once, send_once
from bot.services.timelines import channel_timeline
from bot.store import channels as channel_store
from bot.store import messages as message_store
from bot.store import postmortems as store

logger = logging.getLogger(__name__)

DEADLINE = timedelta(hours=48)


@dataclass(frozen=True)
class SweepResult:
    opened: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    escalated: tuple[str, ...] = ()


def _channels_with_work(rt: Runtime) -> list[ChannelRef]:
    emojis = [e for e, mark in rt.settings.emoji_marks.items() if mark is Mark.RESOLUTION]
    with rt.transaction() as session:
        pks = store.awaiting_the_48_hour_rule(
            session, emojis, copy_escalations=bool(rt.settings.postmortem_channel)
        )
        return [channel_store.by_pk(session, pk) for pk in pks]


def sweep(rt: Runtime, slack: Slack) -> SweepResult:
    now = rt.clock()
    done: dict[str, list[str]] = {"opened": [], "asked": [], "escalated": []}
    for channel in _channels_with_work(rt):
        try:
            did = _sweep_channel(rt, slack, channel, now)
        except SlackFailed as error:
            # Whatever failed released its claim: the next sweep tries again.
            logger.warning("deadline sweep of #%s failed: %s", channel.name, error.reason)
            continue
        if did:
            done[did].append(channel.name)
    return SweepResult(tuple(done["opened"]), tuple(done["asked"]), tuple(done["escalated"]))


def _sweep_channel(rt: Runtime, slack: Slack, channel: ChannelRef, now: datetime) -> str | None:
    timeline = channel_timeline(rt, channel, include_all=True)
    resolved_at = timeline.phases.get(Mark.RESOLUTION)
    if resolved_at is None:
        return None
    if _before_the_bot_knew(rt, channel, resolved_at):
        return None
    window = pms.window(resolved_at, now, open_after=rt.settings.postmortem_open_after, deadline=DEADLINE)
    with rt.transaction() as session:
        existing = store.for_channel(session, channel.pk)
        messages = None if existing else message_store.captured_messages(session, channel.pk)
    if existing is None:
        if not window.auto_open_passed:
            return None
        declared = declared_severity(messages or [])
        severity = pmd.Severity(declared) if declared else None
        if severity is None or severity.value in rt.settings.required_severities:
            return "opened" if _open(rt, slack, channel, severity, window) else None
        return "asked" if _ask_wanted(rt, slack, channel, severity) else None
    if existing.started_by is None and existing.thread_ts is not None:
        _note_auto_open(rt, slack, channel, existing.thread_ts, window)  # again, until it is said
    if window.deadline_passed and existing.status is not pmd.Status.COMPLETE:
        return "escalated" if _escalate(rt, slack, channel, timeline) else None
    return None


def _before_the_bot_knew(rt: Runtime, channel: ChannelRef, resolved_at: datetime) -> bool:
    """An incident resolved more than 48 hours before the bot first knew its channel (imported from an
    export, or a channel it was invited into long after) is history: the 48-hour rule does not apply
    to it, now or later. Remembered as a done claim, so the sweep stops rebuilding its timeline."""
    with rt.transaction() as session:
        first_seen = channel_store.first_seen(session, channel.pk)
    if first_seen - resolved_at <= DEADLINE:
        return False
    send_once(rt, ClaimKey(ClaimKind.RULE_NOT_APPLICABLE, str(channel.pk)), lambda _tag: None)
    return True


def _open(
    rt: Runtime, slack: Slack, channel: ChannelRef, severity: pmd.Severity | None, window: pms.WindowState
) -> bool:
    """Open the postmortem (one per channel: the record decides who created it) and its thread, then
    say, once, why the bot opened it. A note that fails is said by a later sweep."""
    opened = postmortems.open_postmortem(rt, slack, channel, user_id=None, title="", severity=severity)
    if opened.created and opened.loaded.thread_ts is not None:
        _note_auto_open(rt, slack, channel, opened.loaded.thread_ts, window)
    return opened.created


def _note_auto_open(
    rt: Runtime, slack: Slack, channel: ChannelRef, thread_ts: str, window: pms.WindowState
) -> None:
    resolved_at = window.resolved_at
    hours = int((rt.clock() - resolved_at).total_seconds() // 3600) if resolved_at else 0
    try:
        post_once(
            rt,
            slack,
            ClaimKey(ClaimKind.AUTO_OPEN, str(channel.pk)),
            Target(channel=channel.channel_id, thread_ts=thread_ts),
            AutoOpened(hours),
        )
    except SlackFailed as error:
        logger.warning("could not say in #%s why the postmortem was opened: %s", channel.name, error.reason)


def _ask_wanted(rt: Runtime, slack: Slack, channel: ChannelRef, severity: pmd.Severity) -> bool:
    return post_once(
        rt,
        slack,
        ClaimKey(ClaimKind.ASK_WANTED, str(channel.pk)),
        Target(channel=channel.channel_id),
        AskWanted(severity.value),
    )


def _escalate(rt: Runtime, slack: Slack, channel: ChannelRef, everything: Timeline) -> bool:
    """The escalation in the thread (broadcast to the channel), then its copy in POSTMORTEM_CHANNEL;
    each claimed on its own, so a failed copy is retried without repeating the escalation."""
    loaded = postmortems.load(rt, channel, everything=everything)
    missing = pms.missing_for_completion(loaded.postmortem)
    if not missing:
        return False
    resolved_at = everything.phases.get(Mark.RESOLUTION)
    hours = int((rt.clock() - resolved_at).total_seconds() // 3600) if resolved_at else 48
    notice = Escalation(loaded.postmortem, missing, loaded.lead_user_id, channel.name, hours)
    # A private channel's name, title and lead stay in it: the copy only says one is late.
    copy: Notice = PrivateEscalation() if channel.is_private else notice
    subject = str(loaded.row_id)
    escalated = post_once(
        rt,
        slack,
        ClaimKey(ClaimKind.ESCALATION, subject),
        Target(channel=channel.channel_id, thread_ts=loaded.thread_ts, broadcast=True),
        notice,
    )
    where = rt.settings.postmortem_channel
    if where and (escalated or is_done(rt, ClaimKey(ClaimKind.ESCALATION, subject))):
        try:
            post_once(rt, slack, ClaimKey(ClaimKind.ESCALATION_COPY, subject), Target(channel=where), copy)
        except SlackFailed as error:
            logger.warning("escalation not yet repeated in POSTMORTEM_CHANNEL: %s", error.reason)
    return escalated
