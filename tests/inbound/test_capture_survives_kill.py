"""Capture that loses nothing: the real `postmortem-bot run` process, killed with SIGKILL at random
moments while Slack streams messages, edits and deletes into it, restarted, and sent again every
delivery that was never answered 200 — as Slack redelivers. In the end every message, edit and
delete is in the record exactly once (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.config import Settings
from bot.runtime import Runtime
from bot.store.models import Channel, Message, MessageRevision
from tests.conftest import bot_env
from tests.harness import SlackSender
from tests.slack_stub import SlackStub

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CHANNEL, NAME = "C0KILL01", "inc-2025-03-15-kill"
BASE = 1_742_061_240  # 2025-03-15 17:54:00 UTC
KILLS = 3


@dataclass
class Delivery:
    event_id: str
    event: dict[str, Any]
    tries: int = 0


@dataclass
class Expected:
    """What the record must hold once everything is delivered."""

    versions: dict[str, list[str]] = field(default_factory=dict)  # ts → every text, oldest first
    deleted: set[str] = field(default_factory=set)


def _stream(seed: int, count: int) -> tuple[list[Delivery], Expected]:
    """`count` messages, with edits and deletes of earlier ones mixed in, as Slack would send them."""
    rng = random.Random(seed)
    deliveries: list[Delivery] = []
    expected = Expected()
    for i in range(count):
        ts = f"{BASE + i}.000100"
        text = f"message {i}"
        deliveries.append(Delivery(f"EvMsg{i:05d}", _message(ts, text)))
        expected.versions[ts] = [text]
        alive = [t for t in expected.versions if t not in expected.deleted]
        if rng.random() < 0.25 and alive:
            target = rng.choice(alive)
            edit_ts = f"{BASE + i}.500{len(deliveries):03d}"
            new_text = f"{expected.versions[target][0]} (edit {len(expected.versions[target])})"
            deliveries.append(Delivery(f"EvEdit{len(deliveries):05d}", _edit(target, new_text, edit_ts)))
            expected.versions[target].append(new_text)
        if rng.random() < 0.1 and alive:
            target = rng.choice(alive)
            deliveries.append(Delivery(f"EvDel{len(deliveries):05d}", _delete(target, f"{BASE + i}.900000")))
            expected.deleted.add(target)
    return deliveries, expected


def _message(ts: str, text: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": "U1",
        "text": text,
        "ts": ts,
    }


def _edit(ts: str, text: str, edit_ts: str) -> dict[str, Any]:
    changed = {
        "type": "message",
        "user": "U1",
        "text": text,
        "ts": ts,
        "edited": {"user": "U1", "ts": edit_ts},
    }
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "channel": CHANNEL,
        "message": changed,
        "ts": edit_ts,
    }


def _delete(ts: str, event_ts: str) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "channel": CHANNEL,
        "deleted_ts": ts,
        "ts": event_ts,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Bot:
    """The real process on a fixed port, so it can be killed and started again where Slack sends."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "run",
                "--migrate",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            env=self.env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert re.search(r"listening on http://", line), f"the bot did not start: {line!r}"

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()  # SIGKILL: no cleanup, no flushing, mid-request
        self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()


@pytest.fixture
def bot_process(database_url: str, slack_stub: SlackStub) -> Iterator[tuple[Bot, SlackSender]]:
    import os

    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    port = _free_port()
    process = Bot({**keep, **bot_env(database_url, slack_stub)}, port)
    slack_stub.add_user("U1", "ana", display_name="Ana", tz="UTC")
    slack_stub.add_channel(CHANNEL, NAME, members=["U1"])
    process.start()
    try:
        yield process, SlackSender(f"http://127.0.0.1:{port}/slack/events")
    finally:
        process.stop()


def _deliver(sender: SlackSender, delivery: Delivery) -> bool:
    """One attempt; True when the bot answered 200 (Slack then never sends it again)."""
    delivery.tries += 1
    retry = delivery.tries - 1 if delivery.tries > 1 else None
    try:
        return sender.event(delivery.event, event_id=delivery.event_id, retry_num=retry).status == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False  # refused, reset, or cut off mid-answer: not acknowledged


def _rows(rt: Runtime) -> tuple[dict[str, Message], dict[int, list[str]]]:
    with rt.transaction() as s:
        channel = s.scalars(select(Channel).where(Channel.channel_id == CHANNEL)).one()
        messages = {m.ts: m for m in s.scalars(select(Message).where(Message.channel_pk == channel.id))}
        revisions: dict[int, list[str]] = {}
        for revision in s.scalars(select(MessageRevision)):
            revisions.setdefault(revision.message_id, []).append(revision.text)
        return messages, revisions


def test_a_killed_bot_loses_no_message_edit_or_delete(
    bot_process: tuple[Bot, SlackSender], database_url: str, slack_stub: SlackStub
) -> None:
    bot, sender = bot_process
    rt = Runtime.create(Settings.from_env(bot_env(database_url, slack_stub)))
    try:
        created = {"id": CHANNEL, "name": NAME, "created": BASE, "creator": "U1"}
        assert (
            sender.event({"type": "channel_created", "channel": created, "event_ts": f"{BASE}.000001"}).status
            == 200
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:  # joined, announced, watched
            with rt.transaction() as s:
                if s.scalar(select(Channel.watched).where(Channel.channel_id == CHANNEL)):
                    break
            time.sleep(0.05)
        else:
            pytest.fail("the bot never started watching the channel")

        deliveries, expected = _stream(seed=int(time.time()), count=240)
        unanswered: list[Delivery] = []
        sent = threading.Event()

        def stream() -> None:
            for delivery in deliveries:
                if not _deliver(sender, delivery):
                    unanswered.append(delivery)  # Slack will try again later
            sent.set()

        streaming = threading.Thread(target=stream)
        streaming.start()
        rng = random.Random()
        for _ in range(KILLS):
            time.sleep(rng.uniform(0.05, 0.4))  # somewhere in the stream, mid-request or not
            bot.kill()
            time.sleep(rng.uniform(0.0, 0.2))
            bot.start()
        streaming.join(timeout=120)
        assert sent.is_set()
        for _ in range(20):  # Slack's redeliveries of everything never answered 200
            unanswered[:] = [d for d in unanswered if not _deliver(sender, d)]
            if not unanswered:
                break
            time.sleep(0.1)
        assert unanswered == []
        assert sum(d.tries > 1 for d in deliveries) > 0, (
            "no delivery was cut off: the kills missed the stream"
        )

        messages, revisions = _rows(rt)
        assert sorted(messages) == sorted(expected.versions), "every message, once"
        wrong = {}
        for ts, versions in expected.versions.items():
            row = messages[ts]
            got = (row.text, sorted(revisions.get(row.id, [])), row.deleted_at is not None, row.pending)
            want = (versions[-1], sorted(versions[:-1]), ts in expected.deleted, False)
            if got != want:
                wrong[ts] = {"got": got, "want": want}
        assert wrong == {}, json.dumps(wrong, indent=1, default=str)[:2000]
    finally:
        rt.close()
