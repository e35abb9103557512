"""/postmortem action | actions | start-work | done | wontdo | reopen | redate."""

from __future__ import annotations

from bot.domain import action_items as ai
from bot.domain.slack_text import mrkdwn_escape, mrkdwn_unescape
from bot.inbound.slack.invocation import Invocation, Run, Subcommand
from bot.outbound.slack.ids import Sub
from bot.outbound.slack.render.action_items import added_text, changed_text, listing_messages
from bot.runtime import Runtime
from bot.services import action_items

DONE_USAGE = "/postmortem done <id>"
START_USAGE = "/postmortem start-work <id>"
REOPEN_USAGE = "/postmortem reopen <id>"
WONTDO_USAGE = "/postmortem wontdo <id> <reason>"
REDATE_USAGE = "/postmortem redate <id> <due> <reason>"


def add(rt: Runtime, inv: Invocation) -> None:
    added = action_items.add(rt, inv.slack, inv.incident, user_id=inv.user_id, args=inv.args)
    inv.reply(added_text(added.item, added.echo, added.nudges))


def actions(rt: Runtime, inv: Invocation) -> None:
    found = action_items.listing(rt, inv.incident)
    for blocks in listing_messages(found.channel.name, found.items, found.today):
        inv.respond(
            response_type="ephemeral",
            replace_original=False,
            text=f"Action items in #{mrkdwn_escape(found.channel.name)}",
            blocks=blocks,
        )


def _move(to: ai.ItemStatus, usage: str) -> Run:
    def run(rt: Runtime, inv: Invocation) -> None:
        item_id, reason = action_items.parse_item_id(inv.args, usage)
        reason = mrkdwn_unescape(reason)  # Slack escapes &, <, > in command text; keep what was typed
        changed = action_items.change_status(
            rt, user_id=inv.user_id, item_id=item_id, to=to, reason=reason or None, asked_in=inv.channel_id
        )
        inv.reply(changed_text(changed.item))

    return run


def redate(rt: Runtime, inv: Invocation) -> None:
    item_id, rest = action_items.parse_item_id(inv.args, REDATE_USAGE)
    changed = action_items.redate(
        rt, user_id=inv.user_id, item_id=item_id, due=rest, reason="", asked_in=inv.channel_id
    )
    inv.reply(changed_text(changed.item, changed.redates))


SUBCOMMANDS = (
    Subcommand(
        Sub.ACTION,
        "@owner <due> [P0-P3] <text>",
        "add an action item: one owner, a due date (Dec 1, next friday, in 2 weeks, eow), P2 unless said",
        add,
    ),
    Subcommand(Sub.ACTIONS, "", "this channel's action items, with buttons", actions),
    Subcommand(
        Sub.START_WORK,
        "<id>",
        "mark an item in progress",
        _move(ai.ItemStatus.IN_PROGRESS, START_USAGE),
        in_incident_channel=False,
    ),
    Subcommand(
        Sub.DONE,
        "<id>",
        "mark an item done",
        _move(ai.ItemStatus.DONE, DONE_USAGE),
        in_incident_channel=False,
    ),
    Subcommand(
        Sub.WONTDO,
        "<id> <reason>",
        "close an item as won't do",
        _move(ai.ItemStatus.WONT_DO, WONTDO_USAGE),
        in_incident_channel=False,
    ),
    Subcommand(
        Sub.REOPEN,
        "<id>",
        "reopen a done or won't-do item",
        _move(ai.ItemStatus.OPEN, REOPEN_USAGE),
        in_incident_channel=False,
    ),
    Subcommand(
        Sub.REDATE,
        "<id> <due> <reason>",
        "move a due date; every re-date is kept and counted",
        redate,
        in_incident_channel=False,
    ),
)
