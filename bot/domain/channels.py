"""Which channels are incident channels."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable


def is_incident_channel(name: str, patterns: Iterable[str]) -> bool:
    """Does the channel's name match one of the INCIDENT_CHANNEL_PATTERN shell patterns?"""
    name = name.lstrip("#").lower()
    return any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in patterns)
