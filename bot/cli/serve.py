"""run: the bot itself, over HTTP or Socket Mode, with its scheduler."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
from types import FrameType
from typing import TYPE_CHECKING

from bot.cli.common import CommandFailed
from bot.cli.database import database_problem, unreachable
from bot.config import Settings
from bot.runtime import Runtime

if TYPE_CHECKING:
    from slack_bolt import App

logger = logging.getLogger("bot")


def port_number(text: str) -> int:
    """--port: 0 (any free port) to 65535."""
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0-65535)")
    return port


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from slack_bolt.error import BoltError
    from slack_sdk.errors import SlackRequestError

    from bot.app import build_bolt_app
    from bot.store import migrate

    settings.require_slack()
    if problem := database_problem(settings, creating=args.migrate):
        raise CommandFailed(problem)
    rt = Runtime.create(settings)
    try:
        if problem := unreachable(rt):
            raise CommandFailed(problem)
        problem = migrate.schema_problem(rt.engine)
        if problem and args.migrate:
            try:
                migrate.migrate_to(settings.database_url, "head")
            except migrate.MigrationError as error:
                raise CommandFailed(str(error)) from error
        elif problem:
            raise CommandFailed(problem)
        try:
            bolt_app = build_bolt_app(rt)
        except BoltError as error:
            raise CommandFailed(f"Slack did not accept the bot token: {error}") from error
        except (SlackRequestError, OSError) as error:  # auth.test never got an answer
            raise CommandFailed(f"Cannot reach Slack at {settings.slack_api_url}: {error}") from error
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
        raise CommandFailed(f"cannot listen on {host}:{port}: {error.strerror or error}") from error

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("received signal %s, shutting down", signum)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    logger.info("listening on http://%s:%s (%s, %s)", host, server.port, EVENTS_PATH, HEALTH_PATH)
    print(f"postmortem-bot listening on http://{host}:{server.port}{EVENTS_PATH}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0
