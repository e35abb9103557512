"""/postmortem watch | unwatch | timeline."""

from __future__ import annotations

from bot.domain.errors import UserError
from bot.inbound.slack.invocation import Invocation, Subcommand
from bot.outbound.slack.ids import Sub
from bot.outbound.slack.render.timeline import timeline_messages
from bot.runtime import Runtime
from bot.services import channels, timelines


def watch(rt: Runtime, inv: Invocation) -> None:
    channel = channels.watch_by_command(rt, inv.client, inv.team_id, inv.channel_id)
    inv.reply(f"Recording #{channel.name} for its incident timeline. `/postmortem timeline` shows it.")


def unwatch(rt: Runtime, inv: Invocation) -> None:
    channel = channels.require_watched(rt, inv.team_id, inv.channel_id)
    channels.stop_watching(rt, channel)
    inv.reply(f"Stopped recording #{channel.name}. What was recorded is kept; `/postmortem watch` resumes.")


def timeline(rt: Runtime, inv: Invocation) -> None:
    option = inv.args.strip().lower()
    if option not in ("", "all"):
        raise UserError(f"`/postmortem timeline` takes nothing or `all`, not `{inv.args.strip()}`.")
    channel = channels.require_watched(rt, inv.team_id, inv.channel_id)
    built = timelines.channel_timeline(rt, channel, client=inv.client, include_all=option == "all")
    messages = timeline_messages(built, rt.settings.emoji_marks)
    fallback = f"Timeline of #{channel.name} in UTC ({len(built.entries)} entries)"
    first = inv.client.chat_postMessage(channel=inv.channel_id, text=fallback, blocks=messages[0])
    for more in messages[1:]:  # continuations go in the thread of the first, not across the channel
        inv.client.chat_postMessage(
            channel=inv.channel_id, thread_ts=first["ts"], text=fallback + " (continued)", blocks=more
        )


SUBCOMMANDS = (
    Subcommand(
        Sub.TIMELINE,
        "[all]",
        "the incident timeline in UTC (`all`: every message, not just marked ones)",
        timeline,
    ),
    Subcommand(Sub.WATCH, "", "record this channel as an incident channel", watch),
    Subcommand(Sub.UNWATCH, "", "stop recording this channel", unwatch),
)
