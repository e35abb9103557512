"""postmortem-bot import, given what the record cannot keep: one line naming the file (and the
message) and what is wrong, exit 1, nothing stored; a NUL in text is kept as U+FFFD. Run as a real
process, on SQLite and PostgreSQL where the database decides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from bot.store.models import Channel, Message
from tests.cli_process import EXAMPLE, INC, calm, count
from tests.test_cli import cli

IMPORT = ("import", "--export", str(EXAMPLE), "--channel", INC)


@pytest.mark.parametrize("team", ["T" + "A" * 40, "#general", "t0123", ""])
def test_import_refuses_a_team_that_is_not_a_slack_workspace_id(sqlite_url: str, team: str) -> None:
    result = cli(*IMPORT, "--team", team, env={"DATABASE_URL": sqlite_url})
    assert result.returncode == 1
    assert "--team: " in calm(result)
    assert "is not a Slack workspace id" in result.stderr
    assert count(sqlite_url, Channel) == 0


@pytest.mark.parametrize(
    ("index", "change", "said"),
    [
        ("channels.json", {"id": "C" + "1" * 40}, "channels.json: a channel's id is over 32 characters"),
        ("channels.json", {"name": "n" * 81}, "channels.json: a channel's name is over 80 characters"),
        ("users.json", {"id": "U" + "1" * 40}, "users.json: a user's id is over 32 characters"),
    ],
)
def test_import_refuses_an_index_entry_the_record_cannot_keep(
    tmp_path: Path, sqlite_url: str, index: str, change: dict[str, str], said: str
) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXAMPLE, export)
    entries = json.loads((export / index).read_text())
    entries[-1].update(change)
    (export / index).write_text(json.dumps(entries))
    result = cli("import", "--export", str(export), "--channel", INC, env={"DATABASE_URL": sqlite_url})
    assert result.returncode == 1
    assert said in calm(result)
    assert count(sqlite_url, Channel) == 0


def test_import_refuses_a_workspace_from_users_json_that_is_not_an_id(
    tmp_path: Path, sqlite_url: str
) -> None:
    export = tmp_path / "export"
    shutil.copytree(EXAMPLE, export)
    users = json.loads((export / "users.json").read_text())
    for user in users:
        user["team_id"] = "T" + "9" * 40
    (export / "users.json").write_text(json.dumps(users))
    result = cli("import", "--export", str(export), "--channel", INC, env={"DATABASE_URL": sqlite_url})
    assert result.returncode == 1
    assert "users.json" in calm(result)
    assert count(sqlite_url, Channel) == 0


def _export_with(tmp_path: Path, **changes: object) -> tuple[Path, str]:
    """The example export with its first plain message changed; that message's ts."""
    export = tmp_path / "export"
    shutil.copytree(EXAMPLE, export)
    day = export / INC / "2025-03-15.json"
    messages = json.loads(day.read_text())
    message = next(m for m in messages if m.get("user") and m.get("text") and not m.get("subtype"))
    message.update(changes)
    day.write_text(json.dumps(messages))
    return export, str(message["ts"])


def test_import_keeps_a_nul_in_text_as_a_replacement_character(tmp_path: Path, database_url: str) -> None:
    export, ts = _export_with(tmp_path, text="rolled back\x00 the deploy")
    result = cli("import", "--export", str(export), "--channel", INC, env={"DATABASE_URL": database_url})
    assert result.returncode == 0, result.stderr
    assert "32 new of 32 messages" in result.stdout
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            kept = conn.execute(select(Message.text).where(Message.ts == ts)).scalar_one()
    finally:
        engine.dispose()
    assert kept == "rolled back\ufffd the deploy"


@pytest.mark.parametrize(
    ("changes", "said"),
    [
        ({"user": "U" + "X" * 40}, "has a user id over 32 characters"),
        ({"thread_ts": "9" * 40}, "has a thread_ts that is not a Slack ts"),
        (
            {"reactions": [{"name": "boom", "users": ["U" + "X" * 40], "count": 1}]},
            "has a :boom: reaction by a user id over 32",
        ),
    ],
)
def test_import_refuses_a_message_the_record_cannot_keep_naming_file_and_message(
    tmp_path: Path, database_url: str, changes: dict[str, object], said: str
) -> None:
    export, ts = _export_with(tmp_path, **changes)
    result = cli("import", "--export", str(export), "--channel", INC, env={"DATABASE_URL": database_url})
    assert result.returncode == 1
    err = calm(result)
    assert f"{INC}/2025-03-15.json" in err
    assert f"the message at ts '{ts}' {said}" in err
    assert count(database_url, Channel) == count(database_url, Message) == 0
