"""Which claim a message was posted under, as Slack message metadata on the message itself.

Every message the bot posts under a claim (services/once.py) carries

    {"event_type": "postmortem_bot_post",
     "event_payload": {"claim": <claim row id>, "key": "<kind>:<subject>:<period>", "part": <n>}}

(`part`: which message of a notice that takes several, 0 for the first). When Slack's answer to a
post is lost, the bot reads the place the post was going (conversations.history / .replies with
include_all_metadata) and adopts the message that names the claim instead of posting it again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

EVENT_TYPE = "postmortem_bot_post"


@dataclass(frozen=True)
class Tag:
    """The claim a post is made under: its row id and its key, `kind:subject:period`."""

    claim: int
    key: str


def metadata(tag: Tag, part: int) -> dict[str, Any]:
    """chat.postMessage's `metadata` for message `part` of a post made under `tag`."""
    return {"event_type": EVENT_TYPE, "event_payload": {"claim": tag.claim, "key": tag.key, "part": part}}


def part_of(message: Mapping[str, Any], tag: Tag) -> int | None:
    """Which part of `tag`'s post a message (as history shows it) is, or None when it is not one."""
    found = message.get("metadata")
    if not isinstance(found, Mapping) or found.get("event_type") != EVENT_TYPE:
        return None
    payload = found.get("event_payload")
    if not isinstance(payload, Mapping):
        return None
    if payload.get("claim") != tag.claim or payload.get("key") != tag.key:
        return None
    part = payload.get("part", 0)
    return part if isinstance(part, int) and not isinstance(part, bool) and part >= 0 else None
