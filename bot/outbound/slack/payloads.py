"""Slack's JSON for messages and users → the plain records the bot keeps.

One parser for every way a message arrives: an Events API delivery, a conversations.history or
conversations.replies page (read by `reader`), and a Slack export file. Tolerant of missing and odd
fields (Slack omits what is empty), strict only about `ts`, the key everything hangs on. A record's
`text` is what the message shows: its `text` plus what its blocks and attachments add
(`visible_text` says how they combine), in Slack's wire format. It lives
with the Web API wrapper because the reader needs it; inbound listeners and the export reader
import it from here (inbound may look down, outbound never up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain.messages import NewMessage
from bot.domain.timeline import UserInfo, ts_to_datetime
from bot.outbound.slack.visible_text import visible_text


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _name(value: Any) -> str | None:
    """A name as shown: surrounding blanks dropped, a blank name is no name."""
    return " ".join(value.split()) or None if isinstance(value, str) else None


def author_name(raw: Mapping[str, Any]) -> str | None:
    """Who posted a message that has no known user: integrations, webhooks, bots, guests."""
    user_profile = raw.get("user_profile")
    user_profile = user_profile if isinstance(user_profile, Mapping) else {}
    bot_profile = raw.get("bot_profile")
    bot_profile = bot_profile if isinstance(bot_profile, Mapping) else {}
    return (
        _str(user_profile.get("display_name"))
        or _str(user_profile.get("real_name"))
        or _str(raw.get("username"))
        or _str(bot_profile.get("name"))
    )


def _reactions(raw: Any) -> dict[str, tuple[str, ...]] | None:
    if not isinstance(raw, list):
        return None
    reactions: dict[str, tuple[str, ...]] = {}
    for reaction in raw:
        if isinstance(reaction, Mapping) and _str(reaction.get("name")):
            users = reaction.get("users")
            reactions[str(reaction["name"])] = tuple(
                u for u in (users if isinstance(users, list) else ()) if isinstance(u, str)
            )
    return reactions


def _file_names(raw: Any) -> tuple[str, ...]:
    return tuple(
        name
        for f in (raw if isinstance(raw, list) else ())
        if isinstance(f, Mapping) and (name := _str(f.get("name")) or _str(f.get("title")))
    )


def message_from_slack(raw: Mapping[str, Any]) -> NewMessage:
    """Raises ValueError when the message has no usable ts."""
    ts = raw.get("ts")
    if not isinstance(ts, str):
        raise ValueError(f"a message has no ts (text: {str(raw.get('text', ''))[:60]!r})")
    ts_to_datetime(ts)  # raises ValueError on a malformed ts
    edited = raw.get("edited")
    edited_at = None
    if isinstance(edited, Mapping) and isinstance(edited.get("ts"), str):
        try:
            edited_at = ts_to_datetime(edited["ts"])
        except ValueError:
            edited_at = None
    reply_count = raw.get("reply_count")
    reply_users = raw.get("reply_users")
    return NewMessage(
        ts=ts,
        text=visible_text(raw),
        user_id=_str(raw.get("user")),
        author_name=author_name(raw),
        thread_ts=_str(raw.get("thread_ts")),
        subtype=_str(raw.get("subtype")),
        bot_id=_str(raw.get("bot_id")),
        files=_file_names(raw.get("files")),
        pinned=bool(raw.get("pinned_to")),
        reply_count=reply_count if isinstance(reply_count, int) else 0,
        reply_users=tuple(u for u in reply_users if isinstance(u, str))
        if isinstance(reply_users, list)
        else (),
        edited_at=edited_at,
        reactions=_reactions(raw.get("reactions")),
    )


def user_from_slack(raw: Mapping[str, Any]) -> UserInfo:
    """A users.info `user` (or an export's users.json entry) → name to show and time zone."""
    profile = raw.get("profile") if isinstance(raw.get("profile"), Mapping) else {}
    assert isinstance(profile, Mapping)
    name = (
        _name(profile.get("display_name"))
        or _name(profile.get("real_name"))
        or _name(raw.get("real_name"))
        or _name(raw.get("name"))
        or _name(raw.get("id"))
        or "unknown"
    )
    return UserInfo(display_name=name, tz=_str(raw.get("tz")))
