"""The weekly reminder sweep over 100,000 action items in 5,000 channels (SQLite).

1. Decide: `reminders.plan` reads every item of every channel with something open, plans each
   channel's message and each owner's digest, and renders them all. Must take under 5 s. Printed
   as a ratio against a baseline measured in the same run: a plain SELECT of the open items.
2. Post: `reminders.sweep` against a SlackStub on 127.0.0.1. Asserts exactly one chat.postMessage
   per channel with open items, one direct message per owner with overdue items (each opened
   with one conversations.open: the only other method called, since a DM needs its channel id),
   and no other Web API call. A second sweep posts nothing.

Items go in with bulk SQL (sqlite3 executemany), not through the repository.

    python -m bench.bench_reminders [--channels 5000] [--items 100000] [--no-post]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench._common import fresh_database, migrated_template, print_table, sqlite_connect, timed
from bot.app import outbound_slack
from bot.config import Settings
from bot.runtime import Runtime
from bot.services import reminders
from tests.slack_stub import SlackStub

TEAM = "T0BENCH"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, an hour after the 09:00 UTC run
TODAY = NOW.date()
DECIDE_BUDGET_S = 5.0


def _sqlite_time(value: datetime) -> str:
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


def seed(path: str, channels: int, items: int, owners: int) -> tuple[set[str], set[str]]:
    """(channel ids with open items, owner ids with overdue items), as the data was generated."""
    rng = random.Random(5)
    now = _sqlite_time(NOW)
    conn = sqlite_connect(path)
    conn.execute("BEGIN")
    conn.execute("INSERT INTO workspaces (team_id, created_at) VALUES (?, ?)", (TEAM, now))
    conn.executemany(
        "INSERT INTO channels (id, team_id, channel_id, name, watched, is_archived, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, 1, 0, ?, ?)",
        [(pk, TEAM, f"C{pk:08d}", f"inc-{pk}", now, now) for pk in range(1, channels + 1)],
    )
    rows = []
    with_open: set[str] = set()
    overdue_owners: set[str] = set()
    for item_id in range(1, items + 1):
        pk = (item_id - 1) % channels + 1
        owner = f"U{rng.randrange(owners):08d}"
        all_done = pk % 10 == 0  # one channel in ten has nothing open
        status = "done" if all_done or rng.random() < 0.3 else rng.choice(("open", "open", "in_progress"))
        due = TODAY + timedelta(days=rng.randint(-30, 60))
        done_on = due + timedelta(days=rng.randint(-5, 5)) if status == "done" else None
        if status != "done":
            with_open.add(f"C{pk:08d}")
            if due < TODAY:
                overdue_owners.add(owner)
        rows.append(
            (
                item_id,
                pk,
                f"Add alert {item_id} on the checkout queue depth at 500",
                owner,
                rng.choice(("P0", "P1", "P2", "P3")),
                due.isoformat(),
                status,
                "U0LEAD",
                now,
                now,
                done_on.isoformat() if done_on else None,
                rng.randint(0, 4),
            )
        )
    conn.executemany(
        "INSERT INTO action_items (id, channel_pk, text, owner_user_id, priority, due_on, status, "
        "created_by, created_at, updated_at, done_on, reminders_seen) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.executemany(
        "INSERT INTO action_item_redates (item_id, from_on, to_on, reason, by_user_id, at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(i, "2026-01-01", "2026-02-01", "slipped", "U0LEAD", now) for i in range(1, items + 1, 7)],
    )
    conn.execute("COMMIT")
    conn.close()
    return with_open, overdue_owners


def baseline(path: str) -> int:
    """A plain SELECT of the open items: the least any sweep must do."""
    conn = sqlite_connect(path)
    try:
        return len(
            conn.execute(
                "SELECT id, channel_pk, text, owner_user_id, priority, due_on, status FROM action_items "
                "WHERE status IN ('open', 'in_progress')"
            ).fetchall()
        )
    finally:
        conn.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--channels", type=int, default=5000)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--owners", type=int, default=2000)
    parser.add_argument("--no-post", action="store_true", help="decide only; skip posting to the stub")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url = fresh_database(migrated_template(folder), folder, "reminders")
        path = url.removeprefix("sqlite:///")
        seed_s, (with_open, overdue_owners) = timed(
            lambda: seed(path, args.channels, args.items, args.owners)
        )
        base_s, open_rows = timed(lambda: baseline(path))
        base_s = min(base_s, *(timed(lambda: baseline(path))[0] for _ in range(2)))
        stub = SlackStub(bot_token="xoxb-bench")
        stub.start()
        try:
            env = {"DATABASE_URL": url, "SLACK_BOT_TOKEN": stub.bot_token, "SLACK_API_URL": stub.url}
            rt = Runtime.create(Settings.from_env(env), clock=lambda: NOW)
            decide_s, (week, outgoing) = timed(lambda: reminders.plan(rt, NOW))
            channel_msgs = sum(1 for o in outgoing if o.kind == reminders.CHANNEL)
            dms = sum(1 for o in outgoing if o.kind == reminders.OWNER)
            print(
                f"Weekly reminder sweep, week {week}: "
                f"{args.items:,} items in {args.channels:,} channels (SQLite)"
            )
            print(f"(seeded with bulk SQL in {seed_s:.1f} s; {open_rows:,} items open)\n")
            rows: list[list[object]] = [
                ["baseline: SELECT open items", f"{base_s:.3f}", "1.0x", ""],
                [
                    "decide every reminder (plan)",
                    f"{decide_s:.3f}",
                    f"{decide_s / base_s:.1f}x",
                    f"{channel_msgs:,} channel messages, {dms:,} DMs",
                ],
            ]
            if decide_s >= DECIDE_BUDGET_S:
                problems.append(f"deciding took {decide_s:.2f} s, over the {DECIDE_BUDGET_S} s budget")
            if channel_msgs != len(with_open):
                problems.append(
                    f"{channel_msgs} channel messages planned, {len(with_open)} channels have open items"
                )
            if dms != len(overdue_owners):
                problems.append(f"{dms} DMs planned, {len(overdue_owners)} owners have overdue items")
            if not args.no_post:
                for user in sorted(overdue_owners):
                    stub.add_user(user, user.lower())
                for channel in sorted(with_open):
                    stub.add_channel(channel, f"inc-{int(channel[1:])}", members=["UBOT"])
                post_s, result = timed(lambda: reminders.sweep(rt, outbound_slack(rt.settings)))
                calls = Counter(c.method for c in stub.calls)
                posted_to = Counter(c.decoded.get("channel") for c in stub.calls_to("chat.postMessage"))
                rows.append(
                    [
                        "post through the SlackStub (sweep)",
                        f"{post_s:.3f}",
                        f"{post_s / base_s:.1f}x",
                        f"{sum(calls.values()):,} Web API calls",
                    ]
                )
                expected = {
                    "chat.postMessage": len(with_open) + len(overdue_owners),
                    "conversations.open": len(overdue_owners),
                }
                if dict(calls) != expected:
                    problems.append(f"Web API calls {dict(calls)}, expected {expected}")
                if any(n != 1 for n in posted_to.values()):
                    problems.append("some conversation got more than one message")
                if result.failed:
                    problems.append(f"{len(result.failed)} posts failed")
                again_s, again = timed(lambda: reminders.sweep(rt, outbound_slack(rt.settings)))
                rows.append(["sweep again (all sent)", f"{again_s:.3f}", f"{again_s / base_s:.1f}x", ""])
                if again.posted or len(stub.calls) != sum(calls.values()):
                    problems.append("a second sweep posted again")
            rt.close()
        finally:
            stub.stop()
    print_table(["step", "seconds", "vs baseline", ""], rows)
    print()
    for problem in problems:
        print("WRONG:", problem)
    print("checks: " + ("all as expected" if not problems else f"{len(problems)} wrong"))
    print(f"(whole run {time.perf_counter() - start:.1f} s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
