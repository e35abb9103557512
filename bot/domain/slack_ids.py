"""How long Slack's ids are, as the record keeps them, and text the record can keep.

Slack's ids (workspaces T…/E…, users U…/W…, channels C…/G…/D…, bots B…, files F…) are 9 to 11
characters today, and Slack documents that they may grow; the record keeps up to ID_MAX of them, a
ts (`1718000000.123456`, at most 18) likewise, an Events API event id up to EVENT_ID_MAX. Anything
longer is nothing Slack sends: what carries one is refused where it arrives (the request's shape, a
message's JSON, an export's file), with a warning or a friendly error, never stored cut.

Text is another matter: nothing a person wrote is refused. A NUL character (U+0000) is the one
character PostgreSQL cannot store in text; it shows nothing and carries nothing, so it becomes
U+FFFD (the replacement character) on the way in (`keepable`), on every backend alike.
"""

from __future__ import annotations

import re

ID_MAX = 32
EVENT_ID_MAX = 64
SUBTYPE_MAX = 64  # a message's subtype (`bot_message`, `channel_join`…)
EMOJI_MAX = 100  # a reaction's emoji name, skin tone included
NAME_MAX = 255  # a name shown for a person or an app: a longer one is cut, not refused
CHANNEL_NAME_MAX = 80  # Slack's own limit on a channel's name
NUL = "\x00"
REPLACEMENT = "\ufffd"

# A user mention's id as Slack writes it (`<@U024BE7LH>`, `<@W0WREN|wren>`), never longer than ID_MAX.
USER_ID = rf"[UW][A-Z0-9]{{1,{ID_MAX - 1}}}"


def too_long(value: str, limit: int = ID_MAX) -> bool:
    """Longer than the record keeps an id of this kind, or holding a NUL: nothing Slack sends."""
    return len(value) > limit or NUL in value


def id_problem(value: str, limit: int = ID_MAX) -> str | None:
    """Why the record cannot keep `value` as an id (or a ts, a subtype, an emoji name), or None."""
    if len(value) > limit:
        return f"over {limit} characters ({shown_id(value)})"
    if NUL in value:
        return f"with a NUL character in it ({shown_id(value)})"
    return None


def keepable(text: str) -> str:
    """`text` with each NUL replaced by U+FFFD (PostgreSQL cannot store a NUL; it carries nothing)."""
    return text.replace(NUL, REPLACEMENT) if NUL in text else text


def kept_name(name: str) -> str:
    """A name to show, as the record keeps it: NUL replaced, cut to NAME_MAX characters."""
    name = keepable(name)
    return name if len(name) <= NAME_MAX else name[: NAME_MAX - 1] + "…"


def shown_id(value: str, limit: int = 40) -> str:
    """An id for a message about it: a long one cut, so a message stays readable."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


_SLACK_ID = re.compile(r"[A-Z0-9]+")


def looks_like_id(value: str, first: str) -> bool:
    """`value` reads like a Slack id starting with one of `first` (e.g. "TE" for a workspace)."""
    return (
        bool(value)
        and value[0] in first
        and not too_long(value)
        and len(value) > 1
        and _SLACK_ID.fullmatch(value) is not None
    )
