"""Every command name, subcommand, action_id, callback_id and block_id the bot uses."""

from enum import StrEnum

COMMAND = "/postmortem"


class Sub(StrEnum):
    """Subcommands of /postmortem."""

    HELP = "help"
    WATCH = "watch"
    UNWATCH = "unwatch"
    TIMELINE = "timeline"


class Event(StrEnum):
    """Events API event types the bot listens to; manifest.yml subscribes to each (a test checks)."""

    APP_HOME_OPENED = "app_home_opened"
    MESSAGE = "message"
    REACTION_ADDED = "reaction_added"
    REACTION_REMOVED = "reaction_removed"
    PIN_ADDED = "pin_added"
    PIN_REMOVED = "pin_removed"
    CHANNEL_CREATED = "channel_created"
    CHANNEL_RENAME = "channel_rename"
    GROUP_RENAME = "group_rename"
    MEMBER_JOINED_CHANNEL = "member_joined_channel"
    CHANNEL_ARCHIVE = "channel_archive"
    CHANNEL_UNARCHIVE = "channel_unarchive"
    GROUP_ARCHIVE = "group_archive"
    GROUP_UNARCHIVE = "group_unarchive"
