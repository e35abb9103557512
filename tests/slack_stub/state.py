"""The stand-in's world: users, conversations, messages and what the app created through the API.

Messages are stored per channel by `ts` as Slack-shaped dicts. Thread metadata on a parent
(`thread_ts`, `reply_count`, `reply_users`, `latest_reply`) is computed when the message is
rendered, so it is always consistent with the replies that exist.
"""

from __future__ import annotations

import base64
import copy
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from tests.slack_stub.wire import Args, SlackError


@dataclass(frozen=True)
class Env:
    """Fixed facts about the fake workspace and the bot installed in it."""

    team_id: str
    team_name: str
    team_domain: str
    bot_user_id: str
    bot_id: str
    bot_name: str
    app_id: str

    @property
    def workspace_url(self) -> str:
        return f"https://{self.team_domain}.slack.com/"


class Ids:
    """Message timestamps (unique, strictly increasing) and object ids (F…, V…, D…)."""

    def __init__(self) -> None:
        self._last_micros = 0
        self._counter = 0

    def new_ts(self) -> str:
        self._last_micros = max(time.time_ns() // 1000, self._last_micros + 1)
        return format_ts(self._last_micros)

    def saw_ts(self, ts: str) -> None:
        """A seeded ts: later posts must still be newer than it."""
        self._last_micros = max(self._last_micros, int(ts_key(ts) * 1_000_000))

    def new_id(self, prefix: str) -> str:
        self._counter += 1
        return f"{prefix}{self._counter:010d}"


def format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def ts_key(ts: str) -> Decimal:
    try:
        return Decimal(ts)
    except InvalidOperation:
        raise ValueError(f"not a Slack ts: {ts!r} (want e.g. '1718000000.123456')") from None


def encode_cursor(kind: str, value: str) -> str:
    return base64.b64encode(f"{kind}:{value}".encode()).decode("ascii")


def decode_cursor(cursor: str | None, kind: str) -> str | None:
    if not cursor:
        return None
    try:
        found_kind, _, value = base64.b64decode(cursor.encode("ascii"), validate=True).decode().partition(":")
    except ValueError:
        raise SlackError("invalid_cursor") from None
    if found_kind != kind or not value:
        raise SlackError("invalid_cursor")
    return value


def page_by_key(items: Sequence[dict[str, Any]], key: str, cursor: str | None, limit: int) -> dict[str, Any]:
    """Cursor pagination over a stably ordered list; the cursor names the next item's key."""
    start = 0
    after = decode_cursor(cursor, "next")
    if after is not None:
        keys = [item[key] for item in items]
        if after not in keys:
            raise SlackError("invalid_cursor")
        start = keys.index(after)
    page = list(items[start : start + limit])
    rest = items[start + limit :]
    return {"items": page, "next_cursor": encode_cursor("next", rest[0][key]) if rest else ""}


def _tz_facts(tz: str) -> tuple[str, int]:
    now = datetime.now(UTC).astimezone(ZoneInfo(tz))
    offset = now.utcoffset()
    return now.tzname() or tz, int(offset.total_seconds()) if offset else 0


@dataclass
class Upload:
    """A file announced with files.getUploadURLExternal; `content` is None until its bytes arrive."""

    id: str
    filename: str
    length: int
    title: str | None = None
    content: bytes | None = None
    alt_txt: str | None = None
    snippet_type: str | None = None
    completed: bool = False
    channel: str | None = None
    thread_ts: str | None = None
    initial_comment: str | None = None


@dataclass
class State:
    env: Env
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    ephemerals: list[dict[str, Any]] = field(default_factory=list)
    views: list[dict[str, Any]] = field(default_factory=list)  # one record per views.* success
    live_views: dict[str, dict[str, Any]] = field(default_factory=dict)  # view id -> current view
    uploads: dict[str, Upload] = field(default_factory=dict)
    canvases: dict[str, dict[str, Any]] = field(default_factory=dict)

    def clone(self) -> State:
        return copy.deepcopy(self)

    # ---- seeding -------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None,
        display_name: str | None,
        tz: str,
        is_bot: bool,
        bot_id: str | None = None,
        is_admin: bool = False,
        is_owner: bool = False,
    ) -> None:
        env = self.env
        tz_label, tz_offset = _tz_facts(tz)
        real = real_name if real_name is not None else name
        display = display_name if display_name is not None else ""
        profile: dict[str, Any] = {
            "real_name": real,
            "real_name_normalized": real,
            "display_name": display,
            "display_name_normalized": display,
            "team": env.team_id,
            "image_48": f"https://avatars.example/{user_id}_48.png",
        }
        if bot_id:
            profile["bot_id"] = bot_id
        self.users[user_id] = {
            "id": user_id,
            "team_id": env.team_id,
            "name": name,
            "deleted": False,
            "real_name": real,
            "tz": tz,
            "tz_label": tz_label,
            "tz_offset": tz_offset,
            "profile": profile,
            "is_admin": is_admin,
            "is_owner": is_owner,
            "is_bot": is_bot,
            "is_app_user": False,
            "updated": 1_700_000_000,
        }

    def add_channel(
        self,
        channel_id: str,
        name: str,
        *,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] = (),
        is_im: bool = False,
        is_mpim: bool = False,
        im_user: str | None = None,
    ) -> dict[str, Any]:
        record: dict[str, Any] = {
            "id": channel_id,
            "created": 1_700_000_000,
            "is_archived": is_archived,
            "is_im": is_im,
            "is_mpim": is_mpim,
            "is_private": is_private or is_im or is_mpim,
            "context_team_id": self.env.team_id,
            "members": list(dict.fromkeys(members)),
        }
        if is_im:
            record.update({"user": im_user, "is_user_deleted": False, "is_open": True, "priority": 0})
        else:
            record.update(
                {
                    "name": name,
                    "name_normalized": name,
                    "is_channel": not is_mpim,
                    "is_group": is_mpim,
                    "is_general": False,
                    "is_shared": False,
                    "is_ext_shared": False,
                    "is_org_shared": False,
                    "is_pending_ext_shared": False,
                    "unlinked": 0,
                    "creator": "",
                    "topic": {"value": "", "creator": "", "last_set": 0},
                    "purpose": {"value": "", "creator": "", "last_set": 0},
                    "properties": {},
                }
            )
        self.channels[channel_id] = record
        self.messages.setdefault(channel_id, {})
        return record

    def add_message(self, channel: str, message: dict[str, Any]) -> None:
        if channel not in self.channels:
            raise KeyError(f"add_channel({channel!r}, ...) first")
        box = self.messages[channel]
        if message["ts"] in box:
            raise ValueError(f"{channel} already has a message with ts {message['ts']}")
        parent_ts = message.get("thread_ts")
        if parent_ts and parent_ts != message["ts"]:
            parent = box.get(parent_ts)
            if parent is None:
                raise KeyError(f"{channel} has no message {parent_ts} to reply to")
            message.setdefault("parent_user_id", parent.get("user", ""))
        box[message["ts"]] = message

    # ---- lookups -------------------------------------------------------------------------

    def channel(self, ref: str | None) -> dict[str, Any]:
        """By id, by name ("#incidents" or "incidents"), or a user id (their DM with the bot)."""
        if not ref:
            raise SlackError("channel_not_found")
        if ref in self.channels:
            return self.channels[ref]
        name = ref.removeprefix("#")
        for record in self.channels.values():
            if record.get("name") == name:
                return record
        if ref in self.users:
            return self.open_dm(ref)
        raise SlackError("channel_not_found")

    def open_dm(self, user_id: str) -> dict[str, Any]:
        """The bot's DM with a user; its id is stable per user ("D" + the user id's tail)."""
        dm_id = "D" + user_id[1:]
        if dm_id not in self.channels:
            members = [user_id, self.env.bot_user_id]
            self.add_channel(dm_id, "", members=members, is_im=True, im_user=user_id)
        return self.channels[dm_id]

    def user(self, user_id: str | None) -> dict[str, Any]:
        if not user_id or user_id not in self.users:
            raise SlackError("user_not_found")
        return self.users[user_id]

    def message(self, channel: str, ts: str | None) -> dict[str, Any]:
        found = self.messages.get(channel, {}).get(ts or "")
        if found is None:
            raise SlackError("message_not_found")
        return found

    # ---- reading -------------------------------------------------------------------------

    def ordered(self, channel: str) -> list[dict[str, Any]]:
        """Every stored message of a channel, replies included, oldest first."""
        return sorted(self.messages.get(channel, {}).values(), key=lambda m: ts_key(m["ts"]))

    def replies_to(self, channel: str, parent_ts: str) -> list[dict[str, Any]]:
        return [m for m in self.ordered(channel) if m.get("thread_ts") == parent_ts and m["ts"] != parent_ts]

    def render(self, channel: str, message: dict[str, Any]) -> dict[str, Any]:
        """A copy of a stored message as Slack returns it, with thread metadata on parents."""
        out = copy.deepcopy(message)
        is_reply = message.get("thread_ts") not in (None, message["ts"])
        if not is_reply:
            replies = self.replies_to(channel, message["ts"])
            if replies:
                users = list(dict.fromkeys(r.get("user", "") for r in replies if r.get("user")))
                out.update(
                    {
                        "thread_ts": message["ts"],
                        "reply_count": len(replies),
                        "reply_users_count": len(users),
                        "reply_users": users[:5],
                        "latest_reply": replies[-1]["ts"],
                        "is_locked": False,
                        "subscribed": False,
                    }
                )
        return out

    def render_channel(self, record: dict[str, Any], *, num_members: bool = False) -> dict[str, Any]:
        out = {k: copy.deepcopy(v) for k, v in record.items() if k != "members"}
        if not record["is_im"]:
            out["is_member"] = self.env.bot_user_id in record["members"]
        if num_members and not record["is_im"]:
            out["num_members"] = len(record["members"])
        return out


@dataclass
class Ctx:
    """What a method handler works with; handlers run under the stub's lock."""

    state: State
    ids: Ids
    server_root: str  # "http://127.0.0.1:PORT/"

    @property
    def env(self) -> Env:
        return self.state.env


Handler = Callable[[Ctx, Args], dict[str, Any]]


def registry() -> tuple[dict[str, Handler], Callable[[str], Callable[[Handler], Handler]]]:
    """A module's `HANDLERS` dict and the `@handles("method.name")` decorator filling it."""
    handlers: dict[str, Handler] = {}

    def handles(method: str) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            handlers[method] = fn
            return fn

        return register

    return handlers, handles
