"""Errors whose message is meant for the person who caused them."""

from __future__ import annotations

from enum import StrEnum


class Field(StrEnum):
    """The input a UserError is about, so a form can mark it (a modal shows the message under it)."""

    OWNER = "owner"
    DUE = "due"
    PRIORITY = "priority"
    TEXT = "text"
    REASON = "reason"
    SEVERITY = "severity"
    CATEGORY = "category"


class UserError(Exception):
    """Bad input or a refused action. The message is friendly, complete, and shown to the user
    (ephemerally in Slack, on stderr with a non-zero exit in the CLI). Nothing was stored.

    `field`: the input it concerns, when it came from a form; None when it is about the whole.
    """

    def __init__(self, message: str, *, field: Field | None = None) -> None:
        super().__init__(message)
        self.field = field
