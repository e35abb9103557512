"""The 48-hour rule, run by the scheduler every few minutes.

When resolution is marked the clock starts. After POSTMORTEM_OPEN_AFTER with no postmortem, the
bot opens the thread itself (severities that require one, or severity unknown) or asks once
whether one is wanted (the others). At 48 hours, a postmortem still missing its summary, impact
or root cause gets one escalation, naming the lead, in the channel and in POSTMORTEM_CHANNEL.

Nothing is kept in the scheduler: every deadline is computed from the record, and every post is
claimed in the database first, so a sweep run late (after downtime), twice, or by two replicas
posts each thing once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import or_, select

from bot.domain import postmortem as pmd
from bot.domain.timeline import CapturedMessage, Mark, Timeline
from bot.outbound.slack.render import postmortem as blocks_postmortem
from bot.runtime import Runtime
from bot.services import postmortems
from bot.services.channels import ChannelRef
from bot.services.timelines import channel_timeline
from bot.store import messages as message_store
from bot.store import postmortems as store
from bot.store.models import Channel, ChannelNotice, Message, Postmortem, Reaction

logger = logging.getLogger(__name__)

DEADLINE = timedelta(hours=48)
AUTO_OPEN = "auto_open"
ASK_WANTED = "ask_wanted"
_DECLARED = re.compile(r"\bsev[\s-]?([1-4])\b", re.IGNORECASE)


@dataclass(frozen=True)
class SweepResult:
    opened: tuple[str, ...] = ()
    asked: tuple[str, ...] = ()
    escalated: tuple[str, ...] = ()


def declared_severity(messages: Iterable[CapturedMessage]) -> str | None:
    """The severity the channel declared last ("Declaring SEV2", "downgrading to sev-3")."""
    latest: tuple[str, str] | None = None
    for message in messages:
        if message.deleted:
            continue
        found = _DECLARED.findall(message.text)
        if found and (latest is None or float(message.ts) > float(latest[0])):
            latest = (message.ts, f"SEV{found[-1]}")
    return latest[1] if latest else None


def _resolved_channels(rt: Runtime) -> list[ChannelRef]:
    """Watched channels where someone reacted with a resolution emoji and the rule still has work:
    no postmortem and no notice yet, or a postmortem neither complete nor escalated. Finished ones
    drop out here, so the sweep does not rebuild every old incident's timeline every few minutes."""
    emojis = [e for e, mark in rt.settings.emoji_marks.items() if mark is Mark.RESOLUTION]
    if not emojis:
        return []
    named = or_(*(or_(Reaction.name == e, Reaction.name.like(f"{e}::%")) for e in emojis))
    resolved = select(Message.channel_pk).join(Reaction).where(named)
    postmortem = select(Postmortem.id).where(Postmortem.channel_pk == Channel.id)
    done = postmortem.where(
        or_(Postmortem.status == pmd.Status.COMPLETE.value, Postmortem.escalated_at.is_not(None))
    )
    noticed = select(ChannelNotice.id).where(
        ChannelNotice.channel_pk == Channel.id, ChannelNotice.kind.in_((AUTO_OPEN, ASK_WANTED))
    )
    with rt.transaction() as session:
        rows = session.scalars(
            select(Channel)
            .where(
                Channel.watched,
                Channel.id.in_(resolved),
                ~done.exists(),
                or_(postmortem.exists(), ~noticed.exists()),
            )
            .order_by(Channel.id)
        )
        return [ChannelRef.of(row) for row in rows]


def sweep(rt: Runtime, client: WebClient) -> SweepResult:
    now = rt.clock()
    opened: list[str] = []
    asked: list[str] = []
    escalated: list[str] = []
    for channel in _resolved_channels(rt):
        try:
            did = _sweep_channel(rt, client, channel, now)
        except SlackApiError as error:
            # Whatever failed released its claim: the next sweep tries again.
            logger.warning("deadline sweep of #%s failed: %s", channel.name, error.response.get("error"))
            continue
        {"opened": opened, "asked": asked, "escalated": escalated}.get(did or "", []).append(channel.name)
    return SweepResult(tuple(opened), tuple(asked), tuple(escalated))


def _sweep_channel(rt: Runtime, client: WebClient, channel: ChannelRef, now: datetime) -> str | None:
    timeline = channel_timeline(rt, channel, include_all=True)
    resolved_at = timeline.phases.get(Mark.RESOLUTION)
    if resolved_at is None:
        return None
    window = pmd.window(resolved_at, now, open_after=rt.settings.postmortem_open_after, deadline=DEADLINE)
    with rt.transaction() as session:
        existing = store.for_channel(session, channel.pk)
        severity = (
            existing.severity
            if existing
            else declared_severity(message_store.captured_messages(session, channel.pk))
        )
    if existing is None:
        if not window.auto_open_passed:
            return None
        if severity is None or severity in rt.settings.required_severities:
            return "opened" if _open(rt, client, channel, severity, window) else None
        return "asked" if _ask_wanted(rt, client, channel, severity) else None
    if window.deadline_passed and existing.status != pmd.Status.COMPLETE.value:
        return "escalated" if _escalate(rt, client, channel, timeline) else None
    return None


@contextmanager
def _notice_once(rt: Runtime, channel: ChannelRef, kind: str) -> Iterator[bool]:
    """Claim the notice; yield whether this caller won. A failed send releases it for a retry."""
    with rt.transaction() as session:
        won = store.claim_notice(session, channel.pk, kind, rt.clock())
    try:
        yield won
    except SlackApiError:
        if won:
            with rt.transaction() as session:
                store.release_notice(session, channel.pk, kind)
        raise
    if won:
        with rt.transaction() as session:
            store.mark_notice_sent(session, channel.pk, kind, rt.clock())


def _open(
    rt: Runtime, client: WebClient, channel: ChannelRef, severity: str | None, window: pmd.WindowState
) -> bool:
    with _notice_once(rt, channel, AUTO_OPEN) as won:
        if not won:
            return False
        loaded, created = postmortems.open_postmortem(
            rt, client, channel, user_id=None, title="", severity=severity
        )
        if created:
            hours = (
                int((rt.clock() - window.resolved_at).total_seconds() // 3600) if window.resolved_at else 0
            )
            client.chat_postMessage(
                channel=channel.channel_id,
                thread_ts=loaded.thread_ts,
                text=blocks_postmortem.auto_opened_text(hours),
            )
        return created


def _ask_wanted(rt: Runtime, client: WebClient, channel: ChannelRef, severity: str) -> bool:
    with _notice_once(rt, channel, ASK_WANTED) as won:
        if won:
            client.chat_postMessage(
                channel=channel.channel_id,
                text=f"This {severity} incident is resolved. Is a postmortem wanted?",
                blocks=blocks_postmortem.ask_wanted(severity),
            )
        return won


def _escalate(rt: Runtime, client: WebClient, channel: ChannelRef, everything: Timeline) -> bool:
    loaded = postmortems.load(rt, channel, everything=everything)
    missing = pmd.missing_for_completion(loaded.postmortem)
    if not missing:
        return False
    with rt.transaction() as session:
        if not store.claim_escalation(session, loaded.row_id, rt.clock()):
            return False
    text = blocks_postmortem.escalation_text(loaded.postmortem, missing, loaded.lead_user_id, channel.name)
    try:
        client.chat_postMessage(
            channel=channel.channel_id, thread_ts=loaded.thread_ts, reply_broadcast=True, text=text
        )
    except SlackApiError:
        with rt.transaction() as session:
            store.release_escalation(session, loaded.row_id)
        raise
    if rt.settings.postmortem_channel:
        try:
            client.chat_postMessage(channel=rt.settings.postmortem_channel, text=text)
        except SlackApiError as error:
            logger.warning("escalation not repeated in POSTMORTEM_CHANNEL: %s", error.response.get("error"))
    return True
