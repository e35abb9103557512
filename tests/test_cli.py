"""The postmortem-bot command, run as a real process."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import __version__
from tests.conftest import bot_env
from tests.harness import SlackSender, http
from tests.slack_stub import SlackStub

ROOT = Path(__file__).resolve().parents[1]


def _env(extra: dict[str, str]) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    return {**keep, **extra}


def cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=_env(env or {}),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_version() -> None:
    result = cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_run_without_tokens_names_every_missing_variable(tmp_path: Path) -> None:
    result = cli("run", cwd=tmp_path)
    assert result.returncode != 0
    assert "SLACK_BOT_TOKEN" in result.stderr
    assert "SLACK_SIGNING_SECRET" in result.stderr
    assert not (tmp_path / "postmortem-bot.db").exists()  # nothing was created


def test_a_malformed_variable_exits_non_zero_naming_it(tmp_path: Path) -> None:
    result = cli("migrate", env={"DEFAULT_TIMEZONE": "Nowhere/Special"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "DEFAULT_TIMEZONE" in result.stderr


def test_migrate_down_and_up_again(empty_database_url: str) -> None:
    env = {"DATABASE_URL": empty_database_url}
    up = cli("migrate", env=env)
    assert up.returncode == 0, up.stderr
    assert re.search(r"is at revision \w+", up.stdout)
    down = cli("migrate", "--to", "base", env=env)
    assert down.returncode == 0, down.stderr
    assert "is at revision base" in down.stdout
    again = cli("migrate", env=env)
    assert again.returncode == 0, again.stderr
    assert "revision base" not in again.stdout


def test_run_refuses_a_database_that_is_behind(empty_database_url: str, slack_stub: SlackStub) -> None:
    result = cli("run", "--port", "0", env=bot_env(empty_database_url, slack_stub))
    assert result.returncode == 1
    assert "postmortem-bot migrate" in result.stderr


@pytest.fixture
def running_bot(
    empty_database_url: str, slack_stub: SlackStub
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--migrate", "--host", "127.0.0.1", "--port", "0"],
        env=_env(bot_env(empty_database_url, slack_stub)),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (http://[\d.]+:\d+)", line)
        assert match, f"no listening line; stderr:\n{process.stderr.read() if process.stderr else ''}"
        yield match.group(1), process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def test_run_serves_signed_commands_and_health_then_stops_on_sigterm(
    running_bot: tuple[str, subprocess.Popen[str]], slack_stub: SlackStub
) -> None:
    url, process = running_bot
    assert http("GET", url + "/healthz").json()["schema"] == "current"  # --migrate migrated it
    slack = SlackSender(url + "/slack/events")
    reply = slack.command("help")
    assert reply.status == 200
    assert "/postmortem help" in reply.text
    assert slack.command("help", secret="forged").status == 401
    assert slack_stub.calls_to("auth.test"), "the token is verified with auth.test at start"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=10) == 0


def test_check_reports_each_part(database_url: str, slack_stub: SlackStub) -> None:
    good = cli("check", env=bot_env(database_url, slack_stub))
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout.count("ok ") == 3
    bad = cli("check", env={**bot_env(database_url, slack_stub), "SLACK_BOT_TOKEN": "xoxb-revoked"})
    assert bad.returncode == 1
    assert "invalid_auth" in bad.stdout
