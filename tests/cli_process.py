"""Running the postmortem-bot command as real processes, and checking what a person reads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, func, select

from bot.store.models import Channel, Message
from tests.test_cli import ROOT, _env

EXAMPLE = ROOT / "examples" / "slack-export"
INC = "inc-2025-03-15-payments"


def cli_each(
    runs: dict[str, tuple[tuple[str, ...], dict[str, str], Path]],
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Several commands at once, each a real process (name → (arguments, environment, folder)):
    what `cli` does, side by side, since each process spends a second starting."""
    started = {
        name: (
            args,
            subprocess.Popen(
                [sys.executable, "-m", "bot", *args],
                env=_env(env),
                cwd=cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            ),
        )
        for name, (args, env, cwd) in runs.items()
    }
    done = {}
    for name, (args, process) in started.items():
        out, err = process.communicate(timeout=120)
        done[name] = subprocess.CompletedProcess(args, process.returncode, out, err)
    return done


def calm(result: subprocess.CompletedProcess[str]) -> str:
    """stderr, checked to be a message for a person: no traceback, no SQL, no driver's class names."""
    assert "Traceback" not in result.stderr, result.stderr
    for noise in ("sqlalchemy.exc", "psycopg.", "sqlite3.", "[SQL:", "alembic."):
        assert noise not in result.stderr, result.stderr
    assert result.stderr.startswith("postmortem-bot: ") or result.stdout.startswith("FAIL"), result.stderr
    return result.stderr


def count(url: str, model: type[Channel] | type[Message]) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(model)).scalar_one())
    finally:
        engine.dispose()
