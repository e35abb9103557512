"""The files of a Slack export, however it arrived: Slack's own .zip, its unpacked folder, or either
after a trip through other systems.

Slack writes its index files (`channels.json`, `users.json` — `org_users.json` from an Enterprise
Grid organization — and optionally `groups.json`, `mpims.json`, `dms.json`) at the top, one folder
per conversation beside them. Unpacked and re-zipped elsewhere, the same export may come:
- under a top folder (or two: "Downloads/acme Slack export Mar 15 2025/…"): the shallowest folder
  holding an index file is the export;
- with macOS's `__MACOSX/` and `._*` resource forks, `.DS_Store`, `Thumbs.db` and `desktop.ini`:
  ignored;
- with `\\` as the path separator (zips written by older Windows tools), file names in the zip's
  legacy code page instead of UTF-8, or in decomposed Unicode (macOS): all read as the same names.

A layout that cannot be read is an `ExportError` naming the real cause: not a zip at all (and what
it is instead: gzip/tar, 7-Zip, RAR, a single JSON file), a zip cut short or damaged, password-
protected or compressed with a method Python cannot read, one channel's folder instead of the
export, a zip holding another zip, Slack's TXT-format export, two exports in one archive, or
simply no export. Paths inside are always '/'-separated and relative to the export's top.
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from bot.domain.errors import UserError

USERS_FILE = "users.json"
GRID_USERS_FILE = "org_users.json"  # an Enterprise Grid organization's export names users.json so
CHANNELS_FILE = "channels.json"
OPTIONAL_CHANNEL_FILES = ("groups.json", "mpims.json", "dms.json")
_MARKERS = (CHANNELS_FILE, USERS_FILE, GRID_USERS_FILE)
DAY_FILE = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
_JUNK_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
_LOOK_DEPTH = 3  # how many folders down an export may sit inside what was passed
_UTF8_FLAG = 0x800


class ExportError(UserError):
    """The export cannot be read; the message names the file and what is wrong."""


def _is_junk(parts: list[str]) -> bool:
    return "__MACOSX" in parts or parts[-1].startswith("._") or parts[-1] in _JUNK_NAMES


def _parent(name: str) -> str:
    """'a/b/c.json' → 'a/b'; 'c.json' → ''."""
    return name.rsplit("/", 1)[0] if "/" in name else ""


def _zip_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    if not info.flag_bits & _UTF8_FLAG:  # zipfile read it as cp437; most tools wrote UTF-8 anyway
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):  # else really cp437: keep it
            name = name.encode("cp437").decode("utf-8")
    name = unicodedata.normalize("NFC", name.replace("\\", "/")).lstrip("/")
    while name.startswith("./"):
        name = name[2:]
    return name


def _what_it_is(head: bytes) -> str:
    """What a file that is not a zip is, from its first bytes."""
    if head.startswith(b"\x1f\x8b"):
        return "gzip-compressed (a .tar.gz?)"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "a tar archive"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "a 7-Zip archive"
    if head.startswith(b"Rar!"):
        return "a RAR archive"
    if head.startswith(b"PK\x03\x04"):
        return "a zip whose end is missing or damaged (was the download cut short?)"
    if head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{"):
        return "a JSON file: one file of an export, not the export"
    if not head:
        return "empty"
    return "neither a zip nor a folder"


class ExportFiles:
    """Files of an export by their '/'-separated path below its top, from a folder or a zip."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._zip: zipfile.ZipFile | None = None
        self._names: dict[str, zipfile.ZipInfo] = {}  # zip: normalized name → entry
        self._root = ""  # the export's top inside what was passed, "" or ending in "/"
        if path.is_dir():
            self._root = self._find_root(self._folder_names(), str(path))
            return
        if not path.exists():
            raise ExportError(
                f"{path}: no such file or folder. Pass a Slack export .zip or its unpacked folder."
            )
        if not zipfile.is_zipfile(path):
            with path.open("rb") as f:
                kind = _what_it_is(f.read(512))
            hint = (
                f"the folder that holds it, {path.parent}" if "JSON" in kind else "the folder it unpacks to"
            )
            raise ExportError(
                f"{path}: not a Slack export .zip or folder: it is {kind}. "
                f"Pass the export's .zip as Slack made it, or {hint}."
            )
        try:
            self._zip = zipfile.ZipFile(path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ExportError(f"{path}: cannot open the zip ({exc}); download it again.") from exc
        for info in infos:
            name = _zip_name(info)
            if name and not info.is_dir() and not name.endswith("/") and not _is_junk(name.split("/")):
                self._names.setdefault(name, info)
        try:
            self._root = self._find_root(self._names, f"{path}:")
        except ExportError:
            self.close()
            raise

    # --- finding the export inside what was passed -------------------------------------------------

    def _folder_names(self) -> list[str]:
        """Files down to _LOOK_DEPTH folders, as '/'-paths; enough to find the top and diagnose."""
        found: list[str] = []
        level = [self.path]
        for depth in range(_LOOK_DEPTH + 1):
            deeper: list[Path] = []
            for folder in level:
                try:
                    children = sorted(folder.iterdir())
                except OSError:
                    continue
                for child in children:
                    rel = child.relative_to(self.path).as_posix()
                    if _is_junk(rel.split("/")):
                        continue
                    if child.is_dir():
                        deeper.append(child)
                    elif child.is_file():
                        found.append(rel)
            if any(name.rsplit("/", 1)[-1] in _MARKERS for name in found):
                break  # the shallowest level with an index file decides; no need to walk on
            level = deeper if depth < _LOOK_DEPTH else []
        return found

    def _find_root(self, names: Iterable[str], shown: str) -> str:
        names = list(names)
        roots = {
            name[: len(name) - len(name.rsplit("/", 1)[-1])]
            for name in names
            if name.rsplit("/", 1)[-1] in _MARKERS
        }
        if roots:
            depth = min(root.count("/") for root in roots)
            top = sorted(root for root in roots if root.count("/") == depth)
            if len(top) > 1:
                listed = ", ".join(top[:4]) + (f" and {len(top) - 4} more" if len(top) > 4 else "")
                raise ExportError(
                    f"{self.path}: holds {len(top)} Slack exports side by side ({listed}). "
                    "Unpack it and pass the one you mean."
                )
            return top[0]
        raise ExportError(self._no_export(names, shown))

    def _no_export(self, names: list[str], shown: str) -> str:
        what = "folder" if self._zip is None else "zip"
        where = f"{shown}/{USERS_FILE}" if self._zip is None else f"{shown}{USERS_FILE}"
        basics = (
            "A Slack export has users.json (org_users.json from an Enterprise Grid organization) "
            "and channels.json at its top level"
        )
        if not names:
            return f"{where}: missing. The {what} is empty. {basics}; is this the right folder or zip?"
        days = sorted(n for n in names if DAY_FILE.fullmatch(n.rsplit("/", 1)[-1]))
        if days and len({_parent(n) for n in days}) == 1 and _parent(days[0]).count("/") == 0:
            return (
                f"{self.path}: this is one channel's folder of an export (it holds day files like "
                f"{days[0].rsplit('/', 1)[-1]}), not the export. Pass the folder above it, the one "
                "with channels.json, or the export's .zip."
            )
        if days:
            folders = sorted({_parent(n) for n in days})
            shown_folders = ", ".join(folders[:3]) + (
                f" and {len(folders) - 3} more" if len(folders) > 3 else ""
            )
            return (
                f"{where}: missing. The {what} holds channel folders ({shown_folders}) but none of the "
                "index files beside them (users.json or org_users.json, channels.json): they were "
                "left out when it was copied or re-packed. Use the export as Slack made it."
            )
        zips = sorted(n for n in names if n.lower().endswith(".zip"))
        if zips:
            return (
                f"{self.path}: holds another zip, {zips[0]}, but no export of its own. "
                "Pass that zip (unpack this one first)."
            )
        if any(n.lower().endswith(".txt") for n in names):
            return (
                f"{self.path}: this looks like Slack's TXT-format export (text files, no JSON). "
                "postmortem-bot reads the JSON format: export again and choose JSON."
            )
        listing = ", ".join(sorted(names)[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        return f"{where}: missing. The {what} holds {listing}. {basics}; is this the right folder or zip?"

    # --- reading ---------------------------------------------------------------------------------------

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def describe(self, name: str) -> str:
        """How to name a file in a message: the path a person can find."""
        if self._zip is None:
            return str(self.path / self._root / name)
        return f"{self.path}:{self._root}{name}"

    def exists(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / self._root / name).is_file()
        return self._root + name in self._names

    def is_dir(self, name: str) -> bool:
        if self._zip is None:
            return (self.path / self._root / name).is_dir()
        inside = f"{self._root}{name}/"
        return any(n.startswith(inside) for n in self._names)

    def list_dir(self, name: str) -> list[str]:
        """File names directly inside folder `name` (junk left out)."""
        if self._zip is None:
            folder = self.path / self._root / name
            return [p.name for p in folder.iterdir() if p.is_file() and not _is_junk([p.name])]
        inside = f"{self._root}{name}/"
        return [n[len(inside) :] for n in self._names if n.startswith(inside) and "/" not in n[len(inside) :]]

    def _read_bytes(self, name: str) -> bytes:
        where = self.describe(name)
        try:
            if self._zip is None:
                return (self.path / self._root / name).read_bytes()
            return self._zip.read(self._names[self._root + name])
        except NotImplementedError as exc:
            raise ExportError(
                f"{where}: compressed with a method Python cannot read ({exc}); Windows Explorer "
                "writes Deflate64 into large zips. Re-zip it with another tool, or pass the unpacked folder."
            ) from exc
        except RuntimeError as exc:  # zipfile's word for an encrypted entry
            raise ExportError(
                f"{where}: the zip is password-protected ({exc}). Unpack it with its password and "
                "pass the folder."
            ) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise ExportError(f"{where}: the zip is damaged here ({exc}); download it again.") from exc
        except (OSError, KeyError) as exc:
            raise ExportError(f"{where}: cannot read it ({exc}).") from exc

    def read_json(self, name: str) -> Any:
        where = self.describe(name)
        raw = self._read_bytes(name)
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
