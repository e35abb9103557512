"""Every command, given what it cannot use, says so in one line and exits non-zero; never a traceback,
and nothing is changed: run as a real process, as a person would."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.cli_process import EXAMPLE, INC, calm, cli_each
from tests.conftest import bot_env
from tests.slack_stub import SlackStub
from tests.test_cli import ROOT, _env, cli

UNREACHABLE = "postgresql://nobody:secret@127.0.0.1:1/none"

# Every command, as a person would run it (with a Slack export where one is needed).
COMMANDS = {
    "migrate": ("migrate",),
    "check": ("check",),
    "timeline": ("timeline", "--channel", INC),
    "import": ("import", "--export", str(EXAMPLE), "--channel", INC),
    "export": ("export", "--out", "postmortems"),
    "remind": ("remind", "--dry-run"),
    "run": ("run", "--port", "0"),
}
# Those that read or write the bot's record.
RECORD_COMMANDS = ("timeline", "import", "export", "remind")


# --- DATABASE_URL, validated once -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("garbage", "'garbage'"),
        ("mysql://root:hunter2@db/postmortems", "'mysql://root:***@db/postmortems'"),
        ("postgresql+psycopg2://me:hunter2@db/pm", "'postgresql+psycopg2://me:***@db/pm'"),
        ("sqlite://", "in-memory"),
    ],
)
def test_an_unsupported_database_url_is_refused_naming_what_it_got(
    tmp_path: Path, url: str, said: str
) -> None:
    result = cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 2
    err = calm(result)
    assert "DATABASE_URL" in err
    assert said in err
    assert "hunter2" not in err
    assert list(tmp_path.iterdir()) == []


def test_every_command_refuses_a_garbage_database_url(tmp_path: Path) -> None:
    env = {"DATABASE_URL": "mysql://u:hunter2@h/db", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    folders = {name: tmp_path / name for name in COMMANDS}
    for folder in folders.values():
        folder.mkdir()
    results = cli_each({name: (args, env, folders[name]) for name, args in COMMANDS.items()})
    for name, result in results.items():
        assert result.returncode == 2, (name, result.stderr)
        err = calm(result)
        assert "DATABASE_URL" in err and "'mysql://u:***@h/db'" in err, name
        assert list(folders[name].iterdir()) == [], name


# --- a database that is not there -------------------------------------------------------------------


def test_migrate_says_when_the_database_does_not_answer(tmp_path: Path) -> None:
    result = cli("migrate", env={"DATABASE_URL": UNREACHABLE}, cwd=tmp_path)
    assert result.returncode == 1
    err = calm(result)
    assert "postgresql://nobody:***@127.0.0.1:1/none does not answer" in err
    assert "Connection refused" in err or "connection" in err.lower()
    assert "secret" not in err


def test_migrate_says_when_the_sqlite_folder_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "folder" / "bot.db"
    result = cli("migrate", env={"DATABASE_URL": f"sqlite:///{missing}"}, cwd=tmp_path)
    assert result.returncode == 1
    assert f"its folder {missing.parent} does not exist" in calm(result)
    assert list(tmp_path.iterdir()) == []


def test_every_database_command_says_when_the_database_does_not_answer(
    tmp_path: Path, slack_stub: SlackStub
) -> None:
    names = [*RECORD_COMMANDS, "run"]
    for name in names:
        (tmp_path / name).mkdir()
    env = bot_env(UNREACHABLE, slack_stub)
    results = cli_each({name: (COMMANDS[name], env, tmp_path / name) for name in names})
    for name, result in results.items():
        assert result.returncode == 1, (name, result.stderr)
        assert "does not answer" in calm(result), name
        assert list((tmp_path / name).iterdir()) == [], name


def test_no_command_but_migrate_creates_a_sqlite_file(tmp_path: Path, slack_stub: SlackStub) -> None:
    names = [*RECORD_COMMANDS, "check", "run"]
    paths = {name: tmp_path / name / "bot.db" for name in names}
    for path in paths.values():
        path.parent.mkdir()
    results = cli_each(
        {
            name: (COMMANDS[name], bot_env(f"sqlite:///{paths[name]}", slack_stub), paths[name].parent)
            for name in names
        }
    )
    for name, result in results.items():
        assert result.returncode == 1, (name, result.stderr)
        said = calm(result) if name != "check" else result.stdout
        assert f"There is no database at {paths[name]} yet. Run `postmortem-bot migrate`" in said, name
        assert not paths[name].exists(), name


def test_migrate_to_a_revision_that_does_not_exist(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    assert cli("migrate", env={"DATABASE_URL": url}).returncode == 0
    result = cli("migrate", "--to", "bogus", env={"DATABASE_URL": url})
    assert result.returncode == 1
    err = calm(result)
    assert "No migration is called 'bogus'" in err
    assert "0001" in err and "head" in err and "base" in err


def test_a_database_migrated_by_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    url = f"sqlite:///{path}"
    assert cli("migrate", env={"DATABASE_URL": url}).returncode == 0
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    for args in (("migrate",), ("migrate", "--to", "base"), COMMANDS["timeline"]):
        result = cli(*args, env={"DATABASE_URL": url})
        assert result.returncode == 1
        assert "at migration 9999, which this version of postmortem-bot does not know" in calm(result)


# --- alembic's progress lines: only when asked ------------------------------------------------------


def test_migrate_is_quiet_unless_asked(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    quiet = cli("migrate", env={"DATABASE_URL": url})
    assert quiet.returncode == 0
    assert quiet.stderr == ""
    assert "is at revision" in quiet.stdout
    for asked, env in (
        (("migrate", "--to", "base", "--verbose"), {}),  # after the command
        (("-v", "migrate"), {}),  # or before it
        (("migrate", "--to", "base"), {"LOG_LEVEL": "info"}),  # or LOG_LEVEL, set
    ):
        loud = cli(*asked, env={"DATABASE_URL": url, **env})
        assert loud.returncode == 0
        assert "INFO alembic.runtime.migration: Running " in loud.stderr
    other = cli("timeline", "--channel", INC, env={"DATABASE_URL": url})
    assert other.returncode == 1
    assert "alembic" not in other.stderr  # the schema check is quiet too
    assert "--verbose" in cli("--help").stdout
    assert "--verbose" in cli("migrate", "--help").stdout


# --- files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("a-file", "it is a file, not a folder"),
        ("a-file/below", "a-file is a file, not a folder"),
    ],
)
def test_export_into_a_file_is_refused(tmp_path: Path, sqlite_url: str, out: str, said: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "a-file").write_text("keep me")
    result = cli("export", "--out", str(work / out), env={"DATABASE_URL": sqlite_url}, cwd=work)
    assert result.returncode == 1
    assert said in calm(result)
    assert (work / "a-file").read_text() == "keep me"
    assert sorted(p.name for p in work.iterdir()) == ["a-file"]


# --- the run command --------------------------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_run_refuses_a_port_that_is_not_one(port: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run", "--port", port],
        env=_env({}),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "is not a port number (0-65535)" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_says_when_slack_does_not_answer(sqlite_url: str, slack_stub: SlackStub) -> None:
    env = bot_env(sqlite_url, slack_stub, SLACK_API_URL="http://127.0.0.1:1/api/")
    result = cli("run", "--port", "0", env=env)
    assert result.returncode == 1
    assert "Cannot reach Slack at http://127.0.0.1:1/api/" in result.stderr
    assert "Traceback" not in result.stderr


def test_remind_needs_no_signing_secret(sqlite_url: str, slack_stub: SlackStub) -> None:
    env = {
        "DATABASE_URL": sqlite_url,
        "SLACK_BOT_TOKEN": slack_stub.bot_token,
        "SLACK_API_URL": slack_stub.url,
    }
    result = cli("remind", env=env)
    assert result.returncode == 0, result.stderr
    assert "already sent 0" in result.stdout


class _ClosedPipe(io.StringIO):
    """stdout whose reader went away (`postmortem-bot timeline … | head -1`)."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")

    def fileno(self) -> int:
        return self.fd


def test_a_reader_that_goes_away_ends_it_quietly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process: a pipe closed early is a platform's doing (this one's pipes never fill)."""
    read_end, write_end = os.pipe()
    try:
        monkeypatch.setattr(sys, "stdout", _ClosedPipe(write_end))
        assert main(["timeline", "--export", str(EXAMPLE), "--channel", INC]) == 1
        assert capsys.readouterr().err == ""
    finally:
        os.close(read_end)
        os.close(write_end)
