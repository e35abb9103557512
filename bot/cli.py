"""postmortem-bot run | migrate | check | timeline | import | export | remind.

Every failure ends with a message on stderr and a non-zero exit: 2 for configuration and usage,
1 for anything that went wrong while doing the work.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from bot import __version__
from bot.config import ConfigError, Settings
from bot.domain.errors import UserError
from bot.runtime import Runtime

if TYPE_CHECKING:
    from slack_bolt import App

logger = logging.getLogger("bot")

EXIT_FAILURE = 1
EXIT_CONFIG = 2


class CommandFailed(Exception):
    """A CLI command could not do its work; the message says why and what to do."""


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
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    except ConfigError as error:
        print(f"postmortem-bot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except (CommandFailed, UserError) as error:
        print(f"postmortem-bot: {error}", file=sys.stderr)
        return EXIT_FAILURE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="postmortem-bot",
        description="Blameless postmortems in Slack: UTC timelines, postmortem threads, action items.",
        epilog="Configuration comes from environment variables; see the README.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = sub.add_parser("run", help="run the bot (Socket Mode if SLACK_APP_TOKEN is set, else HTTP)")
    run.add_argument("--port", type=int, default=3000, help="HTTP mode: port to listen on (default 3000)")
    run.add_argument("--host", default="0.0.0.0", help="HTTP mode: address to bind (default 0.0.0.0)")
    run.add_argument("--migrate", action="store_true", help="upgrade the database first if it is behind")
    run.set_defaults(handler=cmd_run)

    migrate = sub.add_parser("migrate", help="upgrade the database to the latest migration")
    migrate.add_argument(
        "--to", default="head", metavar="REVISION", help="target revision (default head; 'base' empties it)"
    )
    migrate.set_defaults(handler=cmd_migrate)

    check = sub.add_parser("check", help="check configuration, database schema and the Slack token")
    check.set_defaults(handler=cmd_check)

    timeline = sub.add_parser(
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

    imp = sub.add_parser(
        "import",
        help="store a channel from a Slack export, as a backfill would, so a postmortem can start on it",
    )
    imp.add_argument(
        "--export", type=Path, required=True, metavar="PATH", help="a Slack export .zip or folder"
    )
    imp.add_argument("--channel", required=True, metavar="NAME", help="channel name in the export")
    imp.add_argument("--team", metavar="TEAM_ID", help="workspace id (default: from the export's users.json)")
    imp.set_defaults(handler=cmd_import)

    export = sub.add_parser(
        "export", help="write each postmortem as Markdown (YYYY-MM-DD-<slug>.md) for a postmortem repository"
    )
    export.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    export.add_argument("--channel", metavar="NAME", help="only this incident channel's postmortem")
    export.set_defaults(handler=cmd_export)

    remind = sub.add_parser(
        "remind", help="run the weekly action-item reminder sweep now and print what it posts"
    )
    remind.add_argument(
        "--dry-run", action="store_true", help="print what would be posted; store nothing, call Slack never"
    )
    remind.set_defaults(handler=cmd_remind)
    return parser


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from bot.store import migrate

    try:
        if args.to == "head" or _is_ahead(args.to, settings):
            migrate.upgrade(settings.database_url, args.to)
        else:
            migrate.downgrade(settings.database_url, args.to)
    except migrate.MigrationsNotFound as error:
        raise CommandFailed(str(error)) from error
    rt = Runtime.create(settings)
    try:
        print(
            f"Database {_safe_url(settings)} is at revision {migrate.current_revision(rt.engine) or 'base'}."
        )
    finally:
        rt.close()
    return 0


def _is_ahead(target: str, settings: Settings) -> bool:
    """Is `target` a descendant of the current revision (so moving there is an upgrade)?"""
    from alembic.script import ScriptDirectory

    from bot.store import migrate

    if target == "base":
        return False
    rt = Runtime.create(settings)
    try:
        current = migrate.current_revision(rt.engine)
    finally:
        rt.close()
    script = ScriptDirectory(str(migrate.migrations_dir()))
    ancestors = {rev.revision for rev in script.iterate_revisions(target, "base")}
    return current is None or current in ancestors


def cmd_check(_args: argparse.Namespace, settings: Settings) -> int:
    from slack_sdk.errors import SlackApiError, SlackRequestError

    from bot.outbound.slack.web import make_web_client
    from bot.store.db import database_answers
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
    rt = Runtime.create(settings)
    try:
        if not database_answers(rt.engine):
            report(False, f"database {_safe_url(settings)} does not answer")
        else:
            problem = schema_problem(rt.engine)
            report(problem is None, problem or f"database {_safe_url(settings)} is at the latest migration")
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


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from slack_bolt.error import BoltError

    from bot.app import build_bolt_app
    from bot.store import migrate

    settings.require_slack()
    rt = Runtime.create(settings)
    try:
        problem = migrate.schema_problem(rt.engine)
        if problem and args.migrate:
            migrate.upgrade(settings.database_url)
        elif problem:
            raise CommandFailed(problem)
        try:
            bolt_app = build_bolt_app(rt)
        except BoltError as error:
            raise CommandFailed(f"Slack did not accept the bot token: {error}") from error
        from bot.app import outbound_slack
        from bot.scheduling import build_scheduler

        scheduler = build_scheduler(rt, outbound_slack(settings, bolt_app.client))
        scheduler.start()
        try:
            if settings.socket_mode:
                from slack_bolt.adapter.socket_mode import SocketModeHandler

                logger.info("connecting to Slack in Socket Mode")
                SocketModeHandler(bolt_app, settings.slack_app_token).start()  # type: ignore[no-untyped-call]
                return 0
            return _serve_http(bolt_app, rt, args.host, args.port)
        finally:
            scheduler.shutdown(wait=False)
    finally:
        rt.close()


def _serve_http(bolt_app: App, rt: Runtime, host: str, port: int) -> int:
    from bot.web import EVENTS_PATH, HEALTH_PATH, Server, make_wsgi_app

    try:
        server = Server(make_wsgi_app(bolt_app, rt), host, port)
    except OSError as error:
        raise CommandFailed(f"cannot listen on {host}:{port}: {error.strerror}") from error

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received signal %s, shutting down", signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    logger.info("listening on http://%s:%s (%s, %s)", host, server.port, EVENTS_PATH, HEALTH_PATH)
    print(f"postmortem-bot listening on http://{host}:{server.port}{EVENTS_PATH}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def _require_current_schema(rt: Runtime) -> None:
    from bot.store.db import database_answers
    from bot.store.migrate import schema_problem

    if not database_answers(rt.engine):
        raise CommandFailed(f"The database {_safe_url(rt.settings)} does not answer.")
    if problem := schema_problem(rt.engine):
        raise CommandFailed(problem)


def cmd_timeline(args: argparse.Namespace, settings: Settings) -> int:
    from bot.domain.permalinks import workspace_url
    from bot.domain.timeline import build_timeline
    from bot.domain.timeline_render import render_markdown, render_text, timeline_json
    from bot.inbound.slack_export import read_export
    from bot.services.timelines import channel_timeline, stored_channel

    workspace: str | None = None
    if args.workspace_url is not None:
        try:
            workspace = workspace_url(args.workspace_url)
        except ValueError as error:
            print(f"postmortem-bot: --workspace-url: {error}", file=sys.stderr)
            return EXIT_CONFIG
    if args.export is not None:
        exported = read_export(args.export, args.channel)
        built = build_timeline(
            exported.name,
            exported.messages,
            exported.users,
            emoji_marks=settings.emoji_marks,
            default_tz=settings.default_timezone,
            include_all=args.all,
            channel_names=exported.channel_names,
            channel_id=exported.id,
            workspace_url=workspace,
        )
    else:
        rt = Runtime.create(settings)
        try:
            _require_current_schema(rt)
            channel = stored_channel(rt, args.channel)
            built = channel_timeline(rt, channel, include_all=args.all, workspace_url=workspace)
        finally:
            rt.close()
    if args.format == "json":
        output = json.dumps(timeline_json(built), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        output = render_markdown(built, settings.emoji_marks)
    else:
        output = render_text(built, settings.emoji_marks)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.inbound.slack_export import read_export
    from bot.services.timelines import import_channel

    exported = read_export(args.export, args.channel)
    team_id = args.team or exported.team_id
    if not team_id:
        raise CommandFailed("The export's users.json names no team_id; pass --team T0123ABCD.")
    rt = Runtime.create(settings)
    try:
        _require_current_schema(rt)
        channel, new = import_channel(
            rt,
            team_id=team_id,
            channel_id=exported.id or exported.name,
            name=exported.name,
            records=exported.records,
            users=exported.users,
            channel_names=exported.channel_names,
        )
    finally:
        rt.close()
    print(
        f"Imported #{channel.name}: {new} new of {len(exported.records)} messages "
        f"({len(exported.records) - new} already stored)."
    )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.exports import export_files

    rt = Runtime.create(settings)
    try:
        _require_current_schema(rt)
        written = export_files(rt, args.out, args.channel)
    finally:
        rt.close()
    for path in written:
        print(path)
    if not written:
        print("No postmortems yet.", file=sys.stderr)
    return 0


def cmd_remind(args: argparse.Namespace, settings: Settings) -> int:
    """This week's reminders not yet sent: posted (each claimed first, so never twice) or just printed."""
    from bot.services import reminders

    slack = None
    if not args.dry_run:
        from bot.app import outbound_slack

        settings.require_slack()
        slack = outbound_slack(settings)
    rt = Runtime.create(settings)
    try:
        _require_current_schema(rt)
        result = reminders.sweep(rt, slack, dry_run=args.dry_run)
    finally:
        rt.close()
    print("\n".join(reminders.describe(result)))
    return EXIT_FAILURE if result.failed else 0


def _safe_url(settings: Settings) -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(settings.database_url).render_as_string(hide_password=True)
