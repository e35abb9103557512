"""What every command shares: exit codes, the error a command fails with, the database URL shown."""

from __future__ import annotations

from bot.config import Settings

EXIT_FAILURE = 1
EXIT_CONFIG = 2
EXIT_INTERRUPTED = 130


class CommandFailed(Exception):
    """A CLI command could not do its work; the message says why and what to do."""


def safe_url(settings: Settings) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)
