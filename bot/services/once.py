"""Send at most once: claim the key, perform, mark it done; release it if performing fails.

Every "once" of the bot goes through here: the channel announcement, the postmortem thread and
its link, the 48-hour rule's auto-open, question and escalation (and its copy), the weekly
reminders and the overdue DMs. The claim is a database row (store/claims.py), so two threads,
two processes or two replicas running the same job send once; a failure (any exception) leaves
the key unclaimed for the next run, with the reason kept; a process that dies mid-send holds the
claim only for its lease.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from bot.outbound.slack import SlackFailed
from bot.runtime import Runtime
from bot.store import claims
from bot.store.claims import DEFAULT_LEASE, ClaimKey, ClaimKind

logger = logging.getLogger(__name__)

__all__ = ["ClaimKey", "ClaimKind", "is_done", "send_once"]


def send_once(
    rt: Runtime, key: ClaimKey, perform: Callable[[], object], *, lease: timedelta = DEFAULT_LEASE
) -> bool:
    """Run `perform` if this caller wins the claim on `key`; True when it ran and succeeded, False
    when someone else has it (or it was done). Whatever `perform` raises is re-raised after the
    claim is released."""
    with rt.transaction() as session:
        if not claims.claim(session, key, now=rt.clock(), lease=lease):
            return False
    try:
        perform()
    except BaseException as error:
        reason = error.reason if isinstance(error, SlackFailed) else type(error).__name__
        with rt.transaction() as session:
            claims.release(session, key, error=reason)
        raise
    with rt.transaction() as session:
        claims.mark_done(session, key, now=rt.clock())
    return True


def is_done(rt: Runtime, key: ClaimKey) -> bool:
    with rt.transaction() as session:
        return claims.is_done(session, key)
