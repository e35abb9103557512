"""Alembic environment: the URL comes from the app's configuration (DATABASE_URL)."""

from __future__ import annotations

import logging.config

from alembic import context
from sqlalchemy import Connection, text

from bot.store import models  # noqa: F401 - registers every table on Base.metadata
from bot.store.db import Base, make_engine

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    logging.config.fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from bot.config import Settings

    return Settings.from_env().database_url


# Replicas starting together all run `postmortem-bot migrate`: on PostgreSQL they queue on this lock,
# and each one after the first finds the schema current.
MIGRATION_LOCK_ID = 7_262_351


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )


def _run(connection: Connection) -> None:
    _configure(connection)
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK_ID})"))
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                _without_sqlite_cascades(conn)
            _run(conn)
    finally:
        engine.dispose()


def _without_sqlite_cascades(conn: Connection) -> None:
    """SQLite cannot alter most columns in place, so a batch migration copies the table, drops the
    old one and renames the copy. With foreign keys on (the app's engine turns them on), dropping a
    parent table such as `channels` cascades: every message, postmortem and action item would go
    with it. The pragma only takes effect outside a transaction, so it is set before the migration's
    transaction begins; the connection is thrown away afterwards."""
    conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
    conn.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
