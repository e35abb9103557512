"""Slack's message subtypes: which are something said (content) and which Slack's own bookkeeping.

Slack's list (docs.slack.dev, "message" event, its subtypes), plus what exports and history pages
hold besides (`bot_add`, `bot_remove`, `huddle_thread`, `sh_room_created`, `slackbot_response`).
Bookkeeping says something about the channel, not the incident: who joined, a topic, a rename, a
conversion to private, posting permissions, a pin, an integration added, a reminder set up. It is
never on a timeline, not even with `--all`, whatever reactions it carries. Content is what people
and apps said or shared, and is a timeline entry like any message. A subtype in neither list (one
Slack adds later) counts as content: better an extra entry than a lost one.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SYSTEM_SUBTYPES: frozenset[str] = frozenset(
    {
        # the channel itself: members, name, topic, purpose, privacy, posting rights, archiving
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "channel_convert_to_private",
        "channel_convert_to_public",
        "channel_posting_permissions",
        # the same for private channels, as Slack once named them ("groups")
        "group_join",
        "group_leave",
        "group_topic",
        "group_purpose",
        "group_name",
        "group_archive",
        "group_unarchive",
        # notices about other things: pins (a pin marks the message itself), integrations, reminders
        "pinned_item",
        "unpinned_item",
        "bot_add",
        "bot_remove",
        "reminder_add",
        # hidden notices about other messages, and what holds nothing to read
        "message_changed",
        "message_deleted",
        "message_replied",
        "assistant_app_thread",
        "ekm_access_denied",
    }
)

CONTENT_SUBTYPES: frozenset[str] = frozenset(
    {
        "bot_message",  # an integration's post: an alert, a deploy notice
        "me_message",  # /me …
        "file_share",
        "file_comment",  # (no longer sent) a comment on a file
        "file_mention",  # (no longer sent) a file mentioned in the channel
        "thread_broadcast",  # a thread reply also sent to the channel
        "reply_broadcast",  # (no longer sent) the same, by its old name
        "huddle_thread",  # a huddle started in the channel: its thread holds what was said about it
        "sh_room_created",  # a huddle (a "Slack huddle room"), by its older name
        "slackbot_response",  # Slackbot's custom response to a message
    }
)

# What an entry says when its message shows no text and no file: what it was.
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {"huddle_thread": "(a huddle)", "sh_room_created": "(a huddle)"}
)
NO_TEXT = "(no text)"


def placeholder(subtype: str | None) -> str:
    """What to show for a message with nothing to show: `(a huddle)`, else `(no text)`."""
    return PLACEHOLDERS.get(subtype or "", NO_TEXT)
