"""Surfaces other than messages: views.*, the files.uploadV2 pair, canvases.

The upload POST itself (step 2 of files.uploadV2) is not a Web API method; `server.py` stores its
bytes on the `Upload` that files.getUploadURLExternal created here.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from tests.slack_stub.api_messages import bot_message, check_blocks, thread_parent, writable_channel
from tests.slack_stub.state import Ctx, Upload, registry, ts_key
from tests.slack_stub.wire import Args, SlackError

HANDLERS, handles = registry()

MAX_VIEW_BLOCKS = 100
VIEW_LABEL = 24  # modal title / submit / close
CANVAS_OPERATIONS = frozenset(
    {"insert_after", "insert_before", "insert_at_start", "insert_at_end", "replace", "delete", "rename"}
)


# ---- views --------------------------------------------------------------------------------


def check_view(view: Any, *, types: tuple[str, ...]) -> dict[str, Any]:
    """The limits Slack checks on a view; failures are invalid_arguments with json-pointer messages."""
    if not isinstance(view, dict):
        raise SlackError("invalid_arguments", "[ERROR] missing required field: view")
    problems: list[str] = []
    if view.get("type") not in types:
        problems.append(f"[ERROR] must be one of {', '.join(types)} [json-pointer:/view/type]")
    if view.get("type") == "modal":
        if not isinstance(view.get("title"), dict):
            problems.append("[ERROR] missing required field: title [json-pointer:/view]")
        for label in ("title", "submit", "close"):
            text = (view.get(label) or {}).get("text", "")
            if len(text) > VIEW_LABEL:
                problems.append(
                    f"[ERROR] must be less than {VIEW_LABEL + 1} characters [json-pointer:/view/{label}/text]"
                )
    if len(view.get("private_metadata") or "") > 3000:
        problems.append("[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]")
    if len(view.get("callback_id") or "") > 255:
        problems.append("[ERROR] must be less than 256 characters [json-pointer:/view/callback_id]")
    try:
        check_blocks(view.get("blocks", []), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    except SlackError as e:
        problems.extend(e.messages)
    if problems:
        raise SlackError("invalid_arguments", *problems)
    return view


def view_object(
    ctx: Ctx, view: dict[str, Any], view_id: str, *, previous: str | None = None
) -> dict[str, Any]:
    env = ctx.env
    return {
        "id": view_id,
        "team_id": env.team_id,
        "type": view["type"],
        "title": view.get("title"),
        "submit": view.get("submit"),
        "close": view.get("close"),
        "blocks": view.get("blocks", []),
        "private_metadata": view.get("private_metadata", ""),
        "callback_id": view.get("callback_id", ""),
        "external_id": view.get("external_id", ""),
        "state": {"values": {}},
        "hash": ctx.ids.new_ts().replace(".", "") + ".stubhash",
        "clear_on_close": bool(view.get("clear_on_close", False)),
        "notify_on_close": bool(view.get("notify_on_close", False)),
        "previous_view_id": previous,
        "root_view_id": view_id,
        "app_id": env.app_id,
        "app_installed_team_id": env.team_id,
        "bot_id": env.bot_id,
    }


def _record_view(ctx: Ctx, method: str, view: dict[str, Any], **about: Any) -> dict[str, Any]:
    ctx.state.live_views[view["id"]] = view
    ctx.state.views.append({"method": method, **about, "view": view})
    return {"ok": True, "view": view}


def _trigger(args: Args) -> dict[str, str]:
    trigger = {k: v for k in ("trigger_id", "interactivity_pointer") if (v := args.text(k))}
    if not trigger:
        raise SlackError("invalid_arguments", "[ERROR] missing required field: trigger_id")
    return trigger


@handles("views.open")
def views_open(ctx: Ctx, args: Args) -> dict[str, Any]:
    trigger = _trigger(args)
    view = check_view(args.get("view"), types=("modal",))
    return _record_view(ctx, "views.open", view_object(ctx, view, ctx.ids.new_id("V")), **trigger)


@handles("views.push")
def views_push(ctx: Ctx, args: Args) -> dict[str, Any]:
    trigger = _trigger(args)
    view = check_view(args.get("view"), types=("modal",))
    return _record_view(ctx, "views.push", view_object(ctx, view, ctx.ids.new_id("V")), **trigger)


@handles("views.update")
def views_update(ctx: Ctx, args: Args) -> dict[str, Any]:
    view_id, external_id = args.text("view_id"), args.text("external_id")
    if not view_id and not external_id:
        raise SlackError("invalid_arguments", "[ERROR] view_id or external_id is required")
    live = ctx.state.live_views.values()
    current = next(
        (v for v in live if v["id"] == view_id or (external_id and v["external_id"] == external_id)), None
    )
    if current is None:
        raise SlackError("not_found")
    if args.text("hash") and args.text("hash") != current["hash"]:
        raise SlackError("hash_conflict")
    view = check_view(args.get("view"), types=("modal", "home"))
    updated = view_object(ctx, view, current["id"], previous=current["previous_view_id"])
    return _record_view(ctx, "views.update", updated, view_id=current["id"])


@handles("views.publish")
def views_publish(ctx: Ctx, args: Args) -> dict[str, Any]:
    user_id = args.require("user_id", "invalid_arguments")
    view = check_view(args.get("view"), types=("home",))
    home = next((v for v in ctx.state.views if v.get("user_id") == user_id), None)
    current = ctx.state.live_views.get(home["view"]["id"]) if home else None
    if current and args.text("hash") and args.text("hash") != current["hash"]:
        raise SlackError("hash_conflict")
    view_id = current["id"] if current else ctx.ids.new_id("V")
    return _record_view(ctx, "views.publish", view_object(ctx, view, view_id), user_id=user_id)


# ---- files.uploadV2 -----------------------------------------------------------------------


@handles("files.getUploadURLExternal")
def files_get_upload_url_external(ctx: Ctx, args: Args) -> dict[str, Any]:
    filename = args.require("filename", "invalid_arguments")
    length = args.number("length", 0, minimum=0, maximum=1 << 40)
    if length <= 0:
        raise SlackError("invalid_arguments", "[ERROR] length must be a positive integer")
    upload = Upload(
        id=ctx.ids.new_id("F"),
        filename=filename,
        length=length,
        alt_txt=args.text("alt_txt"),
        snippet_type=args.text("snippet_type"),
    )
    ctx.state.uploads[upload.id] = upload
    return {"ok": True, "upload_url": f"{ctx.server_root}upload/v1/{upload.id}", "file_id": upload.id}


def file_object(ctx: Ctx, upload: Upload, created: int) -> dict[str, Any]:
    mimetype = mimetypes.guess_type(upload.filename)[0] or "application/octet-stream"
    extension = upload.filename.rpartition(".")[2].lower() if "." in upload.filename else "binary"
    return {
        "id": upload.id,
        "created": created,
        "timestamp": created,
        "name": upload.filename,
        "title": upload.title or upload.filename,
        "mimetype": mimetype,
        "filetype": extension,
        "user": ctx.env.bot_user_id,
        "size": len(upload.content or b""),
        "mode": "hosted",
        "is_external": False,
        "url_private": f"{ctx.server_root}files/{upload.id}/{upload.filename}",
        "permalink": f"{ctx.env.workspace_url}files/{ctx.env.bot_user_id}/{upload.id}/{upload.filename}",
    }


@handles("files.completeUploadExternal")
def files_complete_upload_external(ctx: Ctx, args: Args) -> dict[str, Any]:
    """Marks the uploads complete and, given channel_id (or channels), shares them in one message."""
    entries = args.get("files")
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(f, dict) and f.get("id") for f in entries)
    ):
        raise SlackError("invalid_arguments", "[ERROR] files must be a JSON array of {id, title}")
    uploads = []
    for entry in entries:
        upload = ctx.state.uploads.get(entry["id"])
        if upload is None or upload.content is None:  # the stub's choice for "bytes never arrived"
            raise SlackError("file_not_found")
        uploads.append((upload, entry.get("title")))
    targets = [args.text("channel_id")] if args.text("channel_id") else args.ids("channels")
    channels = [writable_channel(ctx, Args({"channel": t}))["id"] for t in targets]
    thread_ts = args.text("thread_ts")
    if thread_ts and not channels:
        raise SlackError("invalid_arguments", "[ERROR] thread_ts needs channel_id")
    parents = {c: thread_parent(ctx, c, thread_ts) for c in channels}
    ts = ctx.ids.new_ts()
    created = int(ts_key(ts))
    for upload, title in uploads:
        upload.title = title or upload.title or upload.filename
        upload.completed = True
        upload.channel = channels[0] if channels else None
        upload.thread_ts = parents.get(upload.channel or "")
        upload.initial_comment = args.text("initial_comment")
    files = [file_object(ctx, upload, created) for upload, _ in uploads]
    for channel in channels:
        message = bot_message(
            ctx, ts, {"text": args.text("initial_comment") or "", "files": files, "upload": True}
        )
        if parents[channel]:
            message["thread_ts"] = parents[channel]
        ctx.state.add_message(channel, message)
    return {"ok": True, "files": [{"id": f["id"], "title": f["title"]} for f in files]}


# ---- canvases -----------------------------------------------------------------------------


def _markdown(args: Args, *, required: bool) -> str:
    content = args.get("document_content")
    if content is None and not required:
        return ""
    if (
        not isinstance(content, dict)
        or content.get("type") != "markdown"
        or not isinstance(content.get("markdown"), str)
    ):
        raise SlackError(
            "invalid_arguments", "[ERROR] document_content must be {type: markdown, markdown: str}"
        )
    markdown: str = content["markdown"]
    return markdown


def _new_canvas(ctx: Ctx, *, title: str | None, markdown: str, channel_id: str | None) -> dict[str, Any]:
    canvas_id = ctx.ids.new_id("F")
    canvas: dict[str, Any] = {
        "id": canvas_id,
        "title": title,
        "markdown": markdown,
        "channel_id": channel_id,
        "changes": [],
    }
    ctx.state.canvases[canvas_id] = canvas
    return {"ok": True, "canvas_id": canvas_id}


@handles("conversations.canvases.create")
def conversations_canvases_create(ctx: Ctx, args: Args) -> dict[str, Any]:
    record = writable_channel(ctx, Args({"channel": args.text("channel_id")}))
    if "canvas" in record.get("properties", {}):
        raise SlackError("channel_canvas_already_exists")
    markdown = _markdown(args, required=False)
    out = _new_canvas(ctx, title=args.text("title"), markdown=markdown, channel_id=record["id"])
    record.setdefault("properties", {})["canvas"] = {"file_id": out["canvas_id"], "is_empty": not markdown}
    return out


@handles("canvases.create")
def canvases_create(ctx: Ctx, args: Args) -> dict[str, Any]:
    channel_id = args.text("channel_id")
    if channel_id:
        channel_id = writable_channel(ctx, Args({"channel": channel_id}))["id"]
    return _new_canvas(
        ctx, title=args.text("title"), markdown=_markdown(args, required=False), channel_id=channel_id
    )


@handles("canvases.edit")
def canvases_edit(ctx: Ctx, args: Args) -> dict[str, Any]:
    """Applies whole-document operations to the canvas's markdown (section ids are not modelled)."""
    canvas = ctx.state.canvases.get(args.text("canvas_id") or "")
    if canvas is None:
        raise SlackError("canvas_not_found")
    changes = args.get("changes")
    if not isinstance(changes, list) or not changes:
        raise SlackError("invalid_arguments", "[ERROR] changes must be a non-empty array")
    for change in changes:
        operation = change.get("operation") if isinstance(change, dict) else None
        if operation not in CANVAS_OPERATIONS:
            raise SlackError("invalid_arguments", f"[ERROR] unknown operation: {operation!r}")
        text = (change.get("document_content") or {}).get("markdown", "")
        if operation == "rename":
            canvas["title"] = (change.get("title_content") or {}).get("markdown", canvas["title"])
        elif operation in ("insert_at_end", "insert_after"):
            canvas["markdown"] = canvas["markdown"] + text
        elif operation in ("insert_at_start", "insert_before"):
            canvas["markdown"] = text + canvas["markdown"]
        elif operation == "replace":
            canvas["markdown"] = text
        elif operation == "delete":
            canvas["markdown"] = ""
        canvas["changes"].append(change)
    return {"ok": True}
