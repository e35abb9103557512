"""Block Kit renderers: domain objects and notices → Slack messages, views and modals. Pure functions.

blocks        primitives (section, context, cutting escaped text), usage, the announcement, App Home
timeline      the timeline, split within Slack's limits
postmortem    the postmortem parent, prompts, status lines, the Edit modal, 48-hour notices
action_items  item listings with buttons, the item modals, App Home items, reminder text

Every user string (titles, sections, item texts, names) goes into mrkdwn through
bot.domain.slack_text.mrkdwn_escape, and into plain_text as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.slack_text import mrkdwn_escape
from bot.domain.timeline import Mark
from bot.outbound.slack import notices as n
from bot.outbound.slack.render import blocks, postmortem, timeline
from bot.outbound.slack.render.action_items import text_blocks
from bot.outbound.slack.render.blocks import Block


@dataclass(frozen=True)
class Message:
    """One chat message: the notification/fallback text and, usually, its blocks."""

    text: str
    blocks: list[Block] | None = None


# What a person can do about a post that keeps failing, by Slack's answer.
_FAILING_HINTS = {
    "channel_not_found": "The channel may be gone, or private without me in it: invite me back "
    "(`/invite @postmortem-bot`) if it still exists.",
    "not_in_channel": "I am not in the channel any more: invite me back (`/invite @postmortem-bot`).",
    "is_archived": "The channel is archived.",
    "unreachable": "Slack did not answer.",
}


def _post_failing_text(what: str, where: str | None, dm_to: str | None, reason: str, attempts: int) -> str:
    place = f" for #{mrkdwn_escape(where)}" if where else ""
    if dm_to:
        place += f" to <@{mrkdwn_escape(dm_to)}> by direct message"
    hint = _FAILING_HINTS.get(reason, "")
    last = mrkdwn_escape(reason)
    said = f":warning: I could not post {mrkdwn_escape(what)}{place} in {attempts} tries (last: `{last}`)."
    return " ".join(part for part in (said, hint, "I will keep trying, less and less often.") if part)


def render(notice: n.Notice, emoji_marks: Mapping[str, Mark]) -> list[Message]:
    """The messages a notice takes, in order (most take one; a long timeline several)."""
    match notice:
        case str():
            return [Message(notice)]
        case n.WatchStarted():
            return [Message(blocks.announcement_text(), blocks.announcement_blocks(emoji_marks))]
        case n.PostmortemParent(pm, built):
            text = f"Postmortem: {mrkdwn_escape(pm.title)}"
            return [Message(text, postmortem.postmortem_parent(pm, built, emoji_marks))]
        case n.TimelinePosts(built):
            text = f"Timeline of #{mrkdwn_escape(built.channel)} in UTC ({len(built.entries)} entries)"
            parts = timeline.timeline_messages(built, emoji_marks)
            return [Message(text if i == 0 else text + " (continued)", part) for i, part in enumerate(parts)]
        case n.SectionPrompts(pm):
            return [Message("What to fill in", postmortem.section_prompts(pm))]
        case n.PostmortemStarted(channel_name, title, permalink):
            text = f"Postmortem started for #{mrkdwn_escape(channel_name)}: {mrkdwn_escape(title)}"
            return [Message(f"{text} — {mrkdwn_escape(permalink)}")]
        case n.AutoOpened(hours):
            return [Message(postmortem.auto_opened_text(hours))]
        case n.AskWanted(severity):
            text = f"This {severity} incident is resolved. Is a postmortem wanted?"
            return [Message(text, postmortem.ask_wanted(severity))]
        case n.PrivatePostmortemStarted():
            return [
                Message("A postmortem was started in a private incident channel; its details stay there.")
            ]
        case n.PrivateEscalation():
            return [
                Message(
                    ":rotating_light: A postmortem in a private incident channel is past its 48 hours and "
                    "still incomplete; its lead has been told there."
                )
            ]
        case n.Escalation(pm, missing, lead, channel_name, hours):
            return [Message(postmortem.escalation_text(pm, missing, lead, channel_name, hours))]
        case n.PostFailing(what, where, dm_to, reason, attempts):
            return [Message(_post_failing_text(what, where, dm_to, reason, attempts))]
        case n.Reminder(text):
            return [Message(text, text_blocks(text))]
    raise TypeError(f"no renderer for {type(notice).__name__}")
