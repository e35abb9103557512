"""Engine, sessions and the column types every model shares.

The caller owns the transaction: `with session_scope(factory) as s:` commits on success and rolls
back on error. Repositories only add, flush and query.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Engine, MetaData, String, Text, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from bot.config import normalise_database_url
from bot.domain.slack_ids import keepable

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """An instant, always timezone-aware UTC on the way in and out.

    SQLite drops offsets, so values are stored as naive UTC there and re-tagged when read;
    PostgreSQL stores `timestamptz`. A naive datetime is a bug and is refused.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: every instant must be timezone-aware")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _keep(value: str | None) -> str | None:
    return None if value is None else keepable(value)


class KeptText(TypeDecorator[str]):
    """Text as people and Slack wrote it, kept alike on every backend.

    PostgreSQL refuses a NUL character (U+0000) in text, where SQLite takes it: a message, a
    command's or a modal's text holding one would be stored on one and fail on the other (and fail
    again on every retry). A NUL shows nothing and carries nothing, so it is stored as U+FFFD, the
    replacement character, everywhere; every other character is kept as it is. `KeptString(n)` is
    the same for a name or a title of at most n characters.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return _keep(value)


class KeptString(TypeDecorator[str]):
    """A name or a title of at most n characters, kept like `KeptText`."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return _keep(value)


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        # Several threads (Bolt's listener pool, the scheduler) share one file.
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "memory":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@functools.cache
def _insert_or_ignore_statement(model: type[Base], key: tuple[str, ...], dialect_name: str) -> Any:
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = model.__table__
    # Core, not ORM: the ORM's bulk-insert path costs more than the INSERT itself.
    # RETURNING yields the row only when it was inserted; rowcount is not reliable across drivers.
    return dialect.insert(table).on_conflict_do_nothing(index_elements=list(key)).returning(table.c[key[0]])


def insert_or_ignore(session: Session, model: type[Base], values: dict[str, Any], key: list[str]) -> bool:
    """INSERT … ON CONFLICT (key) DO NOTHING. True if the row was inserted by this call.

    The database decides who wins, so two replicas racing on the same key cannot both insert.
    The statement is built once per model and key, and each row goes in as parameters: on the
    capture path this halves the time per message.
    """
    stmt = _insert_or_ignore_statement(model, tuple(key), session.get_bind().dialect.name)
    return session.execute(stmt, values).first() is not None


def database_answers(engine: Engine) -> bool:
    """For /healthz: can we run a query right now?"""
    return why_unreachable(engine) is None


def why_unreachable(engine: Engine) -> str | None:
    """None when a query runs right now; otherwise why not, in the driver's words, on one line."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any driver error means "does not answer"; returned, not lost
        return error_reason(error)
    return None


def error_reason(error: BaseException) -> str:
    """A database error for a person: the driver's own message on one line, without SQLAlchemy's
    wrapping, the SQL and its parameters (which may hold anything)."""
    driver_error = getattr(error, "orig", None) or error
    said = " ".join(str(driver_error).split()) or type(driver_error).__name__
    return said if len(said) <= 300 else said[:299] + "…"


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (relative to the working directory, as SQLite opens it); None
    for any other database."""
    parsed = make_url(normalise_database_url(url))
    if not parsed.drivername.startswith("sqlite") or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)
