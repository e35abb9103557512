"""Every command name, subcommand, action_id, callback_id and block_id the bot uses."""

from enum import StrEnum

COMMAND = "/postmortem"


class Sub(StrEnum):
    """Subcommands of /postmortem."""

    HELP = "help"
    WATCH = "watch"
    UNWATCH = "unwatch"
    TIMELINE = "timeline"
    START = "start"
    SET = "set"
    LEAD = "lead"
    STATUS = "status"
    REVIEW = "review"
    COMPLETE = "complete"
    EXPORT = "export"


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


class Action(StrEnum):
    """action_id of interactive elements."""

    EDIT_SECTION = "postmortem.edit_section"  # the "Edit a section…" select on the parent message
    EXPORT = "postmortem.export"  # the Export button on the parent message


class View(StrEnum):
    """callback_id of modals."""

    EDIT_SECTION = "postmortem.edit_section_view"


class Block(StrEnum):
    """block_id / action_id of modal inputs."""

    SECTION_TEXT = "section_text"
    SECTION_VALUE = "section_value"
    FACTOR_CATEGORY = "factor_category"
