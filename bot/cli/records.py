"""timeline, import, export and remind: what the bot has recorded, read, added to and acted on."""

from __future__ import annotations

import argparse
import json
import sys

from bot.cli.common import EXIT_CONFIG, EXIT_FAILURE, CommandFailed
from bot.cli.database import open_runtime
from bot.config import Settings
from bot.domain import slack_ids


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
        with open_runtime(settings) as rt:
            channel = stored_channel(rt, args.channel)
            built = channel_timeline(rt, channel, include_all=args.all, workspace_url=workspace)
    if args.format == "json":
        output = json.dumps(timeline_json(built), indent=2, ensure_ascii=False) + "\n"
    elif args.format == "markdown":
        output = render_markdown(built, settings.emoji_marks)
    else:
        output = render_text(built, settings.emoji_marks)
    sys.stdout.write(output if output.endswith("\n") else output + "\n")
    return 0


def _team(given: str | None, from_export: str | None) -> str:
    """The workspace to file the import under: --team, else the export's; CommandFailed when neither
    is a Slack workspace id (T… or E…, letters and digits, at most 32 characters)."""
    team_id = given if given is not None else from_export
    if team_id is None:
        raise CommandFailed("The export's users.json names no team_id; pass --team T0123ABCD.")
    if not slack_ids.looks_like_id(team_id, "TE"):
        what = (
            "a Slack workspace id: a T (or E, for an Enterprise Grid organization), then letters and "
            f"digits, at most {slack_ids.ID_MAX} characters in all"
        )
        if given is not None:
            raise CommandFailed(f"--team: {slack_ids.shown_id(team_id)} is not {what}, e.g. T0123ABCD.")
        raise CommandFailed(
            f"The export's users.json names the workspace {slack_ids.shown_id(team_id)}, which is not "
            f"{what}. Pass the right one with --team T0123ABCD."
        )
    return team_id


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.inbound.slack_export import read_export
    from bot.services.timelines import import_channel

    if args.team is not None:
        _team(args.team, None)  # a mistyped --team is said before the export is read
    exported = read_export(args.export, args.channel)
    team_id = _team(args.team, exported.team_id)
    with open_runtime(settings) as rt:
        channel, new = import_channel(
            rt,
            team_id=team_id,
            channel_id=exported.id or exported.name,
            name=exported.name,
            records=exported.records,
            users=exported.users,
            channel_names=exported.channel_names,
        )
    print(
        f"Imported #{channel.name}: {new} new of {len(exported.records)} messages "
        f"({len(exported.records) - new} already stored)."
    )
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.services.exports import export_files

    with open_runtime(settings) as rt:
        written = export_files(rt, args.out, args.channel)
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

        settings.require_slack(receiving=False)
        slack = outbound_slack(settings)
    with open_runtime(settings) as rt:
        result = reminders.sweep(rt, slack, dry_run=args.dry_run)
    print("\n".join(reminders.describe(result)))
    return EXIT_FAILURE if result.failed else 0
