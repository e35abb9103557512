"""Action items: add, list, start, finish, abandon, reopen and re-date them; the App Home list.

Every change is checked before anything is stored: bad input and refused changes raise UserError
(naming the field it concerns, for modals) and leave the database as it was.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from bot.domain import action_items as ai
from bot.domain import due_dates, permissions
from bot.domain.channels import ChannelRef
from bot.domain.errors import Field, UserError
from bot.domain.postmortem import ActionItemRow
from bot.domain.slack_text import mrkdwn_unescape
from bot.outbound.slack import Slack
from bot.runtime import Runtime
from bot.store import action_items as store
from bot.store import users as user_store

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


def parse_item_id(text: str, usage: str) -> tuple[int, str]:
    """`12 rest…` or `#12 rest…` → (12, "rest…"); UserError with the usage otherwise."""
    head, _, rest = text.strip().partition(" ")
    m = _ITEM_ID.fullmatch(head)
    if m is None:
        shown = f"“{head}” is not an item number. " if head else ""
        raise UserError(f"{shown}Usage: `{usage}` (numbers are in `/postmortem actions`).")
    return int(m["id"]), rest.strip()


def add(rt: Runtime, slack: Slack, channel: ChannelRef, *, user_id: str, args: str) -> Added:
    """`/postmortem action @owner <due> [P0-P3] <text>` in an incident channel."""
    parsed = ai.parse_action_command(args, today(rt))
    return _save(rt, slack, channel, user_id, parsed)


def add_from_modal(
    rt: Runtime,
    slack: Slack,
    channel: ChannelRef,
    *,
    user_id: str,
    owner_id: str | None,
    due_on: date | None,
    priority: str | None,
    text: str,
) -> Added:
    """The "Add action item" modal: the same rules as the command."""
    if not owner_id:
        raise UserError(
            "Pick the one person who will see it through: an item without an owner is a wish.",
            field=Field.OWNER,
        )
    if due_on is None:
        raise UserError(
            "Pick a due date: an item without a date is a wish, not a commitment.", field=Field.DUE
        )
    now = today(rt)
    if due_on < now:
        shown, today_shown = due_dates.format_due(due_on), due_dates.format_due(now)
        raise UserError(f"{shown} is in the past. Pick today ({today_shown}) or later.", field=Field.DUE)
    if not text.strip():
        raise UserError("Say what will change.", field=Field.TEXT)
    parsed = ai.ParsedItem(
        owner_id=owner_id,
        due_on=due_on,
        priority=ai.Priority(priority or ai.DEFAULT_PRIORITY),
        text=text.strip(),
    )
    return _save(rt, slack, channel, user_id, parsed)


def _save(rt: Runtime, slack: Slack, channel: ChannelRef, user_id: str, parsed: ai.ParsedItem) -> Added:
    if channel.is_private and not slack.read.is_member(channel.channel_id, parsed.owner_id):
        # What a private channel says stays with its members: an owner must be able to see the item.
        raise UserError(
            f"<@{parsed.owner_id}> is not in this private channel, so they could not see the item. "
            "Invite them first, or pick someone who is here.",
            field=Field.OWNER,
        )
    with rt.transaction() as session:
        item_id = store.add(
            session,
            channel_pk=channel.pk,
            text=parsed.text,
            owner_user_id=parsed.owner_id,
            priority=parsed.priority,
            due_on=parsed.due_on,
            created_by=user_id,
            now=rt.clock(),
        )
        row = store.row(session, item_id)
        open_count = store.open_count(session, channel.pk)
    assert row is not None
    nudges = tuple(n for n in (ai.vague_nudge(parsed.text), ai.too_many_nudge(open_count)) if n)
    return Added(row.item, due_dates.echo_due(parsed.due_on, today(rt)), nudges)


def listing(rt: Runtime, channel: ChannelRef) -> Listing:
    with rt.transaction() as session:
        items = [r.item for r in store.for_channel(session, channel.pk)]
    return Listing(channel, tuple(sort_for_listing(items)), today(rt))


def sort_for_listing(items: Sequence[ai.Item]) -> list[ai.Item]:
    still_open = sorted((i for i in items if i.status in ai.OPEN_STATUSES), key=ai.priority_sort_key)
    closed = sorted((i for i in items if i.status not in ai.OPEN_STATUSES), key=lambda i: i.id)
    return [*still_open, *closed]


def changeable_item(rt: Runtime, *, user_id: str, item_id: int, asked_in: str | None) -> ai.Item:
    """The item, if `user_id` may change it (bot/domain/permissions.py); UserError otherwise.
    `asked_in`: the channel the request came from (None from App Home)."""
    with rt.transaction() as session:
        row = store.row(session, item_id)
        lead = store.lead_of(session, row.channel_pk) if row else None
    return _changeable(row, lead, item_id, user_id, asked_in).item


def _changeable(
    row: store.ItemRow | None, lead: str | None, item_id: int, user_id: str, asked_in: str | None
) -> store.ItemRow:
    if row is None:
        raise UserError(permissions.no_such_item(item_id))
    permissions.item_change(
        user_id,
        item_id=item_id,
        owner_id=row.owner_user_id,
        lead_id=lead,
        item_channel=row.channel_id,
        asked_in=asked_in,
    ).enforce()
    return row


def change_status(
    rt: Runtime,
    *,
    user_id: str,
    item_id: int,
    to: ai.ItemStatus,
    asked_in: str | None,
    reason: str | None = None,
) -> Changed:
    """Start, finish, abandon (with a reason) or reopen an item; only its owner or the lead may."""
    with rt.transaction() as session:
        row = store.row(session, item_id)
        lead = store.lead_of(session, row.channel_pk) if row else None
        row = _changeable(row, lead, item_id, user_id, asked_in)
        ai.check_transition(row.status, to, reason=reason)
        store.set_status(
            session,
            item_id,
            to,
            done_on=today(rt) if to is ai.ItemStatus.DONE else None,
            wont_do_reason=((reason or "").strip() or None) if to is ai.ItemStatus.WONT_DO else None,
            now=rt.clock(),
        )
        changed = store.row(session, item_id)
    assert changed is not None
    return Changed(changed.item, changed.redates)


def redate(
    rt: Runtime, *, user_id: str, item_id: int, due: str | date, reason: str, asked_in: str | None
) -> Changed:
    """Move the due date, with a reason. Every re-date is kept and counted. `due` as text is the
    command's `<due> <reason>` as Slack sends it (&, <, > escaped); the reason is kept as typed."""
    now = today(rt)
    if isinstance(due, str):
        if not due.strip():
            raise UserError(
                "Usage: `/postmortem redate <id> <due> <reason>`, e.g. `redate 12 next friday …`."
            )
        taken = due_dates.take_due(due, now)
        if taken is None:
            raise UserError(
                f"I can't read a due date at the start of “{due.strip()}”. Try {due_dates.DUE_EXAMPLES}."
            )
        new_due, reason = taken[0], mrkdwn_unescape(taken[1].strip())
    else:
        new_due = due
    with rt.transaction() as session:
        row = store.row(session, item_id)
        lead = store.lead_of(session, row.channel_pk) if row else None
        row = _changeable(row, lead, item_id, user_id, asked_in)
        if row.status not in ai.OPEN_STATUSES:
            raise UserError(
                f"Item #{item_id} is {ai.STATUS_LABELS[row.status]}; reopen it first.", field=Field.DUE
            )
        ai.check_redate(row.due_on, new_due, reason, now)
        store.add_redate(
            session, item_id, to_on=new_due, reason=reason.strip(), by_user_id=user_id, now=rt.clock()
        )
        changed = store.row(session, item_id)
    assert changed is not None
    return Changed(changed.item, changed.redates)


def home_items(rt: Runtime, user_id: str) -> tuple[list[tuple[ai.Item, str]], date]:
    """One person's open items across every incident, overdue first (most overdue first), with
    the channel name each lives in."""
    now = today(rt)
    with rt.transaction() as session:
        rows = store.open_for_owner(session, user_id)
    pairs = [(r.item, r.channel_name) for r in rows]
    pairs.sort(key=lambda p: (not ai.is_overdue(p[0], now), p[0].due_on, ai.priority_sort_key(p[0])))
    return pairs, now


def document_rows(rt: Runtime, channel: ChannelRef) -> list[ActionItemRow]:
    """The channel's items as the document's table: # · action · owner · priority · due · status."""
    with rt.transaction() as session:
        users = user_store.known(session, channel.team_id)
        items = [r.item for r in store.for_channel(session, channel.pk)]
    rows = []
    for item in sort_for_listing(items):
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
