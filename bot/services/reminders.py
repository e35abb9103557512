"""The weekly reminder sweep: decide every reminder, claim each, post it, mark it sent.

Exactly once: every message goes through services/once.send_once, keyed (kind, target, ISO week
of the scheduled run). Two processes on one database agree on one claimant, a sweep run again (or
after a restart across the reminder time) finds the week's keys done and posts nothing, and only
the most recent run's week is ever considered, so a process that was down for weeks posts one
reminder, not a burst. A Slack error releases the claim so a later sweep retries it, with backoff;
a process that dies mid-post holds its claim for its lease, after which another sweep may retry.
A reminder whose answer was lost is found again in Slack (it carries its claim) and not reposted.

Where: a channel with anything open gets one message. An archived channel's goes to
POSTMORTEM_CHANNEL, or, without one (and always for a private channel), to each of its owners by
direct message. Each owner with
overdue items gets one direct message listing all of them (conversations.open, then
chat.postMessage). Slack's `is_archived` answer marks the channel archived and reroutes at once,
once: a reroute that is refused too is retried by a later sweep, never rerouted again in the same
one, so one bad channel never stops the sweep.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain import reminders as rd
from bot.outbound.slack import Slack, SlackFailed
from bot.outbound.slack.notices import Reminder
from bot.runtime import Runtime
from bot.services.once import ClaimKey, ClaimKind, Target, post_once
from bot.store import action_items as store
from bot.store import channels as channel_store
from bot.store import claims

logger = logging.getLogger(__name__)

CHANNEL = (
    ClaimKind.REMINDER_CHANNEL
)  # subject: channels.id; in the channel (or POSTMORTEM_CHANNEL when archived)
CHANNEL_DM = ClaimKind.REMINDER_CHANNEL_DM  # subject: "<channels.id>:<owner>"; an archived channel's, by DM
OWNER = ClaimKind.REMINDER_OWNER  # subject: the owner's user id; their overdue items, by DM
KINDS = (CHANNEL, CHANNEL_DM, OWNER)
ARCHIVED = "is_archived"


@dataclass(frozen=True)
class Outgoing:
    """One message the sweep posts (or would post)."""

    kind: ClaimKind
    target: str
    destination: str  # a channel id or #name, or a user id when `dm`
    dm: bool
    text: str
    about: str  # for people: "#inc-db", "#inc-db (archived) → #postmortems", "DM @U123"
    seen_item_ids: tuple[int, ...] = ()  # items counted as having been in one more reminder
    channel_pk: int | None = None


@dataclass
class SweepResult:
    week: str
    dry_run: bool
    posted: list[Outgoing] = field(default_factory=list)
    failed: list[tuple[Outgoing, str]] = field(default_factory=list)
    already_sent: int = 0


@dataclass(frozen=True)
class _ChannelInfo:
    pk: int
    name: str
    archived: bool
    private: bool


def plan(rt: Runtime, now: datetime) -> tuple[str, list[Outgoing]]:
    """This week's key and every reminder due, decided from one read of the items."""
    tz, schedule = rt.settings.default_timezone, rt.settings.reminder_schedule
    week = rd.week_key(now, tz, schedule)
    today = now.astimezone(tz).date()
    with rt.transaction() as session:
        rows = store.for_reminders(session)
    channels = {
        r.channel_id: _ChannelInfo(r.channel_pk, r.channel_name, r.channel_archived, r.channel_private)
        for r in rows
    }
    items = [r.item for r in rows]
    outgoing: list[Outgoing] = []
    for channel_id, reminder in rd.plan_channel_reminders(items, today).items():
        outgoing += _route(rt, channels[channel_id], channel_id, reminder)
    for owner, overdue in rd.plan_owner_digests(items, today).items():
        outgoing.append(
            Outgoing(OWNER, owner, owner, True, rd.render_owner_digest(overdue, today), f"DM <@{owner}>")
        )
    return week, outgoing


def _route(rt: Runtime, info: _ChannelInfo, channel_id: str, reminder: rd.ChannelReminder) -> list[Outgoing]:
    text = rd.render_channel_reminder(reminder)
    ids = tuple(i.id for i in reminder.items)
    if not info.archived:
        return [Outgoing(CHANNEL, str(info.pk), channel_id, False, text, f"#{info.name}", ids, info.pk)]
    note = rd.render_archived_note(info.name, text)
    # A private channel's items never go to POSTMORTEM_CHANNEL: their owners get them by DM.
    if rt.settings.postmortem_channel and not info.private:
        where = rt.settings.postmortem_channel
        about = f"#{info.name} (archived) → {where}"
        return [Outgoing(CHANNEL, str(info.pk), where, False, note, about, ids, info.pk)]
    owners = sorted({i.owner_id for i in reminder.items})
    return [
        Outgoing(
            CHANNEL_DM,
            f"{info.pk}:{owner}",
            owner,
            True,
            note,
            f"#{info.name} (archived) → DM <@{owner}>",
            tuple(i.id for i in reminder.items if i.owner_id == owner),
            info.pk,
        )
        for owner in owners
    ]


def sweep(
    rt: Runtime, slack: Slack | None, *, dry_run: bool = False, only_pending: bool = False
) -> SweepResult:
    """Post every reminder of the most recent scheduled run that is not yet sent.

    dry_run: decide and return what would be posted; store nothing, call Slack never.
    only_pending: only the reminders already claimed this week and not sent (the retry job).
    """
    now = rt.clock()
    week, outgoing = plan(rt, now)
    with rt.transaction() as session:
        sent = claims.subjects(session, KINDS, week, done=True)
        pending = claims.subjects(session, KINDS, week, done=False) if only_pending else set()
    result = SweepResult(week=week, dry_run=dry_run)
    todo = [o for o in outgoing if (o.kind, o.target) not in sent]
    result.already_sent = len(outgoing) - len(todo)
    if only_pending:
        todo = [o for o in todo if (o.kind, o.target) in pending]
    if dry_run:
        result.posted = todo
        return result
    assert slack is not None, "a sweep that posts needs Slack"
    for message in todo:
        _deliver(rt, slack, week, message, result)
    return result


def _deliver(
    rt: Runtime, slack: Slack, week: str, message: Outgoing, result: SweepResult, *, rerouted: bool = False
) -> None:
    key = ClaimKey(message.kind, message.target, week)
    target = Target(user=message.destination) if message.dm else Target(channel=message.destination)
    try:
        # A rerouted reminder goes somewhere new: the backoff its old destination earned does not apply.
        sent = post_once(rt, slack, key, target, Reminder(message.text), retry_now=rerouted)
    except SlackFailed as error:
        if (
            error.reason == ARCHIVED
            and message.kind is CHANNEL
            and message.channel_pk is not None
            and message.destination != rt.settings.postmortem_channel  # not rerouted already
            and not rerouted
        ):
            _reroute_archived(rt, slack, week, message, result)
            return
        logger.warning(
            "reminder %s %s for %s not sent (%s); retried later",
            message.kind,
            message.target,
            week,
            error.reason,
        )
        result.failed.append((message, error.reason))
        return
    if not sent:
        return  # another process has it, or sent it
    with rt.transaction() as session:
        store.count_seen(session, message.seen_item_ids)
    result.posted.append(message)


def _reroute_archived(rt: Runtime, slack: Slack, week: str, message: Outgoing, result: SweepResult) -> None:
    """Slack says the channel is archived though we had not heard: remember it, and send it elsewhere
    (once: a reroute that is refused too is not rerouted again)."""
    assert message.channel_pk is not None
    with rt.transaction() as session:
        channel_store.mark_archived(session, message.channel_pk, rt.clock())
    _, outgoing = plan(rt, rt.clock())
    for rerouted in outgoing:
        if rerouted.channel_pk == message.channel_pk:
            _deliver(rt, slack, week, rerouted, result, rerouted=True)


def describe(result: SweepResult) -> list[str]:
    """What the CLI prints: one block per message, then a summary line."""
    verb = "would post" if result.dry_run else "posted"
    lines: list[str] = []
    for message in result.posted:
        lines += [f"--- {verb}: {message.about}", message.text, ""]
    for message, reason in result.failed:
        lines.append(f"--- failed ({reason}), retried later: {message.about}")
    lines.append(
        f"Week {result.week}: {verb} {len(result.posted)}, failed {len(result.failed)}, "
        f"already sent {result.already_sent}."
    )
    return lines
