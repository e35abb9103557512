"""Which stated times move a message on the timeline: not a plan (a time after the post), not a date
far from the post; and the field case est_in_october as a whole timeline (bot.domain.clock_times.trusted,
bot.domain.timeline.build_timeline with the real parser)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.cli import main
from bot.domain.clock_times import PLAN_GRACE, TRUST_WINDOW, stated_time, trusted
from bot.domain.timeline import CapturedMessage, Durations, Mark, UserInfo, build_timeline
from bot.domain.timeline_render import render_text, timeline_json

CASE = Path(__file__).resolve().parents[1] / "fixtures" / "cases" / "est_in_october" / "export"
POSTED = datetime(2025, 3, 20, 18, 5, tzinfo=UTC)
USERS = {"UANA": UserInfo("Ana", "Etc/UTC"), "UNY": UserInfo("Nia", "America/New_York")}


def at(day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, second, tzinfo=UTC)


def message(posted: datetime, text: str, *reactions: str, user: str = "UANA") -> CapturedMessage:
    return CapturedMessage(
        ts=f"{int(posted.timestamp())}.000000", text=text, user_id=user, reactions=frozenset(reactions)
    )


# --- the thresholds ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stated", "placed"),
    [
        (POSTED, True),
        (POSTED - timedelta(hours=5), True),
        (POSTED + timedelta(seconds=30), True),  # a watch a little fast
        (POSTED + PLAN_GRACE, True),
        (POSTED + PLAN_GRACE + timedelta(seconds=1), False),  # a plan
        (POSTED + timedelta(hours=5), False),
        (POSTED - TRUST_WINDOW, True),
        (POSTED - TRUST_WINDOW - timedelta(seconds=1), False),  # far from the post
        (POSTED - timedelta(days=365), False),
        (POSTED + timedelta(days=30), False),
    ],
)
def test_trusted(stated: datetime, placed: bool) -> None:
    assert trusted(stated, POSTED) is placed


def test_the_thresholds() -> None:
    assert timedelta(minutes=2) == PLAN_GRACE
    assert timedelta(days=7) == TRUST_WINDOW


@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1), timezones=st.just(UTC)),
    st.timedeltas(min_value=timedelta(days=-30), max_value=timedelta(days=30)),
)
def test_trusted_is_exactly_the_window(posted: datetime, offset: timedelta) -> None:
    assert trusted(posted + offset, posted) == (-TRUST_WINDOW <= offset <= PLAN_GRACE)


# --- on the timeline: a plan stays at its posting time ------------------------------------------------


def test_a_plan_stays_at_its_posting_time_and_keeps_its_text() -> None:
    """The issue's example: "failover at 18:10" posted at 18:05 jumped back a day, and the timeline
    said "Time to acknowledge -23h 52m"."""
    detected = message(at(20, 18, 2), "5xx on checkout", "rotating_light")
    plan = message(POSTED, "failover at 18:10", "eyes")
    t = build_timeline("inc", [detected, plan], USERS)
    entry = next(e for e in t.entries if e.text == "failover at 18:10")
    assert (entry.at, entry.stated) == (POSTED, False)
    assert t.phases[Mark.ACKNOWLEDGMENT] == POSTED
    assert t.durations.time_to_acknowledge == timedelta(minutes=3)
    assert "failover at 18:10" in render_text(t)


@pytest.mark.parametrize(
    ("text", "posted", "placed_at"),
    [
        ("rolled back at 18:03", POSTED, at(20, 18, 3)),
        ("rolled back at 18:06", POSTED, at(20, 18, 6)),  # a minute ahead: the author's watch
        ("rolled back at 18:10", POSTED, None),  # a plan
        ("rolled back at 23:50", at(21, 0, 10), at(20, 23, 50)),  # clearly the day before
        ("03:42 the pager fired", at(20, 18, 0), at(20, 3, 42)),  # this morning, not tomorrow's
        ("on March 13 at 18:05", POSTED, at(13, 18, 5)),  # exactly 7 days back: trusted
        ("on March 13 at 18:04", POSTED, None),  # more than 7 days back: not silently trusted
        ("2024-03-20 17:00", POSTED, None),  # a year back
        ("May 17,2019 at 8:21:00AM", POSTED, None),  # far: dateutil would have read this year
        ("on March 22 at 10:00", POSTED, None),  # ahead
        ("tomorrow at 9am", POSTED, None),
        ("yesterday at 9am", POSTED, at(19, 9)),
        ("20 min ago", POSTED, at(20, 17, 45)),
    ],
)
def test_placement_on_the_timeline(text: str, posted: datetime, placed_at: datetime | None) -> None:
    (entry,) = build_timeline("inc", [message(posted, text, "boom")], USERS).entries
    assert (entry.at, entry.stated) == ((placed_at, True) if placed_at else (posted, False))
    assert entry.text == text  # the stated time stays visible as written


# Posting times and undated texts: whatever is stated, no duration comes out negative because a time
# jumped a day, and an entry is never placed after its post (beyond the grace) or far from it.
clock_texts = st.builds(
    lambda h, m, word: f"{word} {h:02d}:{m:02d}",
    st.integers(0, 23),
    st.integers(0, 59),
    st.sampled_from(["at", "done at", "failover at", "since", "~"]),
)


@given(
    texts=st.lists(clock_texts, min_size=5, max_size=5),
    minutes=st.lists(st.integers(0, 48 * 60), min_size=5, max_size=5),
)
def test_placed_entries_stay_near_their_posts(texts: list[str], minutes: list[int]) -> None:
    emoji = ["boom", "rotating_light", "eyes", "adhesive_bandage", "white_check_mark"]
    posts = [at(20, 0) + timedelta(minutes=m) for m in minutes]
    msgs = [message(p, text, e, user="UNY") for p, text, e in zip(posts, texts, emoji, strict=True)]
    t = build_timeline("inc", msgs, USERS)
    for entry in t.entries:
        assert entry.posted_at - timedelta(hours=17) <= entry.at <= entry.posted_at + PLAN_GRACE
    for value in timeline_json(t)["durations_s"].values():
        assert value is None or value >= 0


# --- the field case est_in_october, from its export ---------------------------------------------------


def _read(name: str) -> Any:
    return json.loads((CASE / name).read_text(encoding="utf-8"))


def test_est_in_october_case() -> None:
    """ "reports export started failing around 1pm EST", posted 13:40 EDT on 2025-10-09 by a New York
    author: impact start is 2025-10-09T17:00:00Z (it was 2025-10-08T18:00:00Z, a day early)."""
    users = {u["id"]: UserInfo(u["profile"]["display_name"], u.get("tz")) for u in _read("users.json")}
    (channel,) = _read("channels.json")
    raw = _read(f"{channel['name']}/2025-10-09.json")
    messages = [
        CapturedMessage(
            ts=m["ts"],
            text=m["text"],
            user_id=m.get("user"),
            reactions=frozenset(r["name"] for r in m.get("reactions", ())),
        )
        for m in raw
    ]
    t = build_timeline(channel["name"], messages, users)
    assert timeline_json(t)["phases"]["impact_start"] == "2025-10-09T17:00:00Z"
    (entry,) = t.entries
    assert (entry.stated, entry.posted_at) == (True, datetime(2025, 10, 9, 17, 40, 0, 100, tzinfo=UTC))
    assert t.durations == Durations(None, None, None, None, None)
    assert stated_time(raw[0]["text"], entry.posted_at, ZoneInfo("America/New_York")) == entry.at


def test_est_in_october_case_through_the_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """As the case's README runs it: `postmortem-bot timeline --export … --format json`."""
    for name in ("DATABASE_URL", "DEFAULT_TIMEZONE", "EMOJI_MARKS", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    args = ["timeline", "--export", str(CASE), "--channel", "inc-2025-10-09-reports", "--format", "json"]
    assert main(args) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["phases"]["impact_start"] == "2025-10-09T17:00:00Z"
    assert [(e["at"], e["posted_at"]) for e in data["entries"]] == [
        ("2025-10-09T17:00:00Z", "2025-10-09T17:40:00Z")
    ]
