"""/postmortem watch | unwatch | timeline."""

from __future__ import annotations

from bot.domain.errors import UserError
from bot.domain.slack_text import mrkdwn_escape
from bot.inbound.slack.invocation import Invocation, Subcommand
from bot.outbound.slack.ids import Sub
from bot.outbound.slack.notices import TimelinePosts
from bot.runtime import Runtime
from bot.services import channels, timelines


def watch(rt: Runtime, inv: Invocation) -> None:
    channel = channels.watch_by_command(rt, inv.slack, inv.team_id, inv.channel_id)
    name = mrkdwn_escape(channel.name)
    inv.reply(f"Recording #{name} for its incident timeline. `/postmortem timeline` shows it.")


def unwatch(rt: Runtime, inv: Invocation) -> None:
    channels.stop_watching(rt, inv.incident)
    inv.reply(
        f"Stopped recording #{mrkdwn_escape(inv.incident.name)}. "
        "What was recorded is kept; `/postmortem watch` resumes."
    )


def timeline(rt: Runtime, inv: Invocation) -> None:
    option = inv.args.strip().lower()
    if option not in ("", "all"):
        raise UserError(f"`/postmortem timeline` takes nothing or `all`, not `{inv.args.strip()}`.")
    built = timelines.channel_timeline(rt, inv.incident, slack=inv.slack, include_all=option == "all")
    # Continuations go in the thread of the first message, not across the channel.
    inv.slack.say.post(inv.channel_id, TimelinePosts(built))


SUBCOMMANDS = (
    Subcommand(
        Sub.TIMELINE,
        "[all]",
        "the incident timeline in UTC (`all`: every captured message, not only marked ones; "
        "unmarked alerts too, labelled (app))",
        timeline,
    ),
    Subcommand(Sub.WATCH, "", "record this channel as an incident channel", watch, in_incident_channel=False),
    Subcommand(Sub.UNWATCH, "", "stop recording this channel", unwatch),
)
