"""Live ingest: Slack message events through capture_message_event into a migrated SQLite file.

    .venv/bin/python bench/bench_ingest.py [--events 5000] [--profile]

Each event goes the way a delivery does before Slack is answered (bot/inbound/slack/middleware.py):
`payloads.message_change` reads it, `capture.capture_on_delivery` claims its event id and stores it
in one transaction ("capture_message_event" below is that pair). The channel is
registered and watched beforehand, so capturing needs no Slack call; the Slack facade still points
at a SlackStub and the run fails if anything reached it. Beside the bot's rate:
- `sqlite3, commit per event`: the same rows, one INSERT and one COMMIT each (what one transaction
  per event costs at the least, with the bot's WAL / synchronous=NORMAL settings);
- `sqlite3 executemany` (the ceiling): the same rows in one executemany and one COMMIT.
Each round uses a fresh migrated file; rates are events per second, medians over --rounds rounds;
ratios are against the ceiling measured in the same round(s).
Target: capture_message_event at >= 1,000 events/s, judged on the best round (other processes only
ever slow a round down); the median is printed beside it. Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: the checkout (bench/, tests/) is not on sys.path yet
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient

from bench._common import (
    INSERT_MESSAGE,
    MESSAGE_COLUMNS,
    NOW,
    TEAM,
    fresh_database,
    message_rows,
    migrated_template,
    print_table,
    runtime,
    sqlite_connect,
    timed,
    watched_channel,
)
from bot.app import outbound_slack
from bot.domain.messages import Source
from bot.inbound.slack.payloads import message_change
from bot.outbound.slack import Slack
from bot.outbound.slack.payloads import message_from_slack
from bot.runtime import Runtime
from bot.services.capture import Delivery, capture_on_delivery
from tests.slack_stub import SlackStub

TARGET_EVENTS_PER_SECOND = 1_000
WARM_UP_EVENTS = 200
BASE_TS = 1_742_061_600  # 2025-03-15 18:00 UTC
USERS = ("U0ANA", "U0BEN", "U0CHO", "U0DEV", "U0EVE", "U0FAY")
TEXTS = (
    "seeing 5xx on checkout, <@U0BEN> can you look?",
    "rolled back at 20:58 UTC",
    "error rate back under 0.1% :tada:",
    "dashboard: <https://grafana.example/d/abc|checkout latency>",
    "paging the db on-call &amp; opening a bridge",
    "we think it's the connection pool again",
)


def message_events(channel_id: str, count: int) -> list[dict[str, Any]]:
    """What the Events API delivers: every 5th message a thread reply, every 25th with a file."""
    events: list[dict[str, Any]] = []
    for i in range(count):
        ts = f"{BASE_TS + i // 10}.{(i % 10) * 100_000 + 1:06d}"
        event: dict[str, Any] = {
            "type": "message",
            "channel": channel_id,
            "channel_type": "channel",
            "user": USERS[i % len(USERS)],
            "team": TEAM,
            "text": f"{TEXTS[i % len(TEXTS)]} (#{i})",
            "ts": ts,
            "event_ts": ts,
        }
        if i % 5 == 4:
            event["thread_ts"] = events[i - 4]["ts"]
            event["parent_user_id"] = events[i - 4]["user"]
        if i % 25 == 0:
            event["files"] = [{"id": f"F{i}", "name": f"graph-{i}.png", "title": "latency graph"}]
        events.append(event)
    return events


def ceiling_rows(channel_pk: int, events: Sequence[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows capture_message_event stores for these events, as plain sqlite3 parameters."""
    return message_rows(channel_pk, [message_from_slack(e) for e in events], source=Source.LIVE, now=NOW)


def sqlite_commit_per_event(path: str, rows: Sequence[tuple[Any, ...]]) -> None:
    conn = sqlite_connect(path)
    try:
        for row in rows:
            conn.execute("BEGIN")
            conn.execute(INSERT_MESSAGE, row)
            conn.execute("COMMIT")
    finally:
        conn.close()


def sqlite_executemany(path: str, rows: Sequence[tuple[Any, ...]]) -> None:
    conn = sqlite_connect(path)
    try:
        conn.execute("BEGIN")
        conn.executemany(INSERT_MESSAGE, rows)
        conn.execute("COMMIT")
    finally:
        conn.close()


def capture_message_event(rt: Runtime, slack: Slack, event: Mapping[str, Any]) -> None:
    """What the events middleware (bot/inbound/slack/middleware.py) does with a message delivery:
    claim it and store it in one transaction, before the answer to Slack."""
    event_id = f"Ev{event['channel']}{event['ts']}"
    delivery = capture_on_delivery(rt, event_id=event_id, team_id=TEAM, change=message_change(event))
    assert delivery is Delivery.STORED, delivery


def capture_all(rt: Runtime, slack: Slack, events: Sequence[Mapping[str, Any]]) -> None:
    for event in events:
        capture_message_event(rt, slack, event)


def stored_rows(path: str, channel_pk: int) -> list[tuple[Any, ...]]:
    """Everything but the id and channel, by ts: what the two ways of storing must agree on."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            f"SELECT {MESSAGE_COLUMNS.partition(', ')[2]} FROM messages WHERE channel_pk = ? ORDER BY ts",
            (channel_pk,),
        ).fetchall()
    finally:
        conn.close()


@dataclass(frozen=True)
class Round:
    bot: float  # seconds for each path, same events
    commit_per_event: float
    ceiling: float


def run_round(count: int, profiler: cProfile.Profile | None) -> Round:
    """One fresh migrated file: warm up, capture `count` events, then store the same rows with sqlite3."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp, SlackStub() as stub:
        folder = Path(tmp)
        url = fresh_database(migrated_template(folder), folder, "ingest")
        path = url.removeprefix("sqlite:///")
        rt = runtime(url)
        slack = outbound_slack(rt.settings, WebClient(token=stub.bot_token, base_url=stub.url))
        try:
            channels = {}
            for channel_id, name in (
                ("C0WARM", "inc-warm-up"),
                ("C0BOT", "inc-bench"),
                ("C0COMMIT", "inc-commit-per-event"),
                ("C0CEIL", "inc-ceiling"),
            ):
                stub.add_channel(channel_id, name)
                channels[channel_id] = watched_channel(rt, channel_id, name)

            # SQLAlchemy compiles and caches each statement on first use: not what is measured.
            capture_all(rt, slack, message_events("C0WARM", WARM_UP_EVENTS))
            events = message_events("C0BOT", count)
            if profiler:
                profiler.enable()
            bot_seconds, _ = timed(lambda: capture_all(rt, slack, events))
            if profiler:
                profiler.disable()
        finally:
            rt.close()
        calls = [call.method for call in stub.calls]
        assert calls == [], f"capturing in a watched channel called Slack: {calls}"

        commit_rows = ceiling_rows(channels["C0COMMIT"].pk, events)
        commit_seconds, _ = timed(lambda: sqlite_commit_per_event(path, commit_rows))
        rows = ceiling_rows(channels["C0CEIL"].pk, events)
        ceiling_seconds, _ = timed(lambda: sqlite_executemany(path, rows))

        bot_rows = stored_rows(path, channels["C0BOT"].pk)
        assert len(bot_rows) == count, f"{len(bot_rows)} of {count} events stored"
        assert bot_rows == stored_rows(path, channels["C0CEIL"].pk), "the ceiling stored other rows"
    return Round(bot_seconds, commit_seconds, ceiling_seconds)


def report(count: int, rounds: Sequence[Round]) -> bool:
    def rate(seconds: float) -> float:
        return count / seconds

    bot = statistics.median(r.bot for r in rounds)
    ceiling = statistics.median(r.ceiling for r in rounds)
    print(
        f"Ingest of {count:,} message events into a fresh migrated SQLite file, median of "
        f"{len(rounds)} round(s) ({WARM_UP_EVENTS} warm-up events per round not timed)"
    )
    rows = []
    for label, seconds in (
        ("capture_message_event", [r.bot for r in rounds]),
        ("sqlite3, commit per event", [r.commit_per_event for r in rounds]),
        ("sqlite3 executemany (ceiling)", [r.ceiling for r in rounds]),
    ):
        median = statistics.median(seconds)
        rows.append(
            (
                label,
                f"{median:.3f}",
                f"{rate(median):,.0f}",
                f"{rate(min(seconds)):,.0f}",
                f"{median / count * 1000:.3f}",
                f"{median / ceiling:.1f}",
            )
        )
    print_table(("path", "seconds", "events/s", "best events/s", "ms/event", "x ceiling time"), rows)
    print(f"capture_message_event per round: {', '.join(f'{rate(r.bot):,.0f}' for r in rounds)} events/s")
    print("Slack calls made while capturing: 0 (asserted against the SlackStub's record)")
    best = rate(min(r.bot for r in rounds))
    met = best >= TARGET_EVENTS_PER_SECOND
    verdict = "met" if met else "MISSED"
    print(
        f"target >= {TARGET_EVENTS_PER_SECOND:,} events/s: {verdict} "
        f"(best round {best:,.0f} events/s, median {rate(bot):,.0f})"
    )
    return met


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=5_000, help="message events to capture")
    parser.add_argument("--rounds", type=int, default=3, help="fresh databases to measure; median wins")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the capture loops")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    profiler = cProfile.Profile() if args.profile else None
    met = report(args.events, [run_round(args.events, profiler) for _ in range(args.rounds)])
    if profiler:
        print("\ncProfile of the capture loops (profiling slows them down), by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    print(f"(whole run {time.perf_counter() - start:.1f} s)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
