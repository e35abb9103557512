"""The least each kind of request must carry, checked once, before Bolt or any listener reads it.

Bolt reads ids out of every body before any middleware runs (`build_context`: `user`, `channel`,
`team`, `event`, `authorizations`…), and the listeners index straight into what Slack always sends
(`body["user"]["id"]`, `int(action["value"])`, `json.loads(view["private_metadata"])`, a
datepicker's `selected_date`). A signed body without it would raise deep inside, as a traceback,
often after the ack where nobody sees it but the log. So `problem` says, for the whole body, what
is missing or of the wrong type, and the HTTP layer (`bot/web.py`) answers such a request itself
with a warning: 400 for a command or an interaction, 200 for an event (a redelivery would bring
the same thing again).

What is checked, and nothing more (a listener still decides what a value means):
- every body: the fields Bolt reads ids from are objects (or strings, where Slack uses either);
- a slash command: `command`, `team_id`, `user_id` and `channel_id`, and `text` a string;
- `block_actions`: a `user` with an id, a `trigger_id`, at least one action, each with an
  `action_id`, its `value` a string, its `selected_option` an object with a `value`; the channel a
  message's button was pressed in;
- `view_submission`: a `user` with an id, a `view` with a `callback_id`, its input values as Slack
  nests them (block → action → element), a datepicker's date a date (ISO), and
  `private_metadata` a JSON object;
- `event_callback`: an `event` object with a `type` (what each event must hold is read, tolerantly
  and with a warning, by `payloads`);
- our own contracts: an item button's value and an item modal's metadata hold an item number; the
  Edit-a-section select has a chosen option, the Edit modal names a section; Export has a channel;
- every id the bot may keep (`_ids`: the workspace, the user, the channel, the event id, an event's
  user, channel, item and reaction, a modal's chosen user) is no longer than the record keeps one
  (`domain.slack_ids`: 32 characters, 64 for an event id) and holds no NUL. Slack's own ids are far
  shorter, so a longer one is nothing Slack sent; stored, it would fail on PostgreSQL only, and
  fail again on every retry. A message's own ids are checked where every message is read, live,
  from history or from an export (`outbound/slack/payloads.message_from_slack`).
Socket Mode requests do not pass here: they arrive over Slack's own authenticated connection.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from bot.domain import postmortem as pmd
from bot.domain import slack_ids
from bot.outbound.slack.ids import Action, View

COMMAND = "command"
BLOCK_ACTIONS = "block_actions"
VIEW_SUBMISSION = "view_submission"
EVENT_CALLBACK = "event_callback"

# What identifies an action item in a button's value or a modal's metadata (as commands read it).
_ITEM_NUMBER = re.compile(r"[0-9]{1,9}")
_ITEM_ACTIONS = frozenset(
    {Action.ITEM_START, Action.ITEM_DONE, Action.ITEM_REOPEN, Action.ITEM_REDATE, Action.ITEM_WONTDO}
)
_ITEM_VIEWS = frozenset({View.REDATE_ITEM, View.WONTDO_ITEM})
_SECTIONS = frozenset(s.value for s in pmd.Section)

# Where Bolt (its build_context and its own middleware) and our readers look, and what each field
# may be when present. None reads as absent everywhere but in `event`, which Bolt reads unchecked.
_OBJECT, _OBJECT_OR_ID, _LIST = "an object", "an object or an id", "a list of objects"
_FIELDS = {
    "event": (_OBJECT, False),
    **{name: (_OBJECT, True) for name in ("view", "message", "previous_message", "container", "state")},
    **{name: (_OBJECT_OR_ID, True) for name in ("user", "channel", "item", "team", "enterprise")},
    **{name: (_LIST, True) for name in ("authorizations", "actions")},
    "response_urls": (_LIST, False),
}
# Bolt looks into these the same way as into the body (a reaction's `item`, an edit's `message`).
_NESTED = ("event", "item", "message", "previous_message")


def kind(body: Mapping[str, Any]) -> str:
    """`command`, or the body's `type` (`block_actions`, `view_submission`, `event_callback`…)."""
    if COMMAND in body:
        return COMMAND
    found = body.get("type")
    return found if isinstance(found, str) and found else "unknown"


def problem(body: Mapping[str, Any]) -> str | None:
    """What keeps this body from being read, in a few words; None when every reader can read it."""
    found = _readable_by_bolt(body, "") or _ids(body)
    if found is not None:
        return found
    match kind(body):
        case "command":
            return _command(body)
        case "block_actions":
            return _block_actions(body)
        case "view_submission":
            return _view_submission(body)
        case "event_callback":
            return None if _is_str(_object(body, "event").get("type")) else "an event without a type"
    return None


# --- what Bolt reads ---------------------------------------------------------------------------------


def _readable_by_bolt(node: Mapping[str, Any], where: str) -> str | None:
    for name, (expected, nullable) in _FIELDS.items():
        if name not in node or (nullable and node[name] is None):
            continue
        value = node[name]
        if expected == _LIST:
            fits = isinstance(value, list) and all(isinstance(item, Mapping) for item in value)
        else:
            fits = isinstance(value, Mapping) or (expected == _OBJECT_OR_ID and isinstance(value, str))
        if not fits:
            return f"`{where}{name}` is not {expected}"
    for name in _NESTED:
        inner = node.get(name)
        if isinstance(inner, Mapping) and (found := _readable_by_bolt(inner, f"{where}{name}.")):
            return found
    return None


# --- ids the record keeps -------------------------------------------------------------------------------

_ID, _EVENT_ID, _EMOJI, _TYPE = (
    slack_ids.ID_MAX,
    slack_ids.EVENT_ID_MAX,
    slack_ids.EMOJI_MAX,
    slack_ids.SUBTYPE_MAX,
)
# Where ids sit, and the longest each may be: in the body (a command's, an envelope's, an
# interaction's), in each of `authorizations`, in `event` and its `item`, and where Bolt reads a
# workspace from (`user.team_id`, `view.team_id`). A ts is kept like an id. `team`, `enterprise`,
# `user` and `channel` are an id, or an object holding one (`id`; a channel's `name` too).
_BODY_IDS = {
    "team_id": _ID,
    "enterprise_id": _ID,
    "user_id": _ID,
    "channel_id": _ID,
    "event_id": _EVENT_ID,
    "team": _ID,
    "enterprise": _ID,
    "user": _ID,
    "channel": _ID,
}
_EVENT_IDS = {
    **_BODY_IDS,
    "type": _TYPE,
    "subtype": _TYPE,
    "item_user": _ID,
    "user_team": _ID,
    "ts": _ID,
    "thread_ts": _ID,
    "deleted_ts": _ID,
    "event_ts": _ID,
    "reaction": _EMOJI,
}
_OBJECT_IDS = {"id": _ID, "team_id": _ID, "name": slack_ids.CHANNEL_NAME_MAX}


def _ids(body: Mapping[str, Any]) -> str | None:
    """The first id longer than the record keeps (or holding a NUL), named with where it is."""
    event = _object(body, "event")
    places: list[tuple[str, Mapping[str, Any], Mapping[str, int]]] = [
        ("", body, _BODY_IDS),
        *((f"authorizations[{i}].", a, _BODY_IDS) for i, a in enumerate(_list(body, "authorizations"))),
        ("view.", _object(body, "view"), {"team_id": _ID, "app_installed_team_id": _ID}),
        ("event.", event, _EVENT_IDS),
        ("event.item.", _object(event, "item"), {"channel": _ID, "ts": _ID}),
    ]
    for where, node, limits in places:
        for name, limit in limits.items():
            value = node.get(name)
            found = (
                _id_problem(f"{where}{name}.", value, _OBJECT_IDS)
                if isinstance(value, Mapping)
                else _id_problem(where, node, {name: limit})
            )
            if found:
                return found
    return None


def _id_problem(where: str, node: Mapping[str, Any], limits: Mapping[str, int]) -> str | None:
    for name, limit in limits.items():
        value = node.get(name)
        if isinstance(value, str) and (problem := slack_ids.id_problem(value, limit)):
            return f"`{where}{name}` {problem}"
    return None


# --- each kind ----------------------------------------------------------------------------------------


def _command(body: Mapping[str, Any]) -> str | None:
    for name in ("command", "team_id", "user_id", "channel_id"):
        if not _is_str(body.get(name)):
            return f"a slash command without `{name}`"
    if not isinstance(body.get("text", ""), str):
        return "a slash command whose `text` is not text"
    return None


def _block_actions(body: Mapping[str, Any]) -> str | None:
    if not _is_str(_object(body, "user").get("id")):
        return "block_actions without a user"
    if not _is_str(body.get("trigger_id")):
        return "block_actions without a trigger_id"
    actions = body.get("actions")
    if not actions:
        return "block_actions without an action"
    has_channel = body.get("channel") is not None
    if has_channel and not _is_str(_object(body, "channel").get("id")):
        return "block_actions whose channel has no id"
    if _object(body, "container").get("type") == "message" and not has_channel:
        return "block_actions on a message without its channel"
    for action in actions:
        action_id = action.get("action_id")
        if not _is_str(action_id):
            return "an action without an action_id"
        if not isinstance(action.get("value", ""), str):
            return f"{action_id}: a value that is not text"
        option = action.get("selected_option")
        if option is not None and not (isinstance(option, Mapping) and isinstance(option.get("value"), str)):
            return f"{action_id}: a selected option without a value"
        if action_id in _ITEM_ACTIONS and not _ITEM_NUMBER.fullmatch(str(action.get("value", ""))):
            return f"{action_id}: a value that is not an item number"
        if action_id == Action.EDIT_SECTION and option is None:
            return f"{action_id}: no section chosen"
        if action_id == Action.EXPORT and not has_channel:
            return f"{action_id}: no channel"
    return None


def _view_submission(body: Mapping[str, Any]) -> str | None:
    if not _is_str(_object(body, "user").get("id")):
        return "a view submission without a user"
    view = _object(body, "view")
    callback_id = view.get("callback_id")
    if not _is_str(callback_id):
        return "a view submission without a callback_id"
    found = _inputs(_object(view, "state").get("values"))
    if found is not None:
        return f"{callback_id}: {found}"
    raw = view.get("private_metadata", "")
    if not isinstance(raw, str):
        return f"{callback_id}: private_metadata that is not text"
    try:
        meta = json.loads(raw) if raw else {}
    except (ValueError, RecursionError):
        meta = None
    if not isinstance(meta, Mapping):
        return f"{callback_id}: private_metadata that is not a JSON object"
    if callback_id in _ITEM_VIEWS and not _item_number(meta.get("item_id")):
        return f"{callback_id}: private_metadata without an item number"
    if callback_id == View.EDIT_SECTION and meta.get("section") not in _SECTIONS:
        return f"{callback_id}: private_metadata without a section"
    return None


def _inputs(values: Any) -> str | None:
    """`view.state.values`: block id → action id → the element's state."""
    if not isinstance(values, Mapping):
        return "no input values (view.state.values)"
    for block in values.values():
        if not isinstance(block, Mapping) or not all(isinstance(e, Mapping) for e in block.values()):
            return "input values not nested as Slack nests them"
        for element in block.values():
            option = element.get("selected_option")
            if option is not None and not isinstance(option, Mapping):
                return "a selected option that is not an object"
            picked = element.get("selected_date")
            if picked is not None and not _iso_date(picked):
                return "a date that is not a date"
            for name in ("value", "selected_user"):
                if element.get(name) is not None and not isinstance(element[name], str):
                    return f"an input's {name} that is not text"
            user = element.get("selected_user")
            if isinstance(user, str) and (problem := slack_ids.id_problem(user)):
                return f"a chosen user id {problem}"
    return None


# --- small readers ------------------------------------------------------------------------------------


def _is_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def _list(node: Mapping[str, Any], name: str) -> list[Mapping[str, Any]]:
    value = node.get(name)
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _object(node: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = node.get(name)
    return value if isinstance(value, Mapping) else {}


def _item_number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return _ITEM_NUMBER.fullmatch(str(value)) is not None if isinstance(value, int | str) else False


def _iso_date(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
