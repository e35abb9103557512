"""postmortem-bot run | migrate | check | timeline | import | export | remind.

Every failure ends with one message on stderr, never a traceback, and a non-zero exit: 2 for
configuration and usage, 1 for anything that went wrong while doing the work (the database does
not answer, a file cannot be written, an export cannot be read…), 130 when interrupted. What was
refused changed nothing: nothing is stored and no file is written half-way.

Logging goes to stderr. With LOG_LEVEL unset, `run` logs at INFO (a service's log) and the other
commands only warnings (they print their result; a migration's progress lines would be noise);
`--verbose` shows every command's progress at INFO, migrations' included, and a failure's details.
LOG_LEVEL, when set, is the level for every command.

database   migrate, check, and opening the database for the others (`open_runtime`)
records    timeline, import, export, remind
serve      run
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import __version__
from bot.cli.common import EXIT_CONFIG, EXIT_FAILURE, EXIT_INTERRUPTED, CommandFailed
from bot.cli.database import cmd_check, cmd_migrate
from bot.cli.records import cmd_export, cmd_import, cmd_remind, cmd_timeline
from bot.cli.serve import cmd_run, port_number
from bot.config import ConfigError, Settings
from bot.domain.errors import UserError

__all__ = ["CommandFailed", "main"]

logger = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "handler"):
        parser.print_help()
        return EXIT_CONFIG
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"postmortem-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    _configure_logging(settings, verbose=args.verbose, serving=args.handler is cmd_run)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except ConfigError as error:
        return _fail(error, EXIT_CONFIG)
    except (CommandFailed, UserError) as error:
        return _fail(error, EXIT_FAILURE)
    except KeyboardInterrupt:
        return _fail("interrupted.", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader went away (`… | head`): nothing more to say, and nobody to say it to.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILURE
    except Exception as error:  # noqa: BLE001 - reported in one line (its traceback with --verbose), exit 1
        return _unexpected(error, settings)


def _fail(error: BaseException | str, code: int) -> int:
    print(f"postmortem-bot: {error}", file=sys.stderr)
    return code


def _unexpected(error: Exception, settings: Settings) -> int:
    """What no command foresaw: a database that stopped answering half-way, a file that could not be
    read. One line naming what failed; the traceback with --verbose."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.cli.common import safe_url
    from bot.store.db import error_reason

    logger.info("what failed, in full:", exc_info=error)
    if isinstance(error, SQLAlchemyError):
        what = f"the database {safe_url(settings)} failed: {error_reason(error)}"
    elif isinstance(error, OSError):
        what = f"{error.strerror or error}" + (f": {error.filename}" if error.filename else "")
    else:
        what = f"unexpected error: {type(error).__name__}: {error}"
    return _fail(f"{what}. Nothing more was done (run again with --verbose for the details).", EXIT_FAILURE)


def _configure_logging(settings: Settings, *, verbose: bool, serving: bool) -> None:
    level = settings.log_level or ("INFO" if verbose or serving else "WARNING")
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # Alembic's progress lines (INFO): only when asked for, even where the rest logs at INFO.
    asked = verbose or settings.log_level is not None
    logging.getLogger("alembic").setLevel(logging.NOTSET if asked else logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postmortem-bot",
        description="Blameless postmortems in Slack: UTC timelines, postmortem threads, action items.",
        epilog="Configuration comes from environment variables; see the README. Exit status: 0 done, "
        "1 failed (the message says why; nothing was changed half-way), 2 configuration or usage.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    verbose_help = (
        "log progress to stderr (database migrations' included) and a failure's details; "
        "LOG_LEVEL, when set, decides instead"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help=verbose_help)
    # Also after the command (`postmortem-bot migrate --verbose`); SUPPRESS keeps one given before it.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help=verbose_help)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    def command(name: str, **kwargs: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)  # type: ignore[arg-type]

    run = command("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    run.add_argument(
        "--port", type=port_number, default=3000, help="HTTP mode: port to listen on (default 3000)"
    )
    run.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to bind (default 0.0.0.0)")
    run.add_argument("--migrate", action="store_true", help="upgrade the database first if it is behind")
    run.set_defaults(handler=cmd_run)

    migrate = command("migrate", help="upgrade the database to the latest migration")
    migrate.add_argument(
        "--to",
        default="head",
        metavar="REVISION",
        help="target migration: its id (e.g. 0003), head (the latest, the default) or base (no tables)",
    )
    migrate.set_defaults(handler=cmd_migrate)

    check = command("check", help="check configuration, database schema and the Slack token")
    check.set_defaults(handler=cmd_check)

    timeline = command(
        "timeline",
        help="print a channel's timeline in UTC, from a Slack export or from the bot's record",
        description="Print an incident channel's timeline in UTC. With --export, read a Slack workspace "
        "export (.zip or its unpacked folder); otherwise use what the bot has recorded.",
    )
    timeline.add_argument(
        "--channel", required=True, metavar="NAME", help="channel name, e.g. inc-2025-03-15-db"
    )
    timeline.add_argument("--export", type=Path, metavar="PATH", help="a Slack export .zip or folder")
    timeline.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    timeline.add_argument(
        "--all",
        action="store_true",
        help="every captured message, not only marked and key ones: people's and apps' alike, so unmarked "
        "alerts are on it too, labelled (app)",
    )
    timeline.add_argument(
        "--workspace-url",
        metavar="URL",
        help="the workspace's address, e.g. https://acme.slack.com/, so each entry links to its message "
        "(an export does not say it; the bot's record knows it once the bot has run)",
    )
    timeline.set_defaults(handler=cmd_timeline)

    imp = command(
        "import",
        help="store a channel from a Slack export, as a backfill would, so a postmortem can start on it",
    )
    imp.add_argument(
        "--export", type=Path, required=True, metavar="PATH", help="a Slack export .zip or folder"
    )
    imp.add_argument("--channel", required=True, metavar="NAME", help="channel name in the export")
    imp.add_argument(
        "--team",
        metavar="TEAM_ID",
        help="workspace id, e.g. T0123ABCD (default: from the export's users.json)",
    )
    imp.set_defaults(handler=cmd_import)

    export = command(
        "export", help="write each postmortem as Markdown (YYYY-MM-DD-<slug>.md) for a postmortem repository"
    )
    export.add_argument(
        "--out",
        type=Path,
        required=True,
        metavar="DIR",
        help="folder to write into (made if missing); every file is written, or none",
    )
    export.add_argument("--channel", metavar="NAME", help="only this incident channel's postmortem")
    export.set_defaults(handler=cmd_export)

    remind = command("remind", help="run the weekly action-item reminder sweep now and print what it posts")
    remind.add_argument(
        "--dry-run", action="store_true", help="print what would be posted; store nothing, call Slack never"
    )
    remind.set_defaults(handler=cmd_remind)
    return parser
