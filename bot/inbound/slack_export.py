"""Read one channel out of a standard Slack workspace export (the .zip or its unpacked folder).

The layout Slack writes:
  channels.json            [{"id": "C…", "name": "general", …}]   public channels
  groups.json, mpims.json  the same for private channels and group DMs (optional)
  users.json               [{"id", "name", "real_name", "tz", "profile": {"display_name", "real_name"}}]
  <channel name>/YYYY-MM-DD.json   that day's messages, thread replies included

Only the index files and the requested channel's day files are read; a zip is read in place.
Every problem is an ExportError whose message names the file and says what is wrong.
"""

from __future__ import annotations

import difflib
import json
import re
import zipfile
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.domain.errors import UserError
from bot.domain.messages import NewMessage
from bot.domain.timeline import CapturedMessage, UserInfo, ts_to_datetime
from bot.outbound.slack.payloads import message_from_slack, user_from_slack

USERS_FILE = "users.json"
CHANNELS_FILE = "channels.json"
OPTIONAL_CHANNEL_FILES = ("groups.json", "mpims.json")
_DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")


class ExportError(UserError):
    """The export cannot be read; the message names the file and what is wrong."""


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


class _Source:
    """Files of an export by their '/'-separated path inside it, from a folder or a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._prefix = ""
        self._names: frozenset[str] = frozenset()
        if path.is_dir():
            return
        if not path.exists():
            raise ExportError(
                f"{path}: no such file or folder. Pass a Slack export .zip or its unpacked folder."
            )
        if not zipfile.is_zipfile(path):
            raise ExportError(f"{path}: not a Slack export. Pass the export's .zip or its unpacked folder.")
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ExportError(f"{path}: cannot open the zip ({exc}).") from exc
        self._names = frozenset(n for n in self._zip.namelist() if not n.endswith("/"))
        if CHANNELS_FILE not in self._names and USERS_FILE not in self._names:
            # Re-zipped folders put everything under one top-level directory.
            tops = {n.split("/", 1)[0] for n in self._names if "/" in n}
            found = [t for t in tops if f"{t}/{USERS_FILE}" in self._names]
            if len(found) == 1:
                self._prefix = found[0] + "/"

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def describe(self, name: str) -> str:
        """How to name a file in a message: the path a person can find."""
        if self._zip is None:
            return str(self.path / name)
        return f"{self.path}:{self._prefix}{name}"

    def exists(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / name).is_file()
        return self._prefix + name in self._names

    def is_dir(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / name).is_dir()
        inside = f"{self._prefix}{name}/"
        return any(n.startswith(inside) for n in self._names)

    def list_dir(self, name: str) -> list[str]:
        """File names directly inside folder `name`."""
        if self._zip is None:
            return [p.name for p in (self.path / name).iterdir() if p.is_file()]
        inside = f"{self._prefix}{name}/"
        return [n[len(inside) :] for n in self._names if n.startswith(inside) and "/" not in n[len(inside) :]]

    def read_json(self, name: str) -> Any:
        where = self.describe(name)
        try:
            if self._zip is None:
                raw = (self.path / name).read_bytes()
            else:
                raw = self._zip.read(self._prefix + name)
        except (OSError, KeyError, zipfile.BadZipFile) as exc:
            raise ExportError(f"{where}: cannot read it ({exc}).") from exc
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ExportError(f"{where}: not UTF-8 text (byte {exc.start}).") from exc
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ExportError(
                f"{where}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}."
            ) from exc


def _list_of_objects(source: _Source, name: str) -> list[dict[str, Any]]:
    data = source.read_json(name)
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ExportError(f"{source.describe(name)}: expected a JSON list of objects, as Slack exports it.")
    return data


def _message(raw: Mapping[str, Any], where: str) -> NewMessage:
    try:
        return message_from_slack(raw)
    except ValueError as exc:
        raise ExportError(f"{where}: {exc}.") from exc


def _find_channel(source: _Source, wanted: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The channel's entry in the index files, and id → name for every listed channel."""
    listed: list[dict[str, Any]] = []
    for name in (CHANNELS_FILE, *OPTIONAL_CHANNEL_FILES):
        if name == CHANNELS_FILE or source.exists(name):
            listed += _list_of_objects(source, name)
    names = {
        c["id"]: c["name"] for c in listed if isinstance(c.get("id"), str) and isinstance(c.get("name"), str)
    }
    key = wanted.strip().lstrip("#").lower()
    for c in listed:
        if str(c.get("name", "")).lower() == key or c.get("id") == wanted.strip():
            return c, names
    known = sorted(set(names.values()))
    close = difflib.get_close_matches(key, known, n=3, cutoff=0.6)
    hint = f"Did you mean {', '.join('#' + n for n in close)}?" if close else ""
    shown = ", ".join("#" + n for n in known[:8]) + (f" and {len(known) - 8} more" if len(known) > 8 else "")
    listing = f"It has: {shown}." if known else "It lists no channels."
    raise ExportError(
        f"{source.describe(CHANNELS_FILE)}: no channel named #{key} in this export. {hint} {listing}".replace(
            "  ", " "
        )
    )


def read_export(path: Path, channel: str) -> ExportedChannel:
    """The messages, users and channel names needed to build `channel`'s timeline.

    `channel` is a name, with or without '#' (or a channel id). Messages come sorted by ts; a ts
    that appears in more than one day file counts once (the first one read).
    """
    source = _Source(Path(path))
    try:
        for required in (USERS_FILE, CHANNELS_FILE):
            if not source.exists(required):
                raise ExportError(
                    f"{source.describe(required)}: missing. A Slack export has users.json and "
                    "channels.json at its top level; is this the right folder or zip?"
                )
        found, channel_names = _find_channel(source, channel)
        name = str(found["name"])
        raw_users = [raw for raw in _list_of_objects(source, USERS_FILE) if isinstance(raw.get("id"), str)]
        users = {str(raw["id"]): user_from_slack(raw) for raw in raw_users}
        teams = Counter(str(raw["team_id"]) for raw in raw_users if isinstance(raw.get("team_id"), str))
        folder = name if source.is_dir(name) else str(found.get("id", name))
        if not source.is_dir(folder):
            raise ExportError(
                f"{source.describe(name)}: missing. channels.json lists #{name}, but the export has "
                "no folder of its messages (was it left out of the export?)."
            )
        messages: dict[str, NewMessage] = {}
        for day in sorted(f for f in source.list_dir(folder) if _DAY_FILE.fullmatch(f)):
            where = f"{folder}/{day}"
            for raw in _list_of_objects(source, where):
                message = _message(raw, source.describe(where))
                messages.setdefault(message.ts, message)
    finally:
        source.close()
    ordered = sorted(messages.values(), key=lambda m: ts_to_datetime(m.ts))
    return ExportedChannel(
        id=str(found.get("id", "")),
        name=name,
        records=tuple(ordered),
        team_id=teams.most_common(1)[0][0] if teams else None,
        users=users,
        channel_names=channel_names,
    )
