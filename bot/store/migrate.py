"""Alembic, driven from code: upgrade, downgrade, and "is this database current?".

What cannot be done is a MigrationError whose message says why and what to do: no migrations/
folder, a target that names no migration, a database migrated by a newer version of the bot.
Alembic reports its progress (each migration it runs) at INFO on the `alembic` logger; the CLI
shows it only when asked (`--verbose`, LOG_LEVEL).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine

from bot.config import normalise_database_url
from bot.store.db import make_engine


class MigrationError(RuntimeError):
    """A migration cannot be done; the message says why and what to do."""


class MigrationsNotFound(MigrationError):
    pass


def migrations_dir() -> Path:
    """migrations/ beside the package (a checkout or editable install), else in the working directory
    (the Docker image installs the package and keeps migrations/ in its working directory)."""
    for candidate in (Path(__file__).resolve().parents[2] / "migrations", Path.cwd() / "migrations"):
        if (candidate / "env.py").is_file():
            return candidate
    raise MigrationsNotFound(
        "Cannot find the migrations/ folder. Run postmortem-bot from the project folder "
        "(the one with migrations/ in it)."
    )


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    # '%' is ConfigParser's interpolation character; URLs with escaped passwords contain it.
    config.set_main_option("sqlalchemy.url", normalise_database_url(database_url).replace("%", "%%"))
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def head_revision() -> str | None:
    return _script().get_current_head()


def _script() -> ScriptDirectory:
    return ScriptDirectory(str(migrations_dir()))


def known_revisions() -> list[str]:
    """Every migration's id, oldest first."""
    return [rev.revision for rev in reversed(list(_script().walk_revisions()))]


def migrate_to(database_url: str, target: str = "head") -> None:
    """Upgrade or downgrade to `target` (a migration's id, `head` or `base`), whichever way it lies.

    MigrationError when `target` names no migration, or the database is at one this code does not
    know (a newer version of the bot migrated it: it must be moved back by that version)."""
    known = known_revisions()
    if target not in ("head", "base", *known):
        raise MigrationError(
            f"No migration is called {target!r}. Give one of {', '.join(known)}, or head (the latest) "
            "or base (no tables at all)."
        )
    engine = make_engine(database_url)
    try:
        current = current_revision(engine)
    finally:
        engine.dispose()
    if current is not None and current not in known:
        raise MigrationError(_newer(current))
    upward = target == "head" or (
        target != "base" and (current is None or known.index(current) <= known.index(target))
    )
    try:
        if upward:
            command.upgrade(alembic_config(database_url), target)
        else:
            command.downgrade(alembic_config(database_url), target)
    except CommandError as error:  # what alembic itself refuses (a branch it cannot resolve)
        raise MigrationError(f"Alembic refused to migrate to {target}: {error}") from error


def _newer(current: str) -> str:
    return (
        f"The database is at migration {current}, which this version of postmortem-bot does not know: "
        "a newer version migrated it. Run that version (or downgrade with it first)."
    )


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def schema_problem(engine: Engine) -> str | None:
    """None when the database is at the latest migration; otherwise what to do about it."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    if current is None:
        return "The database has no tables yet. Run `postmortem-bot migrate` (or start with `run --migrate`)."
    if current not in known_revisions():
        return _newer(current)
    return (
        f"The database is at migration {current}, the code needs {head}. "
        "Run `postmortem-bot migrate` (or start with `run --migrate`)."
    )
