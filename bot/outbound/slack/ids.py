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
    ACTION = "action"
    ACTIONS = "actions"
    START_WORK = "start-work"
    DONE = "done"
    WONTDO = "wontdo"
    REOPEN = "reopen"
    REDATE = "redate"


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
    START_POSTMORTEM = "postmortem.start"  # "Is a postmortem wanted?" → yes
    DECLINE_POSTMORTEM = "postmortem.decline"  # "Is a postmortem wanted?" → no
    ADD_ITEM = "action_item.add"  # the "Add action item" button on the parent message
    ITEM_START = "action_item.start"  # buttons on item listings; value = the item id
    ITEM_DONE = "action_item.done"
    ITEM_REOPEN = "action_item.reopen"
    ITEM_REDATE = "action_item.redate"  # opens the re-date modal
    ITEM_WONTDO = "action_item.wontdo"  # opens the won't-do modal


class View(StrEnum):
    """callback_id of modals."""

    EDIT_SECTION = "postmortem.edit_section_view"
    ADD_ITEM = "action_item.add_view"
    REDATE_ITEM = "action_item.redate_view"
    WONTDO_ITEM = "action_item.wontdo_view"


class Block(StrEnum):
    """block_id / action_id of modal inputs."""

    SECTION_TEXT = "section_text"
    SECTION_VALUE = "section_value"
    FACTOR_CATEGORY = "factor_category"
    ITEM_OWNER = "item_owner"
    ITEM_DUE = "item_due"
    ITEM_PRIORITY = "item_priority"
    ITEM_TEXT = "item_text"
    ITEM_REASON = "item_reason"
