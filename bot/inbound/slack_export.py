"""Read one channel out of a Slack export (the .zip or its unpacked folder), from any plan.

The layout Slack writes:
  channels.json            [{"id": "C…", "name": "general", …}]   public channels
  groups.json, mpims.json, dms.json   private channels, group DMs, DMs (optional)
  users.json               [{"id", "name", "real_name", "tz", "profile": {"display_name", "real_name"}}]
  org_users.json           the same, from an Enterprise Grid organization (users.json's name there;
                           its ids are W…, and messages and mentions use them)
  <channel name>/YYYY-MM-DD.json   that day's messages, thread replies included (DMs: <id>/…)

Where those files are inside what was passed (a top folder, macOS and Windows leftovers) is
`export_files`' business. Only the index files and the requested channel's day files are read; a
zip is read in place. Every problem is an ExportError whose message names the file and says what
is wrong, including what the bot could not keep: an id (a channel's, a user's, the workspace's)
longer than Slack's, or a channel name longer than Slack allows (`domain.slack_ids`).
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain import slack_ids
from bot.domain.messages import NewMessage
from bot.domain.timeline import CapturedMessage, UserInfo, ts_to_datetime
from bot.inbound.export_files import (
    CHANNELS_FILE,
    DAY_FILE,
    GRID_USERS_FILE,
    OPTIONAL_CHANNEL_FILES,
    USERS_FILE,
    ExportError,
    ExportFiles,
)
from bot.outbound.slack.payloads import message_from_slack, user_from_slack

__all__ = ["ExportError", "ExportedChannel", "read_export"]


@dataclass(frozen=True)
class ExportedChannel:
    id: str
    name: str
    records: tuple[NewMessage, ...]  # by ts, each ts once; what an import stores
    users: Mapping[str, UserInfo]
    channel_names: Mapping[str, str]  # id → name, for every channel the export lists
    team_id: str | None = None  # the workspace, from users.json, when it says

    @property
    def messages(self) -> tuple[CapturedMessage, ...]:
        """The records as the timeline builder takes them."""
        return tuple(record.captured() for record in self.records)


def _list_of_objects(source: ExportFiles, name: str) -> list[dict[str, Any]]:
    data = source.read_json(name)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ExportError(f"{source.describe(name)}: expected a JSON list of objects, as Slack exports it.")
    return data


def _message(raw: Mapping[str, Any], where: str) -> NewMessage:
    try:
        return message_from_slack(raw)
    except ValueError as exc:
        raise ExportError(f"{where}: {exc}.") from exc


def _check_index_files(source: ExportFiles) -> tuple[str, ...]:
    """The user lists present (users.json and/or Grid's org_users.json); ExportError when a kind of
    index file is missing altogether."""
    user_files = tuple(name for name in (USERS_FILE, GRID_USERS_FILE) if source.exists(name))
    if not user_files:
        raise ExportError(
            f"{source.describe(USERS_FILE)}: missing, and no {GRID_USERS_FILE} (its name in an Enterprise "
            "Grid export) either. A Slack export has one of them beside channels.json at its top level; "
            "is this the right folder or zip, or was the file left out when it was re-packed?"
        )
    if not any(source.exists(name) for name in (CHANNELS_FILE, *OPTIONAL_CHANNEL_FILES)):
        raise ExportError(
            f"{source.describe(CHANNELS_FILE)}: missing (and no groups.json, mpims.json or dms.json). "
            "A Slack export lists its channels there, at its top level; is this the right folder or zip?"
        )
    return user_files


def _find_channel(source: ExportFiles, wanted: str) -> tuple[dict[str, Any], dict[str, str], str]:
    """The channel's entry in the index files, id → name for every listed channel, and the index
    file that lists it."""
    listed: list[tuple[str, dict[str, Any]]] = []
    for index in (CHANNELS_FILE, *OPTIONAL_CHANNEL_FILES):
        if source.exists(index):
            listed += [(index, c) for c in _list_of_objects(source, index)]
    for index, c in listed:
        _check_channel(source, index, c)
    names = {
        c["id"]: c["name"]
        for _, c in listed
        if isinstance(c.get("id"), str) and isinstance(c.get("name"), str)
    }
    key = wanted.strip().lstrip("#").lower()
    for index, c in listed:
        if str(c.get("name", "")).lower() == key or c.get("id") == wanted.strip():
            return c, names, index
    known = sorted(set(names.values()))
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    hint = f"Did you mean {', '.join('#' + n for n in close)}?" if close else ""
    shown = ", ".join("#" + n for n in known[:8]) + (f" and {len(known) - 8} more" if len(known) > 8 else "")
    listing = f"It has: {shown}." if known else "It lists no channels."
    where = source.describe(CHANNELS_FILE if source.exists(CHANNELS_FILE) else listed[0][0] if listed else "")
    raise ExportError(f"{where}: no channel named #{key} in this export. {hint} {listing}".replace("  ", " "))


def _check_channel(source: ExportFiles, index: str, channel: Mapping[str, Any]) -> None:
    """ExportError when the bot could not keep a listed channel's id or name."""
    for field, limit in (("id", slack_ids.ID_MAX), ("name", slack_ids.CHANNEL_NAME_MAX)):
        value = channel.get(field)
        if isinstance(value, str) and (problem := slack_ids.id_problem(value, limit)):
            raise ExportError(
                f"{source.describe(index)}: a channel's {field} is {problem}; Slack's are shorter, so this "
                "export was changed after Slack made it. Fix or remove that channel's entry."
            )


def _users(source: ExportFiles, user_files: tuple[str, ...]) -> tuple[dict[str, UserInfo], str | None]:
    """Everyone in users.json and org_users.json (W… ids on Enterprise Grid), and the workspace most
    of them belong to. ExportError when an id is longer than Slack's."""
    raw_users = [
        (name, raw)
        for name in user_files
        for raw in _list_of_objects(source, name)
        if isinstance(raw.get("id"), str)
    ]
    for name, raw in raw_users:
        for field in ("id", "team_id"):
            value = raw.get(field)
            if isinstance(value, str) and (problem := slack_ids.id_problem(value)):
                raise ExportError(
                    f"{source.describe(name)}: a user's {field} is {problem}; Slack's are shorter, so this "
                    "export was changed after Slack made it. Fix or remove that user's entry."
                )
    users = {str(raw["id"]): user_from_slack(raw) for _, raw in raw_users}
    teams = Counter(str(raw["team_id"]) for _, raw in raw_users if isinstance(raw.get("team_id"), str))
    return users, teams.most_common(1)[0][0] if teams else None


def read_export(path: Path, channel: str) -> ExportedChannel:
    """The messages, users and channel names needed to build `channel`'s timeline.

    `channel` is a name, with or without '#' (or a channel id). Messages come sorted by ts; a ts
    that appears in more than one day file counts once (the first one read).
    """
    source = ExportFiles(Path(path))
    try:
        user_files = _check_index_files(source)
        found, channel_names, index = _find_channel(source, channel)
        channel_id = str(found.get("id", ""))
        name = str(found.get("name") or channel_id)
        folder = next((f for f in (name, channel_id) if f and source.is_dir(f)), None)
        if folder is None:
            raise ExportError(
                f"{source.describe(name)}: missing. {index} lists #{name}, but the export has "
                "no folder of its messages (was it left out of the export?)."
            )
        users, team_id = _users(source, user_files)
        messages: dict[str, NewMessage] = {}
        for day in sorted(f for f in source.list_dir(folder) if DAY_FILE.fullmatch(f)):
            where = f"{folder}/{day}"
            for raw in _list_of_objects(source, where):
                message = _message(raw, source.describe(where))
                messages.setdefault(message.ts, message)
    finally:
        source.close()
    ordered = sorted(messages.values(), key=lambda m: ts_to_datetime(m.ts))
    return ExportedChannel(
        id=channel_id,
        name=name,
        records=tuple(ordered),
        team_id=team_id,
        users=users,
        channel_names=channel_names,
    )
