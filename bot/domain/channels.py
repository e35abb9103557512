"""Incident channels: which channels are ones, and the channel as every layer passes it around."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class WatchSource(StrEnum):
    """Why a channel is (or is no longer) watched."""

    PATTERN = "pattern"  # its name matched INCIDENT_CHANNEL_PATTERN
    COMMAND = "command"  # /postmortem watch
    IMPORT = "import"  # postmortem-bot import, from a Slack export
    UNWATCHED = "unwatched"  # /postmortem unwatch: the pattern no longer brings it back


@dataclass(frozen=True)
class ChannelRef:
    """A channel the bot has a record of. `pk` is the record's id; `channel_id` is Slack's."""

    pk: int
    team_id: str
    channel_id: str
    name: str
    watched: bool
    watch_source: WatchSource | None
    is_archived: bool
    is_private: bool = False  # what it says never goes where its members cannot see

    def watching(self, source: WatchSource) -> ChannelRef:
        return replace(self, watched=True, watch_source=source)


def is_incident_channel(name: str, patterns: Iterable[str]) -> bool:
    """Does the channel's name match one of the INCIDENT_CHANNEL_PATTERN shell patterns?"""
    name = name.lstrip("#").lower()
    return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in patterns)
