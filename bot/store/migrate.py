"""Alembic, driven from code: upgrade, downgrade, and "is this database current?"."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from bot.config import normalise_database_url


class MigrationsNotFound(RuntimeError):
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
    return ScriptDirectory(str(migrations_dir())).get_current_head()


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
    return (
        f"The database is at migration {current}, the code needs {head}. "
        "Run `postmortem-bot migrate` (or start with `run --migrate`)."
    )
