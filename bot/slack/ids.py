"""Every command name, subcommand, action_id, callback_id and block_id the bot uses."""

from enum import StrEnum

COMMAND = "/postmortem"


class Sub(StrEnum):
    """Subcommands of /postmortem."""

    HELP = "help"
