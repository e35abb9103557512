"""The postmortem: start it, fill it in, move its status, and what it says about itself.

The thread in Slack (parent message, replies, refresh) is in postmortem_thread.py; exports in
exports.py. Every change is checked before anything is stored: bad input raises UserError and
leaves the record as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.domain import action_items as ai
from bot.domain import permissions
from bot.domain import postmortem as pmd
from bot.domain import postmortem_status as pms
from bot.domain.blameless import Review, review
from bot.domain.channels import ChannelRef
from bot.domain.errors import UserError
from bot.domain.slack_ids import USER_ID
from bot.domain.timeline import Mark, Timeline, UserInfo
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.services import action_items, postmortem_thread
from bot.services.postmortem_thread import Failure, Loaded
from bot.services.timelines import channel_timeline
from bot.store import postmortems as store
from bot.store import users as user_store
from bot.store.postmortems import EntryRecord, PostmortemRecord

_MENTION = re.compile(rf"^<@({USER_ID})(?:\|[^>]*)?>$")  # an id Slack could give
# Sections whose wording is checked for blame (names are fine in a timeline; blame is in wording).
CHECKED = {
    pmd.Section.SUMMARY,
    pmd.Section.ROOT_CAUSE,
    pmd.Section.CONTRIBUTING_FACTORS,
    pmd.Section.WENT_POORLY,
}
TEXT_FIELDS = {
    pmd.Section.SUMMARY: "summary",
    pmd.Section.IMPACT: "impact",
    pmd.Section.ROOT_CAUSE: "root_cause",
}
NO_POSTMORTEM = "There is no postmortem for this channel yet. `/postmortem start [title]` opens one."


@dataclass(frozen=True)
class Saved:
    section: pmd.Section
    review: Review | None


@dataclass(frozen=True)
class Opened:
    """What starting a postmortem did: the postmortem, whether this call created it, and what of its
    thread could not be posted yet (retried later; the person who asked is told)."""

    loaded: Loaded
    created: bool
    failed: tuple[Failure, ...] = ()


@dataclass(frozen=True)
class StatusReport:
    """What `/postmortem status` shows: the postmortem, its phase warnings, the 48-hour window and
    the open action items."""

    loaded: Loaded
    warnings: Sequence[str]
    window: pms.WindowState
    open_items: Sequence[ai.Item]
    today: date


def default_title(channel: ChannelRef, timeline: Timeline) -> str:
    start = timeline.phases.get(Mark.IMPACT_START) or timeline.phases.get(Mark.DETECTION)
    when = f", {start:%B} {start.day}, {start.year}" if start else ""
    return f"Incident in #{channel.name}{when}"


def _to_domain(
    record: PostmortemRecord,
    entries: Sequence[EntryRecord],
    users: Mapping[str, UserInfo],
    channel: ChannelRef,
    everything: Timeline,
) -> pmd.Postmortem:
    """`everything`: the include_all timeline, so participants are everyone who posted."""
    lead = record.lead_user_id
    lead_name = users[lead].display_name if lead is not None and lead in users else lead

    def texts(section: pmd.Section) -> tuple[str, ...]:
        return tuple(e.text for e in entries if e.section is section)

    factors = tuple(
        pmd.Factor(e.category or pmd.FactorCategory.OTHER, e.text)
        for e in entries
        if e.section is pmd.Section.CONTRIBUTING_FACTORS
    )
    return pmd.Postmortem(
        channel=channel.name,
        title=record.title,
        status=record.status,
        severity=record.severity,
        lead=lead_name,
        summary=record.summary,
        impact=record.impact,
        root_cause=record.root_cause,
        went_well=texts(pmd.Section.WENT_WELL),
        went_poorly=texts(pmd.Section.WENT_POORLY),
        lessons=texts(pmd.Section.LESSONS),
        factors=factors,
        created_at=record.created_at,
        resolved_at=everything.phases.get(Mark.RESOLUTION),
        # People who posted, and the apps whose posts someone marked; not every unmarked alert.
        participants=tuple(sorted({e.user for e in everything.entries if e.marks or not e.from_app})),
        root_cause_flagged=record.root_cause_flagged,
    )


def load(
    rt: Runtime, channel: ChannelRef, *, slack: Slack | None = None, everything: Timeline | None = None
) -> Loaded:
    """The channel's postmortem; UserError when it has none. With `slack`, the record is refreshed
    from Slack first. `everything`: the channel's include_all timeline, when the caller has it."""
    if everything is None:
        everything = channel_timeline(rt, channel, slack=slack, include_all=True)
    with rt.transaction() as session:
        record = store.for_channel(session, channel.pk)
        if record is None:
            raise UserError(NO_POSTMORTEM)
        entries = store.entries(session, record.id)
        users = user_store.known(session, channel.team_id)
    domain = _to_domain(record, entries, users, channel, everything)
    curated = Timeline(  # the document's timeline: marked entries only
        channel=everything.channel,
        phases=everything.phases,
        entries=tuple(e for e in everything.entries if e.marks),
    )
    return Loaded(channel, record.id, domain, curated, record.thread_ts, record.lead_user_id)


def open_postmortem(
    rt: Runtime,
    slack: Slack,
    channel: ChannelRef,
    *,
    user_id: str | None,
    title: str,
    severity: pmd.Severity | None = None,
) -> Opened:
    """Create the postmortem (one per channel) and post whatever of its thread is missing.

    `user_id` None: the bot opened it itself, and it has no lead until someone says who. A person
    asking tries now what is waiting for its backoff.
    """
    everything = channel_timeline(rt, channel, slack=slack, include_all=True)
    with rt.transaction() as session:
        _, created = store.create(
            session,
            channel_pk=channel.pk,
            title=title.strip()[:200] or default_title(channel, everything),
            lead_user_id=user_id,
            started_by=user_id,
            severity=severity,
            now=rt.clock(),
        )
    loaded, failed = postmortem_thread.ensure_thread(
        rt, slack, load(rt, channel, everything=everything), retry_now=user_id is not None
    )
    return Opened(loaded, created, failed)


def set_section(
    rt: Runtime, slack: Slack, channel: ChannelRef, *, user_id: str, section_name: str, text: str
) -> Saved:
    """`/postmortem set <section> <text>` and the Edit modal. Bad input stores nothing."""
    section = pmd.parse_section(section_name)
    text = text.strip()
    if not text:
        raise UserError(
            f"What should {pmd.SECTION_TITLES[section].lower()} say? `/postmortem set {section.value} <text>`"
        )
    severity = pmd.parse_severity(text) if section is pmd.Section.SEVERITY else None
    factor = pmd.parse_factor(text) if section is pmd.Section.CONTRIBUTING_FACTORS else None
    with rt.transaction() as session:
        names = _known_names(user_store.known(session, channel.team_id))
    found = review(factor[1] if factor else text, known_names=names) if section in CHECKED else None
    now = rt.clock()
    with rt.transaction() as session:
        record = store.for_channel(session, channel.pk)
        if record is None:
            raise UserError(NO_POSTMORTEM)
        if severity is not None:
            store.update_fields(session, record.id, now, severity=severity)
        elif section in TEXT_FIELDS:
            store.update_fields(session, record.id, now, **{TEXT_FIELDS[section]: text})
            if section is pmd.Section.ROOT_CAUSE:
                store.update_fields(
                    session, record.id, now, root_cause_flagged=bool(found and found.names_a_person)
                )
        elif factor is not None:
            store.add_entry(
                session,
                record.id,
                section=section,
                category=factor[0],
                text=factor[1],
                author_user_id=user_id,
                now=now,
            )
        else:
            store.add_entry(session, record.id, section=section, text=text, author_user_id=user_id, now=now)
    postmortem_thread.refresh_parent(slack, load(rt, channel))
    return Saved(section, found if found and found.flagged else None)


def _known_names(users: Mapping[str, UserInfo]) -> list[str]:
    names: set[str] = set()
    for info in users.values():
        words = info.display_name.split()
        if words:  # a name stored blank (older records) names nobody
            names.update((" ".join(words), words[0]))
    return sorted(n for n in names if len(n) >= 3)


def _enforce(slack: Slack, user_id: str, permission: permissions.Permission) -> None:
    """Refuse (UserError) unless allowed; Slack is asked whether `user_id` is a workspace admin
    only when that could still allow it."""
    permission.enforce(is_admin=permission.needs_admin and slack.read.user(user_id).is_admin)


def _record(rt: Runtime, channel: ChannelRef) -> PostmortemRecord:
    with rt.transaction() as session:
        record = store.for_channel(session, channel.pk)
    if record is None:
        raise UserError(NO_POSTMORTEM)
    return record


def set_lead(rt: Runtime, slack: Slack, channel: ChannelRef, *, user_id: str, mention: str) -> str:
    """`/postmortem lead @someone` by `user_id`: the user id of the new lead."""
    match = _MENTION.match(mention.strip())
    if not match:
        raise UserError("Who should lead it? `/postmortem lead @someone` (exactly one person).")
    record = _record(rt, channel)
    _enforce(
        slack,
        user_id,
        permissions.lead_handover(user_id, lead_id=record.lead_user_id, started_by=record.started_by),
    )
    with rt.transaction() as session:
        store.update_fields(session, record.id, rt.clock(), lead_user_id=match.group(1))
    postmortem_thread.refresh_parent(slack, load(rt, channel, slack=slack))
    return match.group(1)


def move_status(rt: Runtime, slack: Slack, channel: ChannelRef, *, user_id: str, to: pmd.Status) -> Loaded:
    """Move the status (`user_id` asks). Completing with items still open lands on Action items in
    progress."""
    record = _record(rt, channel)
    _enforce(
        slack,
        user_id,
        permissions.status_move(user_id, lead_id=record.lead_user_id, started_by=record.started_by),
    )
    loaded = load(rt, channel)
    with rt.transaction() as session:
        open_items, urgent = store.action_item_stats(session, channel.pk)
    if to is pmd.Status.COMPLETE and open_items and loaded.postmortem.status is pmd.Status.IN_REVIEW:
        to = pmd.Status.ACTION_ITEMS
    pms.check_transition(loaded.postmortem, to, severity_requires_p0_p1=True, has_p0_or_p1=urgent)
    now = rt.clock()
    with rt.transaction() as session:
        store.update_fields(
            session, loaded.row_id, now, status=to, completed_at=now if to is pmd.Status.COMPLETE else None
        )
    loaded = load(rt, channel)
    postmortem_thread.refresh_parent(slack, loaded)
    return loaded


def status_report(rt: Runtime, slack: Slack, channel: ChannelRef, *, now: datetime) -> StatusReport:
    loaded = load(rt, channel, slack=slack)
    window = pms.window(loaded.postmortem.resolved_at, now, open_after=rt.settings.postmortem_open_after)
    found = action_items.listing(rt, channel)
    still_open = tuple(i for i in found.items if i.status in ai.OPEN_STATUSES)
    return StatusReport(loaded, pms.phase_warnings(loaded.timeline), window, still_open, found.today)
