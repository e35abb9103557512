"""Errors whose message is meant for the person who caused them."""


class UserError(Exception):
    """Bad input or a refused action. The message is friendly, complete, and shown to the user
    (ephemerally in Slack, on stderr with a non-zero exit in the CLI). Nothing was stored."""
