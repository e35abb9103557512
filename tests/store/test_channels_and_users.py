"""Channels and the Slack user cache (bot/store/channels.py, users.py) on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.domain.channels import WatchSource
from bot.domain.timeline import UserInfo
from bot.runtime import Runtime
from bot.store import channels as store
from bot.store import users as user_store
from bot.store.models import Channel

TEAM = "T1"


def test_upsert_user_inserts_then_keeps_the_user_current(rt: Runtime) -> None:
    with rt.transaction() as s:
        user_store.upsert(s, TEAM, "U1", UserInfo("ana", "Europe/Berlin"), is_bot=False, now=rt.clock())
        user_store.upsert(s, "T2", "U1", UserInfo("someone else", None), is_bot=False, now=rt.clock())
    with rt.transaction() as s:
        user_store.upsert(s, TEAM, "U1", UserInfo("Ana B.", "America/New_York"), is_bot=False, now=rt.clock())
        user_store.upsert(s, TEAM, "U9", UserInfo("Grafana", None), is_bot=True, now=rt.clock())
    with rt.transaction() as s:
        assert user_store.known(s, TEAM) == {
            "U1": UserInfo("Ana B.", "America/New_York"),
            "U9": UserInfo("Grafana", None),
        }
        assert user_store.known(s, "T2") == {"U1": UserInfo("someone else", None)}
        assert user_store.known(s, "T-none") == {}


def test_upsert_channel_creates_unwatched_then_follows_renames(rt: Runtime) -> None:
    created = rt.clock()
    with rt.transaction() as s:
        channel = store.upsert(s, TEAM, "C1", "random", created)
        assert (channel.name, channel.watched, channel.watch_source) == ("random", False, None)
        store.set_watched(s, channel.pk, True, WatchSource.COMMAND, created)
    later = created + timedelta(hours=1)
    with rt.transaction() as s:
        renamed = store.upsert(s, TEAM, "C1", "inc-2025-03-15-db", later)
        # a rename is the same channel: still watched, how it came to be watched kept
        assert (renamed.name, renamed.watched, renamed.watch_source) == ("inc-2025-03-15-db", True, "command")
    with rt.transaction() as s:
        store.upsert(s, TEAM, "C1", "", later + timedelta(hours=1))  # an unknown name keeps the old
        store.upsert(s, "T2", "C1", "another team's", later)
    with rt.transaction() as s:
        rows = {(c.team_id, c.channel_id): c for c in s.scalars(select(Channel))}
        assert set(rows) == {(TEAM, "C1"), ("T2", "C1")}
        mine = rows[(TEAM, "C1")]
        assert (mine.name, mine.created_at, mine.updated_at) == ("inc-2025-03-15-db", created, later)
        assert store.by_name(s, "#inc-2025-03-15-db") is not None
        assert store.by_name(s, "random") is None
        assert store.names(s, TEAM) == {"C1": "inc-2025-03-15-db"}


def test_a_channel_remembers_that_it_is_private_until_told_otherwise(rt: Runtime) -> None:
    with rt.transaction() as s:
        assert not store.upsert(s, TEAM, "C9", "inc-secret", rt.clock()).is_private  # not said: public
        assert store.upsert(s, TEAM, "C9", "inc-secret", rt.clock(), private=True).is_private
    with rt.transaction() as s:
        assert store.upsert(s, TEAM, "C9", "inc-secret-2", rt.clock()).is_private  # a rename keeps it
        assert store.get(s, TEAM, "C9") == store.by_name(s, "inc-secret-2")
