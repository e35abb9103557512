"""Action-item buttons and modals, and the App Home tab: ack, parse, call a service, render.

The buttons do what the commands do (`start-work`, `done`, `reopen`, `redate`, `wontdo`), with
the same checks and the same answers. On the App Home tab the answer is the tab, republished.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.domain import action_items as ai
from bot.domain.errors import UserError
from bot.outbound.slack.ids import Action, View
from bot.outbound.slack.ids import Block as BlockId
from bot.outbound.slack.render.action_items import (
    add_item_modal,
    added_text,
    changed_text,
    home_items_blocks,
    home_with_items,
    redate_modal,
    wontdo_modal,
)
from bot.outbound.slack.render.blocks import context, home_view
from bot.runtime import Runtime
from bot.services import action_items
from bot.services.channels import require_watched

_MOVES = {
    Action.ITEM_START: ai.ItemStatus.IN_PROGRESS,
    Action.ITEM_DONE: ai.ItemStatus.DONE,
    Action.ITEM_REOPEN: ai.ItemStatus.OPEN,
}


def publish_home(rt: Runtime, client: WebClient, user_id: str, notice: str | None = None) -> None:
    """The App Home tab: "Your action items" across all incidents, then how to use the bot."""
    from bot.inbound.slack.commands import usages

    pairs, today = action_items.home_items(rt, user_id)
    items = home_items_blocks(pairs, today)
    if notice:
        items.insert(1, context(notice))
    client.views_publish(user_id=user_id, view=home_with_items(home_view(usages()), items))


def _on_home(body: dict[str, Any]) -> bool:
    return (body.get("view") or {}).get("type") == "home"


def _state(view: dict[str, Any], block: BlockId) -> dict[str, Any]:
    return dict(view["state"]["values"].get(block.value, {}).get(block.value, {}))


def _date(element: dict[str, Any]) -> date | None:
    value = element.get("selected_date")
    return date.fromisoformat(value) if value else None


def register(app: App, rt: Runtime) -> None:
    def answer(
        client: WebClient, body: dict[str, Any], respond: Respond | None, user_id: str, text: str
    ) -> None:
        if _on_home(body):
            publish_home(rt, client, user_id, notice=text)
        elif respond is not None and body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, text=text)
        else:
            client.chat_postEphemeral(channel=body["channel"]["id"], user=user_id, text=text)

    for action_id, to in _MOVES.items():
        _register_move(app, rt, action_id, to, answer)

    @app.action(Action.ADD_ITEM)
    def add_item(
        ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond
    ) -> None:
        ack()
        channel_id = body["channel"]["id"]
        try:
            require_watched(rt, str(context.team_id), channel_id)
        except UserError as error:
            answer(client, body, respond, body["user"]["id"], f":warning: {error}")
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=add_item_modal(channel_id, action_items.today(rt))
        )

    for action_id, modal in ((Action.ITEM_REDATE, redate_modal), (Action.ITEM_WONTDO, wontdo_modal)):
        _register_modal_opener(app, rt, action_id, modal, answer)

    @app.view(View.ADD_ITEM)
    def add_item_submitted(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        channel_id = str(json.loads(view["private_metadata"])["channel_id"])
        user_id = body["user"]["id"]
        try:
            added = action_items.add_from_modal(
                rt,
                team_id=str(context.team_id),
                channel_id=channel_id,
                user_id=user_id,
                owner_id=_state(view, BlockId.ITEM_OWNER).get("selected_user"),
                due_on=_date(_state(view, BlockId.ITEM_DUE)),
                priority=(_state(view, BlockId.ITEM_PRIORITY).get("selected_option") or {}).get("value"),
                text=str(_state(view, BlockId.ITEM_TEXT).get("value") or ""),
            )
        except UserError as error:
            ack(response_action="errors", errors={_field_for(str(error)): str(error)[:150]})
            return
        ack()
        client.chat_postEphemeral(
            channel=channel_id, user=user_id, text=added_text(added.item, added.echo, added.nudges)
        )

    @app.view(View.REDATE_ITEM)
    def redate_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = json.loads(view["private_metadata"])
        user_id = body["user"]["id"]
        due = _date(_state(view, BlockId.ITEM_DUE))
        reason = str(_state(view, BlockId.ITEM_REASON).get("value") or "")
        try:
            if due is None:
                raise UserError("Pick the new due date.")
            changed = action_items.redate(
                rt, user_id=user_id, item_id=int(meta["item_id"]), due=due, reason=reason
            )
        except UserError as error:
            field = BlockId.ITEM_REASON if "why" in str(error).lower() else BlockId.ITEM_DUE
            ack(response_action="errors", errors={field.value: str(error)[:150]})
            return
        ack()
        _after_modal(rt, client, meta, user_id, changed_text(changed.item, changed.redates))

    @app.view(View.WONTDO_ITEM)
    def wontdo_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = json.loads(view["private_metadata"])
        user_id = body["user"]["id"]
        reason = str(_state(view, BlockId.ITEM_REASON).get("value") or "")
        try:
            changed = action_items.change_status(
                rt, user_id=user_id, item_id=int(meta["item_id"]), to=ai.ItemStatus.WONT_DO, reason=reason
            )
        except UserError as error:
            ack(response_action="errors", errors={BlockId.ITEM_REASON.value: str(error)[:150]})
            return
        ack()
        _after_modal(rt, client, meta, user_id, changed_text(changed.item))


def _field_for(message: str) -> str:
    lowered = message.lower()
    if "owner" in lowered or "person" in lowered:
        return BlockId.ITEM_OWNER.value
    if "date" in lowered or "past" in lowered:
        return BlockId.ITEM_DUE.value
    return BlockId.ITEM_TEXT.value


def _after_modal(rt: Runtime, client: WebClient, meta: dict[str, Any], user_id: str, text: str) -> None:
    if meta.get("channel_id"):
        client.chat_postEphemeral(channel=meta["channel_id"], user=user_id, text=text)
    else:
        publish_home(rt, client, user_id, notice=text)


def _register_move(app: App, rt: Runtime, action_id: Action, to: ai.ItemStatus, answer: Any) -> None:
    @app.action(action_id)
    def move(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            changed = action_items.change_status(rt, user_id=user_id, item_id=int(action["value"]), to=to)
            text = changed_text(changed.item)
        except UserError as error:
            text = f":warning: {error}"
        answer(client, body, respond, user_id, text)


def _register_modal_opener(app: App, rt: Runtime, action_id: Action, modal: Any, answer: Any) -> None:
    @app.action(action_id)
    def open_modal(
        ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond
    ) -> None:
        ack()
        user_id = body["user"]["id"]
        try:
            item = action_items.changeable_item(rt, user_id=user_id, item_id=int(action["value"]))
        except UserError as error:
            answer(client, body, respond, user_id, f":warning: {error}")
            return
        view = modal(item)
        meta = json.loads(view["private_metadata"])
        if not _on_home(body) and body.get("channel"):
            meta["channel_id"] = body["channel"]["id"]
        view["private_metadata"] = json.dumps(meta)
        client.views_open(trigger_id=body["trigger_id"], view=view)
