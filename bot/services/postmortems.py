"""The postmortem: start it, fill it in, move its status, keep its thread current, export it."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.orm import Session

from bot.domain import postmortem as pmd
from bot.domain import postmortem_document as document_md
from bot.domain.blameless import Review, review
from bot.domain.errors import UserError
from bot.domain.timeline import Mark, Timeline
from bot.outbound.slack.render import action_items as blocks_actions
from bot.outbound.slack.render import postmortem as blocks_postmortem
from bot.outbound.slack.render import timeline as blocks
from bot.runtime import Runtime
from bot.services.channels import ChannelRef, require_watched
from bot.services.timelines import channel_timeline
from bot.store import messages as message_store
from bot.store import postmortems as store
from bot.store.models import Channel, Postmortem

logger = logging.getLogger(__name__)

_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
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


@dataclass(frozen=True)
class Loaded:
    """A postmortem as the domain sees it, with what rendering it needs."""

    channel: ChannelRef
    row_id: int
    postmortem: pmd.Postmortem
    timeline: Timeline
    thread_ts: str | None
    lead_user_id: str | None


@dataclass(frozen=True)
class Saved:
    section: pmd.Section
    review: Review | None


def default_title(channel: ChannelRef, timeline: Timeline) -> str:
    start = timeline.phases.get(Mark.IMPACT_START) or timeline.phases.get(Mark.DETECTION)
    when = f", {start:%B} {start.day}, {start.year}" if start else ""
    return f"Incident in #{channel.name}{when}"


def _to_domain(
    session: Session, row: Postmortem, channel: ChannelRef, everything: Timeline
) -> pmd.Postmortem:
    """`everything`: the include_all timeline, so participants are everyone who posted."""
    users = message_store.known_users(session, channel.team_id)
    lead = users[row.lead_user_id].display_name if row.lead_user_id in users else row.lead_user_id
    entries = store.entries(session, row.id)

    def texts(section: pmd.Section) -> tuple[str, ...]:
        return tuple(e.text for e in entries if e.section == section.value)

    factors = tuple(
        pmd.Factor(pmd.FactorCategory(e.category or "other"), e.text)
        for e in entries
        if e.section == pmd.Section.CONTRIBUTING_FACTORS.value
    )
    participants = tuple(sorted({e.user for e in everything.entries}))
    return pmd.Postmortem(
        channel=channel.name,
        title=row.title,
        status=pmd.Status(row.status),
        severity=pmd.Severity(row.severity) if row.severity else None,
        lead=lead,
        summary=row.summary,
        impact=row.impact,
        root_cause=row.root_cause,
        went_well=texts(pmd.Section.WENT_WELL),
        went_poorly=texts(pmd.Section.WENT_POORLY),
        lessons=texts(pmd.Section.LESSONS),
        factors=factors,
        created_at=row.created_at,
        resolved_at=everything.phases.get(Mark.RESOLUTION),
        participants=participants,
        root_cause_flagged=row.root_cause_flagged,
    )


def load(
    rt: Runtime, channel: ChannelRef, *, client: WebClient | None = None, everything: Timeline | None = None
) -> Loaded:
    """`everything`: the channel's include_all timeline, when the caller has just built it."""
    if everything is None:
        everything = channel_timeline(rt, channel, client=client, include_all=True)
    curated = _curated(everything)
    with rt.transaction() as session:
        row = store.for_channel(session, channel.pk)
        if row is None:
            raise UserError(
                "There is no postmortem for this channel yet. `/postmortem start [title]` opens one."
            )
        domain = _to_domain(session, row, channel, everything)
        return Loaded(channel, row.id, domain, curated, row.thread_ts, row.lead_user_id)


def _curated(timeline: Timeline) -> Timeline:
    """The document's timeline: marked and key entries only; participants come from everyone."""
    return Timeline(
        channel=timeline.channel,
        phases=timeline.phases,
        entries=tuple(e for e in timeline.entries if e.marks),
    )


def start(
    rt: Runtime, client: WebClient, *, team_id: str, channel_id: str, user_id: str, title: str
) -> tuple[Loaded, bool]:
    """`/postmortem start`: open the channel's postmortem and thread, or find the one that exists."""
    channel = require_watched(rt, team_id, channel_id)
    return open_postmortem(rt, client, channel, user_id=user_id, title=title)


def open_postmortem(
    rt: Runtime,
    client: WebClient,
    channel: ChannelRef,
    *,
    user_id: str | None,
    title: str,
    severity: str | None = None,
) -> tuple[Loaded, bool]:
    """Create the postmortem (one per channel) and post its thread; False when it already existed.

    `user_id` None: the bot opened it itself, and it has no lead until someone says who.
    """
    everything = channel_timeline(rt, channel, client=client, include_all=True)
    with rt.transaction() as session:
        row, created = store.create(
            session,
            channel_pk=channel.pk,
            title=title.strip()[:200] or default_title(channel, everything),
            lead_user_id=user_id,
            started_by=user_id,
            now=rt.clock(),
        )
        if created and severity:
            row.severity = severity
        needs_thread = row.thread_ts is None
    loaded = load(rt, channel, everything=everything)
    if needs_thread:
        loaded = post_thread(rt, client, loaded)
    return loaded, created


def post_thread(rt: Runtime, client: WebClient, loaded: Loaded) -> Loaded:
    """The parent message (kept current with chat.update), the timeline and prompts as replies."""
    marks = rt.settings.emoji_marks
    parent = client.chat_postMessage(
        channel=loaded.channel.channel_id,
        text=f"Postmortem: {loaded.postmortem.title}",
        blocks=blocks_postmortem.postmortem_parent(loaded.postmortem, loaded.timeline, marks),
    )
    thread_ts = str(parent["ts"])
    for message in blocks.timeline_messages(loaded.timeline, marks):
        client.chat_postMessage(
            channel=loaded.channel.channel_id, thread_ts=thread_ts, text="Timeline (UTC)", blocks=message
        )
    client.chat_postMessage(
        channel=loaded.channel.channel_id,
        thread_ts=thread_ts,
        text="What to fill in",
        blocks=blocks_postmortem.section_prompts(loaded.postmortem),
    )
    link_channel = link_ts = None
    if rt.settings.postmortem_channel:
        permalink = client.chat_getPermalink(channel=loaded.channel.channel_id, message_ts=thread_ts)
        try:
            link = client.chat_postMessage(
                channel=rt.settings.postmortem_channel,
                text=f"Postmortem started for #{loaded.channel.name}: {loaded.postmortem.title} — "
                f"{permalink['permalink']}",
            )
            link_channel, link_ts = str(link["channel"]), str(link["ts"])
        except SlackApiError as error:
            logger.warning(
                "could not link the postmortem in POSTMORTEM_CHANNEL: %s", error.response.get("error")
            )
    with rt.transaction() as session:
        row = session.get_one(Postmortem, loaded.row_id)
        row.thread_ts = thread_ts
        row.link_channel_id, row.link_ts = link_channel, link_ts
    return Loaded(
        loaded.channel, loaded.row_id, loaded.postmortem, loaded.timeline, thread_ts, loaded.lead_user_id
    )


def refresh_parent(rt: Runtime, client: WebClient, loaded: Loaded) -> None:
    """Update the parent message in place, so it always shows what is still empty."""
    if loaded.thread_ts is None:
        return
    client.chat_update(
        channel=loaded.channel.channel_id,
        ts=loaded.thread_ts,
        text=f"Postmortem: {loaded.postmortem.title}",
        blocks=blocks_postmortem.postmortem_parent(
            loaded.postmortem, loaded.timeline, rt.settings.emoji_marks
        ),
    )


def permalink(client: WebClient, loaded: Loaded) -> str | None:
    if loaded.thread_ts is None:
        return None
    return str(
        client.chat_getPermalink(channel=loaded.channel.channel_id, message_ts=loaded.thread_ts)["permalink"]
    )


def set_section(
    rt: Runtime,
    client: WebClient,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    section_name: str,
    text: str,
) -> Saved:
    """`/postmortem set <section> <text>` and the Edit modal. Bad input stores nothing."""
    section = pmd.parse_section(section_name)
    text = text.strip()
    channel = require_watched(rt, team_id, channel_id)
    if not text:
        raise UserError(
            f"What should {pmd.SECTION_TITLES[section].lower()} say? `/postmortem set {section.value} <text>`"
        )
    severity = pmd.parse_severity(text) if section is pmd.Section.SEVERITY else None
    factor = pmd.parse_factor(text) if section is pmd.Section.CONTRIBUTING_FACTORS else None
    checked_text = factor[1] if factor else text
    with rt.transaction() as session:
        names = list(_known_names(session, team_id))
    found = review(checked_text, known_names=names) if section in CHECKED else None
    now = rt.clock()
    with rt.transaction() as session:
        row = store.for_channel(session, channel.pk)
        if row is None:
            raise UserError(
                "There is no postmortem for this channel yet. `/postmortem start [title]` opens one."
            )
        if severity is not None:
            row.severity = severity.value
        elif section in TEXT_FIELDS:
            setattr(row, TEXT_FIELDS[section], text)
            if section is pmd.Section.ROOT_CAUSE:
                row.root_cause_flagged = bool(found and found.names_a_person)
        elif factor is not None:
            store.add_entry(
                session,
                row,
                section=section.value,
                category=factor[0].value,
                text=factor[1],
                author_user_id=user_id,
                now=now,
            )
        else:
            store.add_entry(session, row, section=section.value, text=text, author_user_id=user_id, now=now)
        row.updated_at = now
    refresh_parent(rt, client, load(rt, channel))
    return Saved(section, found if found and found.flagged else None)


def _known_names(session: Session, team_id: str) -> set[str]:
    names: set[str] = set()
    for info in message_store.known_users(session, team_id).values():
        names.add(info.display_name)
        names.add(info.display_name.split()[0])
    return {n for n in names if len(n) >= 3}


def set_lead(rt: Runtime, client: WebClient, *, team_id: str, channel_id: str, mention: str) -> str:
    match = _MENTION.match(mention.strip())
    if not match:
        raise UserError("Who should lead it? `/postmortem lead @someone` (exactly one person).")
    channel = require_watched(rt, team_id, channel_id)
    with rt.transaction() as session:
        row = store.for_channel(session, channel.pk)
        if row is None:
            raise UserError(
                "There is no postmortem for this channel yet. `/postmortem start [title]` opens one."
            )
        row.lead_user_id = match.group(1)
        row.updated_at = rt.clock()
    refresh_parent(rt, client, load(rt, channel, client=client))
    return match.group(1)


def move_status(rt: Runtime, client: WebClient, *, team_id: str, channel_id: str, to: pmd.Status) -> Loaded:
    """Move the status. Completing with action items still open lands on Action items in progress."""
    channel = require_watched(rt, team_id, channel_id)
    loaded = load(rt, channel)
    with rt.transaction() as session:
        open_items, urgent = store.action_item_stats(session, channel.pk)
    if to is pmd.Status.COMPLETE and open_items and loaded.postmortem.status is pmd.Status.IN_REVIEW:
        to = pmd.Status.ACTION_ITEMS
    pmd.check_transition(loaded.postmortem, to, severity_requires_p0_p1=True, has_p0_or_p1=urgent)
    now = rt.clock()
    with rt.transaction() as session:
        row = session.get_one(Postmortem, loaded.row_id)
        row.status = to.value
        row.updated_at = now
        row.completed_at = now if to is pmd.Status.COMPLETE else None
    loaded = load(rt, channel)
    refresh_parent(rt, client, loaded)
    return loaded


def document(rt: Runtime, loaded: Loaded) -> str:
    from bot.services.action_items import document_rows

    with rt.transaction() as session:
        rows = document_rows(session, loaded.channel)
    return document_md.render_document(
        loaded.postmortem, loaded.timeline, rows, emoji_marks=rt.settings.emoji_marks
    )


def export_to_slack(rt: Runtime, client: WebClient, loaded: Loaded) -> str:
    """Upload the document to the thread; write it to the channel canvas where allowed.

    Returns a sentence for the person who asked, saying where it went.
    """
    markdown = document(rt, loaded)
    filename = document_md.export_filename(loaded.postmortem, loaded.timeline)
    client.files_upload_v2(
        channel=loaded.channel.channel_id,
        thread_ts=loaded.thread_ts,
        content=markdown,
        filename=filename,
        title=loaded.postmortem.title,
    )
    try:
        write_canvas(client, loaded.channel.channel_id, markdown)
    except SlackApiError as error:
        reason = error.response.get("error")
        logger.info("canvas refused in %s: %s", loaded.channel.channel_id, reason)
        return (
            f"Uploaded `{filename}` to the postmortem thread. This workspace refused the channel canvas "
            f"({reason}), so the file in the thread is the document."
        )
    return f"Uploaded `{filename}` to the postmortem thread and wrote it to the channel canvas."


def write_canvas(client: WebClient, channel_id: str, markdown: str) -> None:
    content = {"type": "markdown", "markdown": markdown}
    try:
        client.conversations_canvases_create(channel_id=channel_id, document_content=content)
    except SlackApiError as error:
        if error.response.get("error") != "channel_canvas_already_exists":
            raise
        info = client.conversations_info(channel=channel_id)
        canvas_id = (((info.get("channel") or {}).get("properties") or {}).get("canvas") or {}).get("file_id")
        if not canvas_id:
            raise
        client.canvases_edit(
            canvas_id=canvas_id, changes=[{"operation": "replace", "document_content": content}]
        )


def status_report(
    rt: Runtime, client: WebClient, *, team_id: str, channel_id: str, now: datetime
) -> list[str]:
    channel = require_watched(rt, team_id, channel_id)
    loaded = load(rt, channel, client=client)
    lines = blocks_postmortem.status_lines(
        loaded.postmortem,
        loaded.timeline,
        pmd.phase_warnings(loaded.timeline),
        pmd.window(loaded.postmortem.resolved_at, now, open_after=rt.settings.postmortem_open_after),
        rt.settings.emoji_marks,
    )
    from bot.services import action_items

    found = action_items.listing(rt, team_id=team_id, channel_id=channel_id)
    return [*lines, *blocks_actions.open_items_lines(found.items, found.today)]


def export_files(rt: Runtime, out_dir: Path, channel_name: str | None = None) -> list[Path]:
    """One Markdown file per postmortem (or the named channel's), for a postmortem repository.

    Same record, same bytes: a re-export that changes nothing leaves git with nothing to commit.
    """
    with rt.transaction() as session:
        rows = store.all_postmortems(session)
        channels = {row.channel_pk: ChannelRef.of(session.get_one(Channel, row.channel_pk)) for row in rows}
    if channel_name is not None:
        wanted = channel_name.lstrip("#")
        rows = [r for r in rows if channels[r.channel_pk].name == wanted]
        if not rows:
            raise UserError(f"No postmortem for a channel named {wanted!r}.")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for row in rows:
        loaded = load(rt, channels[row.channel_pk])
        path = out_dir / document_md.export_filename(loaded.postmortem, loaded.timeline)
        path.write_bytes(document(rt, loaded).encode())
        written.append(path)
    return written
