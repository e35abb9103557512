"""Action-item buttons and modals: ack, parse, call a service, render.

The buttons do what the commands do (`start-work`, `done`, `reopen`, `redate`, `wontdo`), with
the same checks and the same answers (answers.answer: on the App Home tab the answer is the tab,
republished). Modal errors are shown under the input they concern (UserError.field).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, BoltContext, Respond

from bot.domain import action_items as ai
from bot.domain.errors import Field, UserError
from bot.inbound.slack.answers import answer
from bot.inbound.slack.home import on_home
from bot.inbound.slack.middleware import incident
from bot.outbound.slack import Slack
from bot.outbound.slack.ids import Action
from bot.outbound.slack.ids import Block as BlockId
from bot.outbound.slack.render.action_items import (
    add_item_modal,
    added_text,
    changed_text,
    redate_modal,
    wontdo_modal,
)
from bot.runtime import Runtime
from bot.services import action_items

MOVES = {
    Action.ITEM_START: ai.ItemStatus.IN_PROGRESS,
    Action.ITEM_DONE: ai.ItemStatus.DONE,
    Action.ITEM_REOPEN: ai.ItemStatus.OPEN,
}
MODALS = {Action.ITEM_REDATE: redate_modal, Action.ITEM_WONTDO: wontdo_modal}
# Which modal input a UserError is about; an error about the whole item shows under its text.
_FIELD_BLOCKS = {
    Field.OWNER: BlockId.ITEM_OWNER,
    Field.DUE: BlockId.ITEM_DUE,
    Field.PRIORITY: BlockId.ITEM_PRIORITY,
    Field.TEXT: BlockId.ITEM_TEXT,
    Field.REASON: BlockId.ITEM_REASON,
}


def _state(view: dict[str, Any], block: BlockId) -> dict[str, Any]:
    return dict(view["state"]["values"].get(block.value, {}).get(block.value, {}))


def _date(element: dict[str, Any]) -> date | None:
    value = element.get("selected_date")
    return date.fromisoformat(value) if value else None


def _asked_in(body: dict[str, Any]) -> str | None:
    """The channel a button was pressed in; None on the App Home tab."""
    return None if on_home(body) else (body.get("channel") or {}).get("id")


def _errors(error: UserError, default: BlockId) -> dict[str, str]:
    block = _FIELD_BLOCKS.get(error.field) if error.field else None
    return {(block or default).value: str(error)[:150]}


def move_item(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, rt: Runtime, slack: Slack
) -> None:
    """Start work / Done / Reopen on a listing or the App Home tab."""
    ack()
    changed = action_items.change_status(
        rt,
        user_id=body["user"]["id"],
        item_id=int(action["value"]),
        to=MOVES[Action(action["action_id"])],
        asked_in=_asked_in(body),
    )
    answer(rt, slack, body, respond, changed_text(changed.item))


def open_item_modal(
    ack: Ack, body: dict[str, Any], action: dict[str, Any], rt: Runtime, slack: Slack
) -> None:
    """Re-date… / Won't do…: the modal, for whoever may change the item."""
    ack()
    item = action_items.changeable_item(
        rt, user_id=body["user"]["id"], item_id=int(action["value"]), asked_in=_asked_in(body)
    )
    view = MODALS[Action(action["action_id"])](item)
    meta = json.loads(view["private_metadata"])
    if not on_home(body) and body.get("channel"):
        meta["channel_id"] = body["channel"]["id"]
    view["private_metadata"] = json.dumps(meta)
    slack.say.open_modal(body["trigger_id"], view)


def add_item(ack: Ack, body: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack) -> None:
    """The Add action item button on the postmortem's parent message."""
    ack()
    channel = incident(context)
    slack.say.open_modal(body["trigger_id"], add_item_modal(channel.channel_id, action_items.today(rt)))


def add_item_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext, rt: Runtime, slack: Slack
) -> None:
    user_id = body["user"]["id"]
    try:
        channel = incident(context)
        added = action_items.add_from_modal(
            rt,
            slack,
            channel,
            user_id=user_id,
            owner_id=_state(view, BlockId.ITEM_OWNER).get("selected_user"),
            due_on=_date(_state(view, BlockId.ITEM_DUE)),
            priority=(_state(view, BlockId.ITEM_PRIORITY).get("selected_option") or {}).get("value"),
            text=str(_state(view, BlockId.ITEM_TEXT).get("value") or ""),
        )
    except UserError as error:
        ack(response_action="errors", errors=_errors(error, BlockId.ITEM_TEXT))
        return
    ack()
    slack.say.ephemeral(channel.channel_id, user_id, added_text(added.item, added.echo, added.nudges))


def redate_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], rt: Runtime, slack: Slack) -> None:
    meta = json.loads(view["private_metadata"])
    due = _date(_state(view, BlockId.ITEM_DUE))
    reason = str(_state(view, BlockId.ITEM_REASON).get("value") or "")
    try:
        if due is None:
            raise UserError("Pick the new due date.", field=Field.DUE)
        changed = action_items.redate(
            rt,
            user_id=body["user"]["id"],
            item_id=int(meta["item_id"]),
            due=due,
            reason=reason,
            asked_in=meta.get("channel_id"),
        )
    except UserError as error:
        ack(response_action="errors", errors=_errors(error, BlockId.ITEM_DUE))
        return
    ack()
    answer(rt, slack, body, None, changed_text(changed.item, changed.redates))


def wontdo_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], rt: Runtime, slack: Slack) -> None:
    meta = json.loads(view["private_metadata"])
    reason = str(_state(view, BlockId.ITEM_REASON).get("value") or "")
    try:
        changed = action_items.change_status(
            rt,
            user_id=body["user"]["id"],
            item_id=int(meta["item_id"]),
            to=ai.ItemStatus.WONT_DO,
            reason=reason,
            asked_in=meta.get("channel_id"),
        )
    except UserError as error:
        ack(response_action="errors", errors=_errors(error, BlockId.ITEM_REASON))
        return
    ack()
    answer(rt, slack, body, None, changed_text(changed.item))
