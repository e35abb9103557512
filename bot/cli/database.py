"""migrate and check, and how every other command opens the database (`open_runtime`).

Before a command reads or writes, the database must answer and be at the latest migration; a
SQLite file must exist (only `migrate` creates one, and only in a folder that exists). Each
problem is a CommandFailed saying what to do, raised before anything is changed.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from bot.cli.common import EXIT_FAILURE, CommandFailed, safe_url
from bot.config import ConfigError, Settings
from bot.runtime import Runtime


def database_problem(settings: Settings, *, creating: bool = False) -> str | None:
    """Why the database cannot be opened, before opening it (SQLite would create a missing file);
    None when it can be tried. `creating`: a missing SQLite file may be made (by migrate)."""
    from bot.store.db import sqlite_file

    path = sqlite_file(settings.database_url)
    if path is None:
        return None
    where = path.resolve()
    if path.is_dir():
        return f"DATABASE_URL names {where}, which is a folder: name a file in it, e.g. sqlite:///{where}/postmortem-bot.db."
    if not where.parent.is_dir():
        return (
            f"Cannot open the SQLite database {where}: its folder {where.parent} does not exist. "
            "Create the folder, or point DATABASE_URL at a file in one that exists."
        )
    if not creating and not path.exists():
        return f"There is no database at {where} yet. Run `postmortem-bot migrate` to create it."
    return None


def unreachable(rt: Runtime) -> str | None:
    from bot.store.db import why_unreachable

    reason = why_unreachable(rt.engine)
    return None if reason is None else f"The database {safe_url(rt.settings)} does not answer: {reason}"


@contextmanager
def open_runtime(settings: Settings) -> Iterator[Runtime]:
    """A Runtime on a database that answers and is at the latest migration; CommandFailed, saying
    what to do, before anything is read or written otherwise."""
    from bot.store.migrate import schema_problem

    if problem := database_problem(settings):
        raise CommandFailed(problem)
    rt = Runtime.create(settings)
    try:
        if (problem := unreachable(rt)) or (problem := schema_problem(rt.engine)):
            raise CommandFailed(problem)
        yield rt
    finally:
        rt.close()


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import migrate

    if problem := database_problem(settings, creating=True):
        raise CommandFailed(problem)
    rt = Runtime.create(settings)
    try:
        if problem := unreachable(rt):
            raise CommandFailed(problem)
        try:
            migrate.migrate_to(settings.database_url, args.to)
        except migrate.MigrationError as error:
            raise CommandFailed(str(error)) from error
        print(
            f"Database {safe_url(settings)} is at revision {migrate.current_revision(rt.engine) or 'base'}."
        )
    finally:
        rt.close()
    return 0


def cmd_check(_args: argparse.Namespace, settings: Settings) -> int:
    from slack_sdk.errors import SlackApiError, SlackRequestError

    from bot.outbound.slack.web import make_web_client
    from bot.store.migrate import schema_problem

    failures = 0

    def report(ok: bool, what: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok ' if ok else 'FAIL'}  {what}")

    try:
        settings.require_slack()
        mode = "Socket Mode" if settings.socket_mode else "HTTP mode"
        report(True, f"configuration ({mode})")
    except ConfigError as error:
        report(False, f"configuration:\n{error}")
    if problem := database_problem(settings):
        report(False, problem)
    else:
        rt = Runtime.create(settings)
        try:
            if problem := unreachable(rt):
                report(False, problem)
            else:
                problem = schema_problem(rt.engine)
                report(
                    problem is None, problem or f"database {safe_url(settings)} is at the latest migration"
                )
        finally:
            rt.close()
    if settings.slack_bot_token:
        try:
            auth = make_web_client(settings).auth_test()
            report(True, f"Slack token works: bot @{auth.get('user')} in workspace {auth.get('team')}")
        except SlackApiError as error:
            report(False, f"Slack rejected SLACK_BOT_TOKEN: {error.response.get('error')}")
        except (SlackRequestError, OSError) as error:
            report(False, f"cannot reach Slack at {settings.slack_api_url}: {error}")
    return EXIT_FAILURE if failures else 0
