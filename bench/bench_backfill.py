"""Backfill against a SlackStub: how many Web API calls it makes for N messages, and how long it takes.

    .venv/bin/python bench/bench_backfill.py

For each case a fresh SlackStub (real HTTP on 127.0.0.1) is seeded with the channel's history and
`bot.services.backfill.backfill` reads it into a fresh migrated SQLite file. Checked, from the
stub's own record of the calls it answered:
- conversations.history calls == ceil(N / 200), at least 1 (N = top-level messages; pages of 200);
- BackfillResult.replies_calls == threads with replies (one conversations.replies read per thread);
  the HTTP conversations.replies calls == the pages those threads take (ceil((replies + 1) / 200)
  each, the parent comes first), which is the same number while every thread is under 200 replies;
- every message is stored, and a second backfill reads one empty history page and no thread.
Times are wall-clock for the whole backfill, split into time waiting on the Web API (stub included)
and the rest (parsing and storing). No speed target; exit status 1 when a count is wrong.
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __name__ == "__main__":  # run as a script: the checkout (bench/, tests/) is not on sys.path yet
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from slack_sdk import WebClient
from sqlalchemy import func, select

from bench._common import fresh_database, migrated_template, print_table, runtime, timed, watched_channel
from bot.app import outbound_slack
from bot.outbound.slack.reader import HISTORY_PAGE_SIZE
from bot.services.backfill import BackfillResult, backfill
from bot.store.models import Message
from tests.slack_stub import SlackStub, conformance_problems

CHANNEL = "C0INC"
USERS = ("U0ANA", "U0BEN", "U0CHO")


@dataclass(frozen=True)
class Case:
    name: str
    top_level: int
    thread_sizes: tuple[int, ...] = ()  # replies in each thread, on the first top-level messages

    @property
    def messages(self) -> int:
        return self.top_level + sum(self.thread_sizes)

    @property
    def expected_history_calls(self) -> int:
        return max(1, math.ceil(self.top_level / HISTORY_PAGE_SIZE))

    @property
    def threads(self) -> int:
        return sum(1 for size in self.thread_sizes if size)

    @property
    def expected_replies_http_calls(self) -> int:
        return sum(math.ceil((size + 1) / HISTORY_PAGE_SIZE) for size in self.thread_sizes if size)


# Thread-heavy: 300 top-level messages, 120 of them threads of 1..40 replies, one of 250 (2 pages).
THREAD_HEAVY = (*(1 + i * 7 % 40 for i in range(119)), 250)
CASES = (
    *(Case(f"N={n}", n) for n in (1, 199, 200, 201, 450, 1000)),
    Case("N=300, 120 threads", 300, THREAD_HEAVY),
)


class TimedWebClient(WebClient):
    """The real WebClient, adding up the time spent in Web API calls."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seconds = 0.0

    def api_call(self, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return super().api_call(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - start


@dataclass(frozen=True)
class Outcome:
    case: Case
    result: BackfillResult
    history_http: int
    replies_http: int
    stored: int
    seconds: float
    api_seconds: float
    rerun: BackfillResult
    rerun_history_http: int
    rerun_replies_http: int


def seed(stub: SlackStub, case: Case) -> None:
    stub.add_channel(CHANNEL, "inc-backfill", members=[stub.env.bot_user_id])
    parents = [
        stub.add_message(CHANNEL, text=f"update {i}: still looking", user=USERS[i % 3])
        for i in range(case.top_level)
    ]
    for parent, size in zip(parents, case.thread_sizes, strict=False):
        for j in range(size):
            stub.add_message(CHANNEL, text=f"reply {j}", user=USERS[j % 3], thread_ts=parent)


def run_case(template: Path, folder: Path, case: Case) -> Outcome:
    with SlackStub() as stub:
        seed(stub, case)
        rt = runtime(fresh_database(template, folder, f"case-{CASES.index(case)}"))
        client = TimedWebClient(token=stub.bot_token, base_url=stub.url)
        slack = outbound_slack(rt.settings, client)
        try:
            channel = watched_channel(rt, CHANNEL, "inc-backfill")
            seconds, result = timed(lambda: backfill(rt, slack, channel))
            history_http = len(stub.calls_to("conversations.history"))
            replies_http = len(stub.calls_to("conversations.replies"))
            with rt.transaction() as session:
                stored = session.scalar(
                    select(func.count()).select_from(Message).where(Message.channel_pk == channel.pk)
                )
            rerun = backfill(rt, slack, channel)
        finally:
            rt.close()
        problems = conformance_problems(stub.calls)
        assert problems == [], f"calls slack-sdk does not know: {problems}"
        return Outcome(
            case=case,
            result=result,
            history_http=history_http,
            replies_http=replies_http,
            stored=int(stored or 0),
            seconds=seconds,
            api_seconds=client.seconds,
            rerun=rerun,
            rerun_history_http=len(stub.calls_to("conversations.history")) - history_http,
            rerun_replies_http=len(stub.calls_to("conversations.replies")) - replies_http,
        )


def problems_of(o: Outcome) -> list[str]:
    c = o.case
    checks = {
        "history calls": (o.history_http, c.expected_history_calls),
        "BackfillResult.history_calls": (o.result.history_calls, c.expected_history_calls),
        "BackfillResult.replies_calls (threads read)": (o.result.replies_calls, c.threads),
        "conversations.replies HTTP calls": (o.replies_http, c.expected_replies_http_calls),
        "messages stored": (o.stored, c.messages),
        "BackfillResult.new_messages": (o.result.new_messages, c.messages),
        "second backfill: history calls": (o.rerun_history_http, 1),
        "second backfill: replies calls": (o.rerun_replies_http, 0),
        "second backfill: new messages": (o.rerun.new_messages, 0),
    }
    return [
        f"{c.name}: {what} = {got}, expected {want}" for what, (got, want) in checks.items() if got != want
    ]


def main(argv: Sequence[str] | None = None) -> int:
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-backfill-") as tmp:
        folder = Path(tmp)
        template = migrated_template(folder)
        outcomes = [run_case(template, folder, case) for case in CASES]
    print("Backfill against a SlackStub on 127.0.0.1 (fresh stub and database per case)")
    print_table(
        (
            "case",
            "messages",
            "history",
            "expected",
            "threads",
            "replies HTTP",
            "expected",
            "rerun h/r",
            "seconds",
            "of which API",
            "msg/s",
        ),
        [
            (
                o.case.name,
                o.case.messages,
                o.history_http,
                o.case.expected_history_calls,
                o.result.replies_calls,
                o.replies_http,
                o.case.expected_replies_http_calls,
                f"{o.rerun_history_http}/{o.rerun_replies_http}",
                f"{o.seconds:.3f}",
                f"{o.api_seconds:.3f}",
                f"{o.case.messages / o.seconds:,.0f}",
            )
            for o in outcomes
        ],
    )
    print(
        "history = conversations.history calls (expected ceil(N/200), min 1); threads = threads read "
        "(BackfillResult.replies_calls);\nreplies HTTP = conversations.replies calls (a thread of 200+ "
        "replies takes 2 pages); rerun h/r = calls of a second backfill."
    )
    problems = [p for o in outcomes for p in problems_of(o)]
    for problem in problems:
        print("WRONG:", problem)
    print("call counts: " + ("all as expected" if not problems else f"{len(problems)} wrong"))
    print(f"(whole run {time.perf_counter() - start:.1f} s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
