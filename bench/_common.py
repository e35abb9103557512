"""What the benchmarks share: a migrated SQLite file, a frozen clock, a watched channel, a table."""

from __future__ import annotations

import json
import shutil
import sqlite3
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from bot.config import Settings
from bot.domain.channels import ChannelRef, WatchSource
from bot.domain.messages import NewMessage, Source
from bot.domain.timeline import ts_to_datetime
from bot.runtime import Runtime
from bot.store import channels as channel_store
from bot.store import migrate

T = TypeVar("T")

TEAM = "T0TEST"
NOW = datetime(2025, 3, 15, 18, 0, tzinfo=UTC)


def frozen_clock() -> datetime:
    return NOW


def migrated_template(folder: Path) -> Path:
    """A SQLite file at the latest migration; copy it for each database a benchmark needs."""
    path = folder / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def fresh_database(template: Path, folder: Path, name: str) -> str:
    path = folder / f"{name}.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def runtime(database_url: str) -> Runtime:
    return Runtime.create(Settings.from_env({"DATABASE_URL": database_url}), clock=frozen_clock)


def watched_channel(rt: Runtime, channel_id: str, name: str) -> ChannelRef:
    """Registered and watched, as after `/postmortem watch`: no Slack call is needed to know it."""
    with rt.transaction() as session:
        channel = channel_store.upsert(session, TEAM, channel_id, name, rt.clock())
        channel_store.set_watched(session, channel.pk, True, WatchSource.COMMAND, rt.clock())
        return channel_store.by_pk(session, channel.pk)


MESSAGE_COLUMNS = (
    "channel_pk, ts, thread_ts, user_id, author_name, bot_id, subtype, text, files, pinned, "
    "reply_count, posted_at, edited_at, deleted_at, captured_at, source"
)
INSERT_MESSAGE = f"INSERT INTO messages ({MESSAGE_COLUMNS}) VALUES ({', '.join('?' * 16)})"


def _sqlite_time(value: datetime | None) -> str | None:
    """How SQLAlchemy's DateTime keeps an instant in SQLite: naive UTC, to the microsecond."""
    return value.replace(tzinfo=None).isoformat(" ", "microseconds") if value is not None else None


def message_rows(
    channel_pk: int, messages: Iterable[NewMessage], *, source: Source, now: datetime
) -> list[tuple[Any, ...]]:
    """The `messages` rows the repository stores for these messages, as sqlite3 parameters for
    INSERT_MESSAGE (bench_ingest checks that they are the same rows, column for column)."""
    return [
        (
            channel_pk,
            m.ts,
            m.thread_ts if m.thread_ts != m.ts else None,
            m.user_id,
            m.author_name,
            m.bot_id,
            m.subtype,
            m.text,
            json.dumps(list(m.files)),
            int(m.pinned),
            m.reply_count,
            _sqlite_time(ts_to_datetime(m.ts)),
            _sqlite_time(m.edited_at),
            None,
            _sqlite_time(now),
            source.value,
        )
        for m in messages
    ]


def sqlite_connect(path: str) -> sqlite3.Connection:
    """A plain connection with the pragmas bot/store/db.py sets; transactions are explicit."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def median_of(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    """(median, best) seconds of `runs` calls."""
    times = [timed(fn)[0] for _ in range(runs)]
    return statistics.median(times), min(times)


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(h) for h in headers], *[[str(c) for c in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
