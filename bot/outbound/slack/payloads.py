"""Slack's JSON for messages and users → the plain records the bot keeps.

One parser for every way a message arrives: an Events API delivery, a conversations.history or
conversations.replies page (read by `reader`), and a Slack export file. Tolerant of missing and odd
fields (Slack omits what is empty), strict about what the record is keyed and joined by: `ts` and
`thread_ts` must be Slack timestamps, and an id (the user, the bot, a reactor), a subtype or an
emoji name longer than the record keeps one (`domain.slack_ids`) is nothing Slack sends, so the
message is refused (ValueError, saying which and why) rather than stored cut — the same on every
path and every database. A record's `text` is what the message shows: its `text` plus what its
blocks and attachments add (`visible_text` says how they combine), in Slack's wire format, exactly
as sent (the record stores a NUL in it as U+FFFD: `store.db.KeptText`). A name (of a person, an
app, a file) is cut to what the record keeps, its NUL characters replaced likewise. A file without a
name (one hidden by the plan's limit, a deleted one) counts as a file all the same, named "" (the
timeline says "a file"). It lives with the Web API wrapper because the reader needs it; inbound
listeners and the export reader import it from here (inbound may look down, outbound never up).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.domain import slack_ids
from bot.domain.messages import NewMessage
from bot.domain.timeline import UserInfo, ts_to_datetime
from bot.outbound.slack.visible_text import visible_text

_TZ_MAX = 64  # the longest IANA name is 32; the record keeps 64


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _name(value: Any) -> str | None:
    """A name as shown: surrounding blanks dropped, a blank name is no name; NUL replaced, cut to
    what the record keeps."""
    return slack_ids.kept_name(" ".join(value.split())) or None if isinstance(value, str) else None


def _id(raw: Mapping[str, Any], name: str, what: str, limit: int = slack_ids.ID_MAX) -> str | None:
    """The string at `name`, or None; ValueError when it is longer than the record keeps."""
    value = _str(raw.get(name))
    if value is not None and (problem := slack_ids.id_problem(value, limit)):
        raise ValueError(f"{_which(raw)} has {what} {problem}")
    return value


def _which(raw: Mapping[str, Any]) -> str:
    ts = raw.get("ts")
    return f"the message at ts {slack_ids.shown_id(ts)}" if isinstance(ts, str) else "a message"


def _thread_ts(raw: Mapping[str, Any]) -> str | None:
    thread_ts = _str(raw.get("thread_ts"))
    if thread_ts is not None:
        try:
            ts_to_datetime(thread_ts)
        except ValueError:
            raise ValueError(
                f"{_which(raw)} has a thread_ts that is not a Slack ts ({slack_ids.shown_id(thread_ts)})"
            ) from None
    return thread_ts


def author_name(raw: Mapping[str, Any]) -> str | None:
    """Who posted a message that has no known user: integrations, webhooks, bots, guests."""
    user_profile = raw.get("user_profile")
    user_profile = user_profile if isinstance(user_profile, Mapping) else {}
    bot_profile = raw.get("bot_profile")
    bot_profile = bot_profile if isinstance(bot_profile, Mapping) else {}
    found = (
        _str(user_profile.get("display_name"))
        or _str(user_profile.get("real_name"))
        or _str(raw.get("username"))
        or _str(bot_profile.get("name"))
    )
    return slack_ids.kept_name(found) if found else None


def _reactions(message: Mapping[str, Any]) -> dict[str, tuple[str, ...]] | None:
    raw = message.get("reactions")
    if not isinstance(raw, list):
        return None
    reactions: dict[str, tuple[str, ...]] = {}
    for reaction in raw:
        if isinstance(reaction, Mapping) and _str(reaction.get("name")):
            name = str(reaction["name"])
            if problem := slack_ids.id_problem(name, slack_ids.EMOJI_MAX):
                raise ValueError(f"{_which(message)} has a reaction whose emoji name is {problem}")
            users = reaction.get("users")
            users = tuple(u for u in (users if isinstance(users, list) else ()) if isinstance(u, str) and u)
            for user in users:
                if problem := slack_ids.id_problem(user):
                    raise ValueError(f"{_which(message)} has a :{name}: reaction by a user id {problem}")
            reactions[name] = users
    return reactions


def _file_names(raw: Any) -> tuple[str, ...]:
    """Each file's name (or title); "" for a file that shows none (hidden by the plan's limit,
    deleted): it is still a file the message holds."""
    return tuple(
        slack_ids.kept_name(_str(f.get("name")) or _str(f.get("title")) or "")
        for f in (raw if isinstance(raw, list) else ())
        if isinstance(f, Mapping)
    )


def message_from_slack(raw: Mapping[str, Any]) -> NewMessage:
    """Raises ValueError, saying which message and why, when it has no usable ts or thread_ts, or an
    id, subtype or emoji name longer than the record keeps (nothing Slack sends)."""
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
        user_id=_id(raw, "user", "a user id"),
        author_name=author_name(raw),
        thread_ts=_thread_ts(raw),
        subtype=_id(raw, "subtype", "a subtype", slack_ids.SUBTYPE_MAX),
        bot_id=_id(raw, "bot_id", "a bot id"),
        files=_file_names(raw.get("files")),
        pinned=bool(raw.get("pinned_to")),
        reply_count=reply_count if isinstance(reply_count, int) else 0,
        reply_users=tuple(u for u in reply_users if isinstance(u, str) and not slack_ids.too_long(u))
        if isinstance(reply_users, list)
        else (),
        edited_at=edited_at,
        reactions=_reactions(raw),
    )


def user_from_slack(raw: Mapping[str, Any]) -> UserInfo:
    """A users.info `user` (or an export's users.json entry) → name to show and time zone (a zone
    name no IANA name could be, longer than 64 characters or holding a NUL, is no zone)."""
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
    tz = _str(raw.get("tz"))
    return UserInfo(
        display_name=name, tz=tz if tz and len(tz) <= _TZ_MAX and slack_ids.NUL not in tz else None
    )
