"""Slack exports as every plan writes them (Enterprise Grid's org_users.json and W… ids, private
channels and DMs) and as they arrive after a trip through other systems (a top folder, macOS and
Windows leftovers, backslash paths, legacy-encoded names); and for a layout that cannot be read, an
error that names the real cause (bot.inbound.slack_export, bot.inbound.export_files)."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import unicodedata
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from bot.domain.timeline import Mark, UserInfo, build_timeline
from bot.inbound.slack_export import ExportError, read_export

CHANNEL = "inc-2025-10-01-sso"


def grid_export(channel: str = CHANNEL, *, users_file: str = "org_users.json") -> dict[str, bytes]:
    """A small Enterprise Grid export: W… users in org_users.json, a mention, a blocks-only alert."""
    users = [
        {
            "id": "W0WREN",
            "team_id": "T0SSO",
            "name": "wren",
            "profile": {"display_name": "wren", "real_name": "Wren"},
            "tz": "America/New_York",
            "enterprise_user": {"id": "W0WREN", "enterprise_id": "E0ORG", "teams": ["T0SSO", "T0HR"]},
        },
        {
            "id": "W0ODO",
            "team_id": "T0SSO",
            "name": "odo",
            "profile": {"real_name": "Odo"},
            "tz": "Europe/Berlin",
        },
    ]
    messages = [
        {
            "type": "message",
            "user": "W0WREN",
            "user_team": "T0SSO",
            "source_team": "T0SSO",
            "text": "SSO outage began at 09:40 ET, <@W0ODO> is on it",
            "ts": "1759327200.000100",
            "reactions": [{"name": "boom", "users": ["W0ODO"], "count": 1}],
        },
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0OKTA",
            "username": "Okta Alerts",
            "text": "",
            "ts": "1759327260.000100",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*SAML errors* above 20%"}}],
        },
    ]
    return {
        "channels.json": json.dumps([{"id": "C0SSO", "name": channel, "created": 1700000000}]).encode(),
        users_file: json.dumps(users).encode(),
        "integration_logs.json": b"[]",
        f"{channel}/2025-10-01.json": json.dumps(messages).encode(),
    }


def write_folder(files: Mapping[str, bytes], root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


def write_zip(files: Mapping[str, bytes], target: Path, rename: Callable[[str], str] = lambda n: n) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(zipfile.ZipInfo(rename(name), (2025, 10, 1, 0, 0, 0)), data)
    return target


def patch_zip(
    path: Path,
    wanted: Callable[[bytes], bool],
    *,
    set_flags: int = 0,
    clear_flags: int = 0,
    method: int | None = None,
) -> None:
    """Rewrite the general-purpose flags (and compression method) of some entries, in both the
    central directory and their local headers: what other tools write and Python's zipfile cannot."""
    data = bytearray(path.read_bytes())
    pos = 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        name_len = int.from_bytes(data[pos + 28 : pos + 30], "little")
        local = int.from_bytes(data[pos + 42 : pos + 46], "little")
        if wanted(bytes(data[pos + 46 : pos + 46 + name_len])):
            for flag_at, method_at in ((pos + 8, pos + 10), (local + 6, local + 8)):
                flags = int.from_bytes(data[flag_at : flag_at + 2], "little")
                data[flag_at : flag_at + 2] = ((flags | set_flags) & ~clear_flags).to_bytes(2, "little")
                if method is not None:
                    data[method_at : method_at + 2] = method.to_bytes(2, "little")
        pos += 46
    path.write_bytes(bytes(data))


# --- Enterprise Grid and the other index files -------------------------------------------------------------


def test_a_grid_export_reads_org_users_and_w_ids(tmp_path: Path) -> None:
    ch = read_export(write_folder(grid_export(), tmp_path / "export"), CHANNEL)
    assert ch.users["W0WREN"] == UserInfo("wren", "America/New_York")
    assert ch.users["W0ODO"] == UserInfo("Odo", "Europe/Berlin")
    assert (ch.id, ch.team_id) == ("C0SSO", "T0SSO")
    t = build_timeline(ch.name, ch.messages, ch.users, include_all=True)
    assert t.phases[Mark.IMPACT_START] is not None
    assert t.phases[Mark.IMPACT_START].isoformat() == "2025-10-01T13:40:00+00:00"  # 09:40 in New York
    assert [(e.user, e.text, e.from_app) for e in t.entries] == [
        ("wren", "SSO outage began at 09:40 ET, @Odo is on it", False),
        ("Okta Alerts", "*SAML errors* above 20%", True),
    ]


def test_users_json_and_org_users_json_together_are_both_read(tmp_path: Path) -> None:
    files = grid_export()
    files["users.json"] = json.dumps([{"id": "U0GUEST", "name": "guest", "tz": "Asia/Tokyo"}]).encode()
    ch = read_export(write_folder(files, tmp_path / "export"), CHANNEL)
    assert set(ch.users) == {"W0WREN", "W0ODO", "U0GUEST"}


def test_private_channels_and_dms_are_found_without_channels_json(tmp_path: Path) -> None:
    files = grid_export()
    del files["channels.json"]
    files["groups.json"] = json.dumps([{"id": "G0SSO", "name": CHANNEL}]).encode()
    files["dms.json"] = json.dumps([{"id": "D0WREN", "members": ["W0WREN", "W0ODO"]}]).encode()
    files["D0WREN/2025-10-01.json"] = json.dumps(
        [{"user": "W0ODO", "text": "ping", "ts": "1759327300.1"}]
    ).encode()
    root = write_folder(files, tmp_path / "export")
    assert read_export(root, CHANNEL).id == "G0SSO"
    dm = read_export(root, "D0WREN")  # a DM has no name: its folder is its id
    assert (dm.id, dm.name, [m.text for m in dm.records]) == ("D0WREN", "D0WREN", ["ping"])


# --- the same export after unpacking and re-zipping elsewhere ---------------------------------------------


def _mac_junk(files: dict[str, bytes], top: str) -> dict[str, bytes]:
    junk = {f"__MACOSX/{top}._{name.rsplit('/', 1)[-1]}": b"\x00\x05\x16\x07" for name in files}
    junk[f"{top}.DS_Store"] = b"\x00\x00\x00\x01Bud1"
    junk[f"{top}{CHANNEL}/.DS_Store"] = b"\x00\x00\x00\x01Bud1"
    junk[f"{top}{CHANNEL}/._2025-10-01.json"] = b"\x00\x05\x16\x07"
    return {**{top + name: data for name, data in files.items()}, **junk}


LAYOUTS: dict[str, Callable[[dict[str, bytes]], dict[str, bytes]]] = {
    "as Slack wrote it": lambda f: f,
    "under a top folder": lambda f: {f"acme Slack export Oct 1 2025/{n}": d for n, d in f.items()},
    "two folders down": lambda f: {f"Downloads/exports/{n}": d for n, d in f.items()},
    "zipped by macOS Finder": lambda f: _mac_junk(f, "sso-export/"),
    "with Windows leftovers": lambda f: {**f, "Thumbs.db": b"\xd0\xcf", f"{CHANNEL}/desktop.ini": b"[x]"},
    "beside an older export one folder down": lambda f: {
        **f,
        **{f"old/{n}": b"not read" for n in f},
    },
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("as_zip", [True, False])
def test_every_layout_reads_like_the_original(tmp_path: Path, layout: str, as_zip: bool) -> None:
    original = read_export(write_folder(grid_export(), tmp_path / "original"), CHANNEL)
    files = LAYOUTS[layout](grid_export())
    source = write_zip(files, tmp_path / "x.zip") if as_zip else write_folder(files, tmp_path / "x")
    assert read_export(source, CHANNEL) == original


def test_backslash_paths_from_windows_tools(tmp_path: Path) -> None:
    original = read_export(write_folder(grid_export(), tmp_path / "original"), CHANNEL)
    archive = write_zip(grid_export(), tmp_path / "x.zip", lambda n: "export\\" + n.replace("/", "\\"))
    assert "export\\inc-2025-10-01-sso\\2025-10-01.json" in zipfile.ZipFile(archive).namelist()
    assert read_export(archive, CHANNEL) == original


def test_names_in_utf8_without_the_zip_utf8_flag_and_in_decomposed_unicode(tmp_path: Path) -> None:
    channel = "inc-störung-köln"
    original = read_export(write_folder(grid_export(channel), tmp_path / "original"), channel)
    legacy = write_zip(grid_export(channel), tmp_path / "legacy.zip")
    patch_zip(legacy, lambda name: not name.isascii(), clear_flags=0x800)  # UTF-8 bytes, no flag
    assert not any(channel in n for n in zipfile.ZipFile(legacy).namelist())  # zipfile alone: mojibake
    assert read_export(legacy, channel) == original
    mac = write_zip(grid_export(channel), tmp_path / "mac.zip", lambda n: unicodedata.normalize("NFD", n))
    assert read_export(mac, channel) == original


# --- layouts it cannot read: the error names the real cause ------------------------------------------------


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("export/channels.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"[]"))
    return buffer.getvalue()


def _cut_zip(tmp_path: Path) -> bytes:
    whole = write_zip(grid_export(), tmp_path / "whole.zip").read_bytes()
    return whole[: len(whole) // 2]


@pytest.mark.parametrize(
    ("content", "cause"),
    [
        (lambda _: gzip.compress(_tar()), r"x\.zip: not a Slack export .* gzip-compressed \(a \.tar\.gz\?\)"),
        (lambda _: _tar(), r"not a Slack export .* a tar archive"),
        (lambda _: b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(40), r"a 7-Zip archive"),
        (lambda _: b"Rar!\x1a\x07\x01\x00" + bytes(40), r"a RAR archive"),
        (_cut_zip, r"a zip whose end is missing or damaged \(was the download cut short\?\)"),
        (
            lambda _: b'\xef\xbb\xbf[{"id": "C1", "name": "x"}]',
            r"a JSON file: .* Pass .* the folder that holds it",
        ),
        (lambda _: b"", r"it is empty"),
        (lambda _: b"hello, not an archive", r"not a Slack export .* neither a zip nor a folder"),
    ],
)
def test_a_file_that_is_not_a_zip_says_what_it_is(
    tmp_path: Path, content: Callable[[Path], bytes], cause: str
) -> None:
    (tmp_path / "x.zip").write_bytes(content(tmp_path))
    with pytest.raises(ExportError, match=cause):
        read_export(tmp_path / "x.zip", CHANNEL)


@pytest.mark.parametrize("as_zip", [True, False])
@pytest.mark.parametrize(
    ("files", "cause"),
    [
        ({}, r"users\.json: missing\. The (zip|folder) is empty\..*org_users\.json.*right folder or zip"),
        (
            {f"{CHANNEL}/2025-10-01.json": b"[]", f"{CHANNEL}/2025-10-02.json": b"[]"},
            r"one channel's folder of an export \(it holds day files like 2025-10-01\.json\), not the export",
        ),
        (
            {"export/inc-a/2025-10-01.json": b"[]", "export/inc-b/2025-10-01.json": b"[]"},
            r"holds channel folders \(export/inc-a, export/inc-b\) but none of the index files",
        ),
        (
            {"slack-export.zip": b"PK\x05\x06" + bytes(18)},
            r"holds another zip, slack-export\.zip, .* Pass that zip",
        ),
        (
            {"channels/inc-sso.txt": b"[10/1/25 9:40] wren: down", "dms/wren.txt": b"x"},
            r"Slack's TXT-format export .* export again and choose JSON",
        ),
        (
            {"notes.md": b"# todo", "pic.png": b"\x89PNG"},
            r"users\.json: missing\. The (zip|folder) holds notes\.md, pic\.png",
        ),
    ],
)
def test_what_is_not_an_export_is_named(
    tmp_path: Path, files: dict[str, bytes], cause: str, as_zip: bool
) -> None:
    source = write_zip(files, tmp_path / "x.zip") if as_zip else write_folder(files, tmp_path / "x")
    with pytest.raises(ExportError, match=cause):
        read_export(source, CHANNEL)


def test_a_channel_folder_passed_by_itself_is_named(tmp_path: Path) -> None:
    root = write_folder(grid_export(), tmp_path / "export")
    with pytest.raises(ExportError, match=r"one channel's folder of an export .*Pass the folder above it"):
        read_export(root / CHANNEL, CHANNEL)


@pytest.mark.parametrize("as_zip", [True, False])
def test_two_exports_side_by_side_are_named(tmp_path: Path, as_zip: bool) -> None:
    files = {f"{top}/{n}": d for top in ("august", "september") for n, d in grid_export().items()}
    source = write_zip(files, tmp_path / "x.zip") if as_zip else write_folder(files, tmp_path / "x")
    with pytest.raises(ExportError, match=r"holds 2 Slack exports side by side \(august/, september/\)"):
        read_export(source, CHANNEL)


def test_a_password_protected_zip_is_named(tmp_path: Path) -> None:
    archive = write_zip(grid_export(), tmp_path / "x.zip")
    patch_zip(archive, lambda name: name == b"org_users.json", set_flags=0x1)
    with pytest.raises(ExportError, match=r"org_users\.json: the zip is password-protected"):
        read_export(archive, CHANNEL)


def test_a_compression_python_cannot_read_is_named(tmp_path: Path) -> None:
    archive = write_zip(grid_export(), tmp_path / "x.zip")
    patch_zip(archive, lambda name: name.endswith(b"2025-10-01.json"), method=9)  # Deflate64
    with pytest.raises(
        ExportError, match=r"2025-10-01\.json: compressed with a method Python cannot read.*Deflate64"
    ):
        read_export(archive, CHANNEL)


def test_a_damaged_entry_is_named(tmp_path: Path) -> None:
    archive = write_zip({**grid_export(), "pad.bin": bytes(2000)}, tmp_path / "x.zip")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(f"{CHANNEL}/2025-10-01.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start : start + 8] = b"\xff" * 8
    archive.write_bytes(bytes(data))
    with pytest.raises(ExportError, match=r"2025-10-01\.json: the zip is damaged here .*download it again"):
        read_export(archive, CHANNEL)


@pytest.mark.parametrize("as_zip", [True, False])
def test_missing_user_list_names_both_of_its_names(tmp_path: Path, as_zip: bool) -> None:
    files = grid_export()
    del files["org_users.json"]
    source = write_zip(files, tmp_path / "x.zip") if as_zip else write_folder(files, tmp_path / "x")
    with pytest.raises(ExportError, match=r"users\.json: missing, and no org_users\.json .*Enterprise Grid"):
        read_export(source, CHANNEL)


def test_a_listed_channel_without_its_folder_names_the_index_that_lists_it(tmp_path: Path) -> None:
    files = grid_export()
    del files[f"{CHANNEL}/2025-10-01.json"]
    files["groups.json"] = json.dumps([{"id": "G0X", "name": "inc-private"}]).encode()
    with pytest.raises(ExportError, match=r"inc-private: missing\. groups\.json lists #inc-private"):
        read_export(write_folder(files, tmp_path / "x"), "inc-private")
