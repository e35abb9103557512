"""Every command name, subcommand, action_id, callback_id and block_id the bot uses."""

from enum import StrEnum

COMMAND = "/postmortem"


class Sub(StrEnum):
    """Subcommands of /postmortem."""

    HELP = "help"


class Event(StrEnum):
    """Events API event types the bot listens to; manifest.yml subscribes to each (a test checks)."""

    APP_HOME_OPENED = "app_home_opened"
