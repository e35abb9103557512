"""Who and where: auth.test, team.info, users.*, and conversations.* other than history/replies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.slack_stub.state import Ctx, page_by_key, registry
from tests.slack_stub.wire import Args, SlackError

HANDLERS, handles = registry()

CONVERSATION_TYPES: dict[str, Callable[[dict[str, Any]], bool]] = {
    "public_channel": lambda c: not c["is_private"],
    "private_channel": lambda c: c["is_private"] and not c["is_im"] and not c["is_mpim"],
    "im": lambda c: c["is_im"],
    "mpim": lambda c: c["is_mpim"],
}


@handles("auth.test")
def auth_test(ctx: Ctx, args: Args) -> dict[str, Any]:
    env = ctx.env
    return {
        "ok": True,
        "url": env.workspace_url,
        "team": env.team_name,
        "user": env.bot_name,
        "team_id": env.team_id,
        "user_id": env.bot_user_id,
        "bot_id": env.bot_id,
        "app_id": env.app_id,
        "is_enterprise_install": False,
    }


@handles("team.info")
def team_info(ctx: Ctx, args: Args) -> dict[str, Any]:
    env = ctx.env
    team = args.text("team")
    if team is not None and team != env.team_id:
        raise SlackError("team_not_found")
    return {
        "ok": True,
        "team": {
            "id": env.team_id,
            "name": env.team_name,
            "domain": env.team_domain,
            "email_domain": "",
            "url": env.workspace_url,
            "icon": {"image_default": True},
            "is_verified": False,
        },
    }


@handles("users.info")
def users_info(ctx: Ctx, args: Args) -> dict[str, Any]:
    return {"ok": True, "user": dict(ctx.state.user(args.text("user")))}


@handles("users.list")
def users_list(ctx: Ctx, args: Args) -> dict[str, Any]:
    users = list(ctx.state.users.values())
    page = page_by_key(users, "id", args.text("cursor"), args.number("limit", 1000, maximum=1000))
    return {
        "ok": True,
        "members": page["items"],
        "cache_ts": 1_700_000_000,
        "response_metadata": {"next_cursor": page["next_cursor"]},
    }


@handles("conversations.info")
def conversations_info(ctx: Ctx, args: Args) -> dict[str, Any]:
    record = ctx.state.channel(args.text("channel"))
    return {
        "ok": True,
        "channel": ctx.state.render_channel(record, num_members=args.flag("include_num_members")),
    }


@handles("conversations.list")
def conversations_list(ctx: Ctx, args: Args) -> dict[str, Any]:
    types = args.ids("types") or ["public_channel"]
    unknown = [t for t in types if t not in CONVERSATION_TYPES]
    if unknown:
        raise SlackError("invalid_types", f"[ERROR] unknown types: {', '.join(unknown)}")
    exclude_archived = args.flag("exclude_archived")
    chosen = [
        c
        for c in ctx.state.channels.values()
        if any(CONVERSATION_TYPES[t](c) for t in types) and not (exclude_archived and c["is_archived"])
    ]
    page = page_by_key(chosen, "id", args.text("cursor"), args.number("limit", 100, maximum=1000))
    return {
        "ok": True,
        "channels": [ctx.state.render_channel(c) for c in page["items"]],
        "response_metadata": {"next_cursor": page["next_cursor"]},
    }


@handles("conversations.members")
def conversations_members(ctx: Ctx, args: Args) -> dict[str, Any]:
    record = ctx.state.channel(args.text("channel"))
    members = [{"id": m} for m in record["members"]]
    page = page_by_key(members, "id", args.text("cursor"), args.number("limit", 100, maximum=1000))
    return {
        "ok": True,
        "members": [m["id"] for m in page["items"]],
        "response_metadata": {"next_cursor": page["next_cursor"]},
    }


@handles("conversations.join")
def conversations_join(ctx: Ctx, args: Args) -> dict[str, Any]:
    record = ctx.state.channel(args.text("channel"))
    if record["is_archived"]:
        raise SlackError("is_archived")
    if record["is_private"]:
        raise SlackError("method_not_supported_for_channel_type")
    out: dict[str, Any] = {"ok": True}
    if ctx.env.bot_user_id in record["members"]:
        out["warning"] = "already_in_channel"
        out["response_metadata"] = {"warnings": ["already_in_channel"]}
    else:
        record["members"].append(ctx.env.bot_user_id)
    out["channel"] = ctx.state.render_channel(record)
    return out


@handles("conversations.open")
def conversations_open(ctx: Ctx, args: Args) -> dict[str, Any]:
    """A DM for one user (D-id stable per user); several users give a multi-person DM."""
    state = ctx.state
    if args.text("channel"):
        record = state.channel(args.text("channel"))
        return {"ok": True, "no_op": True, "already_open": True, "channel": state.render_channel(record)}
    users = [u for u in args.ids("users") if u != ctx.env.bot_user_id]
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 8:
        raise SlackError("too_many_users")
    for user in users:
        state.user(user)
    if len(users) == 1:
        existed = "D" + users[0][1:] in state.channels
        record = state.open_dm(users[0])
    else:
        members = sorted({*users, ctx.env.bot_user_id})
        mpim_id = "G" + "".join(m[1:4] for m in members).upper()
        existed = mpim_id in state.channels
        if not existed:
            name = "mpdm-" + "--".join(state.users[m]["name"] for m in members if m in state.users) + "-1"
            state.add_channel(mpim_id, name, members=members, is_mpim=True)
        record = state.channels[mpim_id]
    out: dict[str, Any] = {"ok": True}
    if existed:
        out.update({"no_op": True, "already_open": True})
    full = args.flag("return_im")
    out["channel"] = state.render_channel(record) if full else {"id": record["id"]}
    return out
