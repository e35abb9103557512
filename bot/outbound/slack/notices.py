"""What the bot says in Slack, as data: services pick a notice, the messenger renders and sends it.

Each notice names *what* is said and carries what it is about; how it looks (Block Kit, fallback
text, how it is split within Slack's limits) is decided in render/. A plain `str` is also accepted
wherever a notice is: it is sent as mrkdwn text, so any user text in it must already be escaped
(bot.domain.slack_text.mrkdwn_escape).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain import postmortem as pmd
from bot.domain.timeline import Timeline


@dataclass(frozen=True)
class WatchStarted:
    """Said once in a channel when the bot starts recording it: what is kept and which emoji count."""


@dataclass(frozen=True)
class PostmortemParent:
    """The postmortem thread's parent message (posted once, then kept current with chat.update)."""

    postmortem: pmd.Postmortem
    timeline: Timeline


@dataclass(frozen=True)
class TimelinePosts:
    """The timeline, as many messages as Slack's limits need; continuations go in a thread."""

    timeline: Timeline


@dataclass(frozen=True)
class SectionPrompts:
    """A thread reply with the guiding question of every section still empty."""

    postmortem: pmd.Postmortem


@dataclass(frozen=True)
class PostmortemStarted:
    """POSTMORTEM_CHANNEL's link to a new postmortem thread."""

    channel_name: str
    title: str
    permalink: str


@dataclass(frozen=True)
class PrivatePostmortemStarted:
    """POSTMORTEM_CHANNEL's note that a private channel started one: no name, title or link."""


@dataclass(frozen=True)
class PrivateEscalation:
    """POSTMORTEM_CHANNEL's copy of an escalation in a private channel: that one is late, nothing more."""


@dataclass(frozen=True)
class AutoOpened:
    """The bot opened the postmortem itself, this long after resolution."""

    hours_since_resolution: int


@dataclass(frozen=True)
class AskWanted:
    """Asked once for severities that do not require a postmortem; answered with buttons."""

    severity: str


@dataclass(frozen=True)
class Escalation:
    """48 hours (or more) after resolution the postmortem still misses sections: said once, naming
    the lead."""

    postmortem: pmd.Postmortem
    missing: Sequence[pmd.Section]
    lead_user_id: str | None
    channel_name: str
    hours_since_resolution: int = 48


@dataclass(frozen=True)
class PostFailing:
    """A person hears, once, that a post keeps failing: what it is (`what`, e.g. "the weekly
    reminder"), which channel it is about (`where`, a name; None when it must not be said), the
    person a failing direct message was for (`dm_to`, a user id), what Slack answered last and how
    many times it was tried."""

    what: str
    where: str | None
    dm_to: str | None
    reason: str
    attempts: int


@dataclass(frozen=True)
class Reminder:
    """A weekly reminder or an overdue digest: mrkdwn lines, split into sections of whole lines."""

    text: str


Notice = (
    WatchStarted
    | PostmortemParent
    | TimelinePosts
    | SectionPrompts
    | PostmortemStarted
    | PrivatePostmortemStarted
    | PrivateEscalation
    | AutoOpened
    | AskWanted
    | Escalation
    | PostFailing
    | Reminder
    | str
)
