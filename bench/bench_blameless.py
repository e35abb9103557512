"""Blameless wording review: 20,000 characters of postmortem text, and texts built to be hard.

    .venv/bin/python bench/bench_blameless.py [--runs 20]

Timed as the best of --runs (other processes only ever add time):
- `review()` on 20,000 characters of every blame- and system-shaped phrasing in the tests' tables;
- for each pathological unit (an unclosed code fence, a link opener, a clause that never ends, a
  repeated name…), review() on 5,000 and on 20,000 characters of it: four times the text should
  take about four times the time; a quadratic step would take sixteen.
Baseline, measured in the same run: tokenising the same text with `re.findall(r"\\S+")`; ratios are
against it.
Targets: the 20,000-character review under 50 ms, and every 4x-text ratio under 8 (twice linear).
Exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

if __name__ == "__main__":  # run as a script: the checkout (bench/, tests/) is not on sys.path yet
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import print_table
from bot.domain.blameless import review
from tests.domain.test_blameless import BLAME, PATHOLOGICAL, SYSTEM

TARGET_SECONDS = 0.05
TARGET_GROWTH = 8.0


def best_of(runs: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def _review(text: str) -> Callable[[], object]:
    return lambda: review(text, known_names=["Bob", "Priya Raman"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    paragraph = " ".join([t for t, _ in BLAME] + SYSTEM)
    text = (paragraph * (20_000 // len(paragraph) + 1))[:20_000]
    seconds = best_of(args.runs, _review(text))
    baseline = best_of(args.runs, lambda: re.findall(r"\S+", text))
    print(f"review() of 20,000 characters: {seconds * 1000:.1f} ms ({seconds / baseline:.0f}x tokenising it)")
    rows, worst = [], 0.0
    for unit in PATHOLOGICAL:
        small, large = unit * (5_000 // len(unit)), unit * (20_000 // len(unit))
        t_small, t_large = best_of(args.runs, _review(small)), best_of(args.runs, _review(large))
        growth = t_large / max(t_small, 1e-6)
        worst = max(worst, growth)
        rows.append((repr(unit), f"{t_small * 1000:.1f}", f"{t_large * 1000:.1f}", f"{growth:.1f}"))
    print_table(("unit", "5k chars ms", "20k chars ms", "4x text → x time"), rows)
    met = seconds < TARGET_SECONDS and worst < TARGET_GROWTH
    print(
        f"targets: 20k review < {TARGET_SECONDS * 1000:.0f} ms, growth < {TARGET_GROWTH:.0f}x: "
        f"{'met' if met else 'MISSED'} ({seconds * 1000:.1f} ms, worst growth {worst:.1f}x)"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
