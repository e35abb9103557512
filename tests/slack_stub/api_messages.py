"""Messages: chat.*, conversations.history / conversations.replies, pins.list, reactions.get."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.slack_stub.state import Ctx, decode_cursor, encode_cursor, registry, ts_key
from tests.slack_stub.wire import Args, SlackError

HANDLERS, handles = registry()

MAX_TEXT = 40_000
MAX_BLOCKS = 50
MAX_ATTACHMENTS = 100
SECTION_TEXT = 3000
SECTION_FIELD_TEXT = 2000
HEADER_TEXT = 150


# ---- validation ---------------------------------------------------------------------------


def check_blocks(blocks: Any, *, limit: int = MAX_BLOCKS, pointer: str = "/blocks") -> list[dict[str, Any]]:
    """Block Kit limits Slack enforces on messages; returns the blocks or raises invalid_blocks."""
    if not isinstance(blocks, list):
        raise SlackError("invalid_blocks_format", f"[ERROR] must provide an array [json-pointer:{pointer}]")
    problems: list[str] = []
    if len(blocks) > limit:
        problems.append(f"[ERROR] no more than {limit} items allowed [json-pointer:{pointer}]")
    seen_ids: set[str] = set()
    for i, block in enumerate(blocks):
        at = f"{pointer}/{i}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(f"[ERROR] missing required field: type [json-pointer:{at}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if block_id in seen_ids:
                problems.append(f"[ERROR] duplicate block_id: {block_id} [json-pointer:{at}/block_id]")
            seen_ids.add(block_id)
        text = block.get("text")
        text_value = text.get("text", "") if isinstance(text, dict) else ""
        if block["type"] == "section":
            if not text and not block.get("fields"):
                problems.append(f"[ERROR] must provide either text or fields [json-pointer:{at}]")
            if len(text_value) > SECTION_TEXT:
                problems.append(
                    f"[ERROR] must be less than {SECTION_TEXT + 1} characters [json-pointer:{at}/text/text]"
                )
            for j, fld in enumerate(block.get("fields") or []):
                if len(fld.get("text", "")) > SECTION_FIELD_TEXT:
                    problems.append(
                        f"[ERROR] must be less than {SECTION_FIELD_TEXT + 1} characters "
                        f"[json-pointer:{at}/fields/{j}/text]"
                    )
        elif block["type"] == "header" and len(text_value) > HEADER_TEXT:
            problems.append(
                f"[ERROR] must be less than {HEADER_TEXT + 1} characters [json-pointer:{at}/text/text]"
            )
    if problems:
        raise SlackError("invalid_blocks", *problems)
    return blocks


def message_content(args: Args, *, require: bool) -> dict[str, Any]:
    """text / blocks / attachments / metadata of chat.postMessage, postEphemeral and update."""
    content: dict[str, Any] = {}
    text = args.get("text", args.get("markdown_text"))
    if text is not None:
        content["text"] = str(text)
        if len(content["text"]) > MAX_TEXT:
            raise SlackError("msg_too_long")
    if args.get("blocks") is not None:
        content["blocks"] = check_blocks(args.get("blocks"))
    attachments = args.get("attachments")
    if attachments is not None:
        if not isinstance(attachments, list):
            raise SlackError("invalid_attachments")
        if len(attachments) > MAX_ATTACHMENTS:
            raise SlackError("too_many_attachments")
        content["attachments"] = attachments
    metadata = args.get("metadata")
    if metadata is not None:
        if not isinstance(metadata, dict) or not {"event_type", "event_payload"} <= metadata.keys():
            raise SlackError("invalid_metadata_format")
        content["metadata"] = metadata
    if require and not (content.get("text") or content.get("blocks") or content.get("attachments")):
        raise SlackError("no_text")
    return content


def writable_channel(ctx: Ctx, args: Args) -> dict[str, Any]:
    record = ctx.state.channel(args.text("channel"))
    if record["is_archived"]:
        raise SlackError("is_archived")
    return record


def thread_parent(ctx: Ctx, channel: str, thread_ts: str | None) -> str | None:
    """The parent ts for a reply; a reply's ts resolves to its thread (as Slack does)."""
    if thread_ts is None:
        return None
    found = ctx.state.messages[channel].get(thread_ts)
    if found is None:
        # Stricter than Slack, which accepts any ts and leaves the reply orphaned: a test wants to know.
        raise SlackError("thread_not_found")
    return found.get("thread_ts") or thread_ts


def is_bots(ctx: Ctx, message: dict[str, Any]) -> bool:
    return message.get("bot_id") == ctx.env.bot_id or message.get("user") == ctx.env.bot_user_id


def bot_message(ctx: Ctx, ts: str, content: dict[str, Any]) -> dict[str, Any]:
    env = ctx.env
    return {
        "type": "message",
        "ts": ts,
        "user": env.bot_user_id,
        "bot_id": env.bot_id,
        "app_id": env.app_id,
        "team": env.team_id,
        "text": "",
        **content,
        "bot_profile": {"id": env.bot_id, "app_id": env.app_id, "name": env.bot_name, "team_id": env.team_id},
    }


# ---- reading ------------------------------------------------------------------------------


def _window(args: Args) -> tuple[Decimal | None, Decimal | None, bool]:
    return args.ts("oldest"), args.ts("latest"), args.flag("inclusive")


def _inside(ts: str, oldest: Decimal | None, latest: Decimal | None, inclusive: bool) -> bool:
    key = ts_key(ts)
    if oldest is not None and (key < oldest or (key == oldest and not inclusive)):
        return False
    return not (latest is not None and (key > latest or (key == latest and not inclusive)))


def _page(messages: list[dict[str, Any]], args: Args, *, newest_first: bool, limit: int) -> dict[str, Any]:
    """Cursor pagination by ts: the cursor names the first message of the next page."""
    start = decode_cursor(args.text("cursor"), "next_ts")
    if start is not None:
        first = ts_key(start)
        messages = [
            m for m in messages if (ts_key(m["ts"]) <= first if newest_first else ts_key(m["ts"]) >= first)
        ]
    page, rest = messages[:limit], messages[limit:]
    out: dict[str, Any] = {"page": page, "has_more": bool(rest)}
    out["next_cursor"] = encode_cursor("next_ts", rest[0]["ts"]) if rest else ""
    return out


def _shown(message: dict[str, Any], args: Args) -> dict[str, Any]:
    """A message as history and replies show it: its metadata only when include_all_metadata."""
    if not args.flag("include_all_metadata"):
        message.pop("metadata", None)
    return message


@handles("conversations.history")
def conversations_history(ctx: Ctx, args: Args) -> dict[str, Any]:
    """Newest first; thread replies only when broadcast (subtype thread_broadcast). Message metadata
    (chat.postMessage's `metadata`) only with include_all_metadata, as Slack does."""
    state = ctx.state
    channel = state.channel(args.text("channel"))["id"]
    oldest, latest, inclusive = _window(args)
    visible = [
        m
        for m in reversed(state.ordered(channel))
        if m.get("thread_ts") in (None, m["ts"]) or m.get("subtype") == "thread_broadcast"
    ]
    visible = [m for m in visible if _inside(m["ts"], oldest, latest, inclusive)]
    result = _page(visible, args, newest_first=True, limit=args.number("limit", 100, maximum=999))
    pinned = sum(1 for m in state.messages[channel].values() if channel in m.get("pinned_to", ()))
    out: dict[str, Any] = {
        "ok": True,
        "messages": [_shown(state.render(channel, m), args) for m in result["page"]],
        "has_more": result["has_more"],
        "pin_count": pinned,
    }
    if result["has_more"]:
        out["response_metadata"] = {"next_cursor": result["next_cursor"]}
    return out


@handles("conversations.replies")
def conversations_replies(ctx: Ctx, args: Args) -> dict[str, Any]:
    """The parent first (first page only), then its replies oldest first; metadata as in history."""
    state = ctx.state
    channel = state.channel(args.text("channel"))["id"]
    ts = args.require("ts", "thread_not_found")
    found = state.messages[channel].get(ts)
    if found is None:
        raise SlackError("thread_not_found")
    parent_ts = found.get("thread_ts") or ts
    parent = state.messages[channel].get(parent_ts, found)
    oldest, latest, inclusive = _window(args)
    thread = [parent] + [
        m for m in state.replies_to(channel, parent_ts) if _inside(m["ts"], oldest, latest, inclusive)
    ]
    result = _page(thread, args, newest_first=False, limit=args.number("limit", 1000, maximum=1000))
    out: dict[str, Any] = {
        "ok": True,
        "messages": [_shown(state.render(channel, m), args) for m in result["page"]],
        "has_more": result["has_more"],
    }
    if result["has_more"]:
        out["response_metadata"] = {"next_cursor": result["next_cursor"]}
    return out


@handles("pins.list")
def pins_list(ctx: Ctx, args: Args) -> dict[str, Any]:
    state = ctx.state
    channel = state.channel(args.text("channel"))["id"]
    items = [
        {
            "type": "message",
            "channel": channel,
            "created": int(ts_key(m["ts"])),
            "created_by": m.get("user", ""),
            "message": state.render(channel, m),
        }
        for m in state.ordered(channel)
        if channel in m.get("pinned_to", ())
    ]
    return {"ok": True, "items": items}


@handles("reactions.get")
def reactions_get(ctx: Ctx, args: Args) -> dict[str, Any]:
    state = ctx.state
    channel = state.channel(args.text("channel"))["id"]
    message = state.message(channel, args.text("timestamp"))
    return {"ok": True, "type": "message", "channel": channel, "message": state.render(channel, message)}


# ---- writing ------------------------------------------------------------------------------


@handles("chat.postMessage")
def chat_post_message(ctx: Ctx, args: Args) -> dict[str, Any]:
    channel = writable_channel(ctx, args)["id"]
    content = message_content(args, require=True)
    parent_ts = thread_parent(ctx, channel, args.text("thread_ts"))
    message = bot_message(ctx, ctx.ids.new_ts(), content)
    if args.text("username"):
        message["username"] = args.text("username")
    if parent_ts is not None:
        message["thread_ts"] = parent_ts
        if args.flag("reply_broadcast"):
            message["subtype"] = "thread_broadcast"
    ctx.state.add_message(channel, message)
    return {
        "ok": True,
        "channel": channel,
        "ts": message["ts"],
        "message": ctx.state.render(channel, message),
    }


@handles("chat.postEphemeral")
def chat_post_ephemeral(ctx: Ctx, args: Args) -> dict[str, Any]:
    record = writable_channel(ctx, args)
    user = ctx.state.user(args.text("user"))["id"]
    if record["members"] and user not in record["members"]:
        raise SlackError("user_not_in_channel")
    content = message_content(args, require=True)
    message_ts = ctx.ids.new_ts()
    ephemeral = {"channel": record["id"], "user": user, "message_ts": message_ts, **content}
    if args.text("thread_ts"):
        ephemeral["thread_ts"] = args.text("thread_ts")
    ctx.state.ephemerals.append(ephemeral)
    return {"ok": True, "message_ts": message_ts}


@handles("chat.update")
def chat_update(ctx: Ctx, args: Args) -> dict[str, Any]:
    channel = writable_channel(ctx, args)["id"]
    message = ctx.state.message(channel, args.text("ts"))
    if not is_bots(ctx, message):
        raise SlackError("cant_update_message")
    content = message_content(args, require=False)
    if not content:
        raise SlackError("no_text")
    message.update(content)
    message["edited"] = {"user": ctx.env.bot_user_id, "ts": ctx.ids.new_ts()}
    rendered = ctx.state.render(channel, message)
    return {"ok": True, "channel": channel, "ts": message["ts"], "text": message["text"], "message": rendered}


@handles("chat.delete")
def chat_delete(ctx: Ctx, args: Args) -> dict[str, Any]:
    """A parent with replies becomes a tombstone, as in Slack; anything else disappears."""
    state = ctx.state
    channel = state.channel(args.text("channel"))["id"]
    message = state.message(channel, args.text("ts"))
    if not is_bots(ctx, message):
        raise SlackError("cant_delete_message")
    if message.get("thread_ts") == message["ts"] or state.replies_to(channel, message["ts"]):
        tombstone = {"type": "message", "subtype": "tombstone", "text": "This message was deleted."}
        state.messages[channel][message["ts"]] = {
            **tombstone,
            "ts": message["ts"],
            "thread_ts": message["ts"],
            "user": "USLACKBOT",
            "hidden": True,
        }
    else:
        del state.messages[channel][message["ts"]]
    return {"ok": True, "channel": channel, "ts": message["ts"]}


@handles("chat.getPermalink")
def chat_get_permalink(ctx: Ctx, args: Args) -> dict[str, Any]:
    channel = ctx.state.channel(args.text("channel"))["id"]
    message = ctx.state.message(channel, args.text("message_ts"))
    link = f"{ctx.env.workspace_url}archives/{channel}/p{message['ts'].replace('.', '')}"
    if message.get("thread_ts") not in (None, message["ts"]):
        link += f"?thread_ts={message['thread_ts']}&cid={channel}"
    return {"ok": True, "channel": channel, "permalink": link}
