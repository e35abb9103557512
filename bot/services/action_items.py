"""Action items: add, list, start, finish, abandon, reopen and re-date them; the App Home list.

Every change is checked before anything is stored: bad input and refused changes raise UserError
and leave the database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.domain import action_items as ai
from bot.domain.errors import UserError
from bot.domain.postmortem import ActionItemRow
from bot.runtime import Runtime
from bot.services.channels import ChannelRef, require_watched
from bot.store import action_items as store
from bot.store import messages as message_store

_ITEM_ID = re.compile(r"#?(?P<id>[0-9]{1,9})")
STATUS_TITLES = {status: label[0].upper() + label[1:] for status, label in ai.STATUS_LABELS.items()}


@dataclass(frozen=True)
class Added:
    item: ai.Item
    echo: str  # the due date understood, e.g. "Fri 2026-12-04 (in 9 days)"
    nudges: tuple[str, ...]  # suggestions; the item is saved either way


@dataclass(frozen=True)
class Changed:
    item: ai.Item
    redates: int  # how often its due date has moved, this time included


@dataclass(frozen=True)
class Listing:
    channel: ChannelRef
    items: tuple[ai.Item, ...]  # open and in progress first (priority, due), then the closed ones
    today: date


def today(rt: Runtime) -> date:
    """Today where the team works (DEFAULT_TIMEZONE): due dates and "overdue" are read against it."""
    return rt.clock().astimezone(rt.settings.default_timezone).date()


def to_item(row: store.ItemRow) -> ai.Item:
    return ai.Item(
        id=row.id,
        channel=row.channel_id,
        text=row.text,
        owner_id=row.owner_user_id,
        priority=ai.Priority(row.priority),
        due_on=row.due_on,
        status=ai.ItemStatus(row.status),
        created_on=row.created_at.date(),
        done_on=row.done_on,
        redates=row.redates,
        reminders_seen=row.reminders_seen,
    )


def parse_item_id(text: str, usage: str) -> tuple[int, str]:
    """`12 rest…` or `#12 rest…` → (12, "rest…"); UserError with the usage otherwise."""
    head, _, rest = text.strip().partition(" ")
    m = _ITEM_ID.fullmatch(head)
    if m is None:
        shown = f"“{head}” is not an item number. " if head else ""
        raise UserError(f"{shown}Usage: `{usage}` (numbers are in `/postmortem actions`).")
    return int(m["id"]), rest.strip()


def add(rt: Runtime, *, team_id: str, channel_id: str, user_id: str, args: str) -> Added:
    """`/postmortem action @owner <due> [P0-P3] <text>` in an incident channel."""
    channel = require_watched(rt, team_id, channel_id)
    parsed = ai.parse_action_command(args, today(rt))
    return _save(rt, channel, user_id, parsed)


def add_from_modal(
    rt: Runtime,
    *,
    team_id: str,
    channel_id: str,
    user_id: str,
    owner_id: str | None,
    due_on: date | None,
    priority: str | None,
    text: str,
) -> Added:
    """The "Add action item" modal: the same rules as the command."""
    if not owner_id:
        raise UserError("Pick the one person who will see it through: an item without an owner is a wish.")
    if due_on is None:
        raise UserError("Pick a due date: an item without a date is a wish, not a commitment.")
    now = today(rt)
    if due_on < now:
        raise UserError(
            f"{ai.format_due(due_on)} is in the past. Pick today ({ai.format_due(now)}) or later."
        )
    if not text.strip():
        raise UserError("Say what will change.")
    channel = require_watched(rt, team_id, channel_id)
    parsed = ai.ParsedItem(
        owner_id=owner_id,
        due_on=due_on,
        priority=ai.Priority(priority or ai.DEFAULT_PRIORITY),
        text=text.strip(),
    )
    return _save(rt, channel, user_id, parsed)


def _save(rt: Runtime, channel: ChannelRef, user_id: str, parsed: ai.ParsedItem) -> Added:
    with rt.transaction() as session:
        created = store.add(
            session,
            channel_pk=channel.pk,
            text=parsed.text,
            owner_user_id=parsed.owner_id,
            priority=parsed.priority.value,
            due_on=parsed.due_on,
            created_by=user_id,
            now=rt.clock(),
        )
        row = store.row(session, created.id)
        open_count = store.open_count(session, channel.pk)
    assert row is not None
    nudges = tuple(n for n in (ai.vague_nudge(parsed.text), ai.too_many_nudge(open_count)) if n)
    return Added(to_item(row), ai.echo_due(parsed.due_on, today(rt)), nudges)


def listing(rt: Runtime, *, team_id: str, channel_id: str) -> Listing:
    channel = require_watched(rt, team_id, channel_id)
    with rt.transaction() as session:
        items = [to_item(r) for r in store.for_channel(session, channel.pk)]
    return Listing(channel, tuple(sort_for_listing(items)), today(rt))


def sort_for_listing(items: Sequence[ai.Item]) -> list[ai.Item]:
    still_open = sorted((i for i in items if i.status in ai.OPEN_STATUSES), key=ai.priority_sort_key)
    closed = sorted((i for i in items if i.status not in ai.OPEN_STATUSES), key=lambda i: i.id)
    return [*still_open, *closed]


def changeable_item(rt: Runtime, *, user_id: str, item_id: int) -> ai.Item:
    """The item, if `user_id` may change it (its owner or the postmortem's lead); UserError otherwise."""
    with rt.transaction() as session:
        return to_item(_changeable(session, item_id, user_id))


def _changeable(session: Session, item_id: int, user_id: str) -> store.ItemRow:
    row = store.row(session, item_id)
    if row is None:
        raise UserError(f"There is no action item #{item_id}. `/postmortem actions` lists this channel's.")
    ai.check_can_change(user_id, row.owner_user_id, store.lead_of(session, row.channel_pk))
    return row


def change_status(
    rt: Runtime, *, user_id: str, item_id: int, to: ai.ItemStatus, reason: str | None = None
) -> Changed:
    """Start, finish, abandon (with a reason) or reopen an item; only its owner or the lead may."""
    with rt.transaction() as session:
        row = _changeable(session, item_id, user_id)
        ai.check_transition(ai.ItemStatus(row.status), to, reason=reason)
        item = store.get(session, item_id)
        assert item is not None
        item.status = to.value
        item.done_on = today(rt) if to is ai.ItemStatus.DONE else None
        item.wont_do_reason = ((reason or "").strip() or None) if to is ai.ItemStatus.WONT_DO else None
        item.updated_at = rt.clock()
        session.flush()
        changed = store.row(session, item_id)
    assert changed is not None
    return Changed(to_item(changed), changed.redates)


def redate(rt: Runtime, *, user_id: str, item_id: int, due: str | date, reason: str) -> Changed:
    """Move the due date, with a reason. Every re-date is kept and counted."""
    now = today(rt)
    if isinstance(due, str):
        if not due.strip():
            raise UserError(
                "Usage: `/postmortem redate <id> <due> <reason>`, e.g. `redate 12 next friday …`."
            )
        taken = ai.take_due(due, now)
        if taken is None:
            raise UserError(
                f"I can't read a due date at the start of “{due.strip()}”. Try {ai.DUE_EXAMPLES}."
            )
        new_due, reason = taken[0], taken[1].strip()
    else:
        new_due = due
    with rt.transaction() as session:
        row = _changeable(session, item_id, user_id)
        if row.status not in store.OPEN_STATUSES:
            raise UserError(
                f"Item #{item_id} is {ai.STATUS_LABELS[ai.ItemStatus(row.status)]}; reopen it first."
            )
        ai.check_redate(row.due_on, new_due, reason, now)
        item = store.get(session, item_id)
        assert item is not None
        store.add_redate(
            session, item, to_on=new_due, reason=reason.strip(), by_user_id=user_id, now=rt.clock()
        )
        changed = store.row(session, item_id)
    assert changed is not None
    return Changed(to_item(changed), changed.redates)


def home_items(rt: Runtime, user_id: str) -> tuple[list[tuple[ai.Item, str]], date]:
    """One person's open items across every incident, overdue first (most overdue first), with
    the channel name each lives in."""
    now = today(rt)
    with rt.transaction() as session:
        rows = store.open_for_owner(session, user_id)
    pairs = [(to_item(r), r.channel_name) for r in rows]
    pairs.sort(key=lambda p: (not ai.is_overdue(p[0], now), p[0].due_on, ai.priority_sort_key(p[0])))
    return pairs, now


def document_rows(session: Session, channel: ChannelRef) -> list[ActionItemRow]:
    """The channel's items as the document's table: # · action · owner · priority · due · status."""
    users = message_store.known_users(session, channel.team_id)
    rows = []
    for item in sort_for_listing([to_item(r) for r in store.for_channel(session, channel.pk)]):
        owner = users[item.owner_id].display_name if item.owner_id in users else item.owner_id
        rows.append(
            ActionItemRow(
                number=item.id,
                text=item.text,
                owner=owner,
                priority=item.priority.value,
                due_on=item.due_on,
                status=STATUS_TITLES[item.status],
            )
        )
    return rows
