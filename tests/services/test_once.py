"""send_once: the one claim → perform → done / release sequence, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.outbound.slack import SlackFailed
from bot.outbound.slack.tags import Tag
from bot.runtime import Runtime
from bot.services.once import ClaimKey, ClaimKind, is_done, send_once
from bot.store import claims
from bot.store.models import Claim
from tests.conftest import FrozenClock

KEY = ClaimKey(ClaimKind.ESCALATION, "42")


def _claim(rt: Runtime) -> Claim:
    with rt.transaction() as session:
        return session.scalars(
            select(Claim).where(Claim.kind == KEY.kind.value, Claim.subject == KEY.subject)
        ).one()


def test_it_runs_once_and_is_done(rt: Runtime) -> None:
    sent: list[str] = []
    assert send_once(rt, KEY, lambda _tag: sent.append("posted"))
    assert not send_once(rt, KEY, lambda _tag: sent.append("posted again"))
    assert sent == ["posted"]
    assert is_done(rt, KEY)


def test_a_failure_releases_the_claim_with_its_reason_and_the_next_run_sends(rt: Runtime) -> None:
    def refused(_tag: Tag) -> None:
        raise SlackFailed("chat.postMessage", "channel_not_found")

    with pytest.raises(SlackFailed):
        send_once(rt, KEY, refused)
    failed = _claim(rt)
    assert (failed.claimed_at, failed.done_at, failed.last_error) == (None, None, "channel_not_found")
    assert not is_done(rt, KEY)
    sent: list[str] = []
    assert send_once(rt, KEY, lambda _tag: sent.append("posted"))
    assert sent == ["posted"] and _claim(rt).attempts == 2 and _claim(rt).last_error is None


def test_a_claim_whose_holder_died_is_taken_again_after_its_lease(rt: Runtime, clock: FrozenClock) -> None:
    with rt.transaction() as session:  # a process claimed it, then died before posting
        assert claims.claim(session, KEY, now=clock(), lease=timedelta(minutes=10))
    sent: list[str] = []
    assert not send_once(rt, KEY, lambda _tag: sent.append("too early"), lease=timedelta(minutes=10))
    clock.advance(minutes=11)
    assert send_once(rt, KEY, lambda _tag: sent.append("posted"), lease=timedelta(minutes=10))
    assert sent == ["posted"]


def test_threads_racing_on_one_key_send_once(rt: Runtime) -> None:
    start = threading.Barrier(8)
    sent: list[int] = []
    lock = threading.Lock()

    def race(n: int) -> None:
        start.wait()

        def post(_tag: Tag) -> None:
            with lock:
                sent.append(n)

        send_once(rt, KEY, post)

    threads = [threading.Thread(target=race, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(sent) == 1
    assert is_done(rt, KEY)
