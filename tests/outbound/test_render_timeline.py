"""Block Kit for /postmortem timeline (render.timeline.timeline_messages), always within Slack's limits."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain.timeline import PHASES, Entry, Mark, Timeline, parse_emoji_marks
from bot.outbound.slack.render.timeline import timeline_messages
from tests.factories import entry

START = datetime(2025, 3, 15, 21, 0, tzinfo=UTC)


def slack_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def make_entry(i: int, text: str, *marks: Mark, at: datetime | None = None, user: str = "Ana") -> Entry:
    """The i-th entry, i minutes after START unless `at`; its ts is unique by i."""
    when = at or START + timedelta(minutes=i)
    return entry(when, text, *marks, user=user, ts=f"{int(when.timestamp())}.{i:06d}")


def timeline(*entries: Entry, **phases: datetime) -> Timeline:
    return Timeline("inc-2025-03-15-payments", {m: phases.get(m.value) for m in PHASES}, entries)


def texts(block: dict[str, Any]) -> list[str]:
    """Every text string a block carries."""
    if block["type"] in ("section", "header"):
        return [block["text"]["text"]]
    if block["type"] == "context":
        return [e["text"] for e in block["elements"]]
    return []


def assert_within_limits(messages: list[list[dict[str, Any]]]) -> None:
    assert messages
    for blocks in messages:
        assert 1 <= len(blocks) <= 50
        for block in blocks:
            for text in texts(block):
                assert 1 <= slack_len(text) <= (150 if block["type"] == "header" else 3000)
                assert not re.search(
                    r"&[a-z]*(?![a-z;])", text.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
                ), "a stray or cut entity"


def entry_lines(messages: list[list[dict[str, Any]]]) -> list[str]:
    return [
        line
        for blocks in messages
        for block in blocks
        if block["type"] == "section" and block["text"].get("verbatim")
        for line in block["text"]["text"].split("\n")
        if line.startswith("`")
    ]


def test_two_thousand_long_entries_split_within_limits() -> None:
    rng = random.Random(7)
    pool = "".join(rng.choices("abc &<>|*_~ 🚨 é", k=20_000))
    entries = []
    for i in range(2000):
        length = rng.choice([10, 200, 1500, 2990, 3100, 8000])
        offset = rng.randrange(len(pool) - length)
        body = pool[offset : offset + length]
        marks = (PHASES[i % 5],) if i % 7 == 0 else ()
        entries.append(make_entry(i, f"E{i:04d}: {body}", *marks, at=START + timedelta(minutes=3 * i)))
    messages = timeline_messages(timeline(*entries, detection=START))
    assert_within_limits(messages)
    assert len(messages) > 1
    lines = entry_lines(messages)
    assert [re.search(r"E(\d{4}):", line).group(1) for line in lines] == [f"{i:04d}" for i in range(2000)]
    assert sum(line.endswith("…") or "… _[" in line for line in lines) > 100
    assert messages[0][0]["type"] == "header"
    for blocks in messages[1:]:
        assert blocks[0]["type"] == "context"
        assert "#inc-2025-03-15-payments timeline, continued" in blocks[0]["elements"][0]["text"]


def test_one_huge_entry_is_cut_with_an_ellipsis() -> None:
    (blocks,) = timeline_messages(timeline(make_entry(0, "&" * 10_000, Mark.DETECTION)))
    (line,) = entry_lines([blocks])
    assert slack_len(line) <= 3000
    assert line.endswith("&amp;… _[detection]_")
    assert_within_limits([blocks])


def test_astral_characters_count_twice() -> None:
    (blocks,) = timeline_messages(timeline(make_entry(0, "🚨" * 2000)))
    (line,) = entry_lines([blocks])
    assert len(line) < 1600 < slack_len(line) <= 3000
    assert line.endswith("…")


def test_user_text_is_escaped_and_never_pings() -> None:
    e = make_entry(0, "<!channel> & <@U1> said a > b", user="R&D <team>")
    (blocks,) = timeline_messages(timeline(e))
    (section,) = [b for b in blocks if b["type"] == "section" and b["text"].get("verbatim")]
    assert section["text"]["verbatim"] is True
    assert (
        section["text"]["text"]
        == "`21:00` *R&amp;D &lt;team&gt;* &lt;!channel&gt; &amp; &lt;@U1&gt; said a &gt; b"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("docs (https://x.example/a?b=1&c=2)", "docs (<https://x.example/a?b=1&amp;c=2>)"),
        ("see https://x.example/wiki/Foo_(bar).", "see <https://x.example/wiki/Foo_(bar)>."),
        ("a https://x.example|b", "a <https://x.example>|b"),
        ("<https://x.example>", "&lt;<https://x.example>&gt;"),
        ("no links here", "no links here"),
    ],
)
def test_urls_are_linked_explicitly(text: str, expected: str) -> None:
    (line,) = entry_lines(timeline_messages(timeline(make_entry(0, text))))
    assert line == f"`21:00` *Ana* {expected}"


def test_first_message_has_header_phases_and_durations() -> None:
    t = timeline(
        make_entry(0, "5xx", Mark.DETECTION),
        make_entry(8, "on it", Mark.ACKNOWLEDGMENT, Mark.KEY_EVENT),
        impact_start=START - timedelta(minutes=9),
        detection=START,
        acknowledgment=START + timedelta(minutes=8),
    )
    (blocks,) = timeline_messages(t)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Timeline of #inc-2025-03-15-payments"},
    }
    phases, durations = blocks[1]["text"]["text"], blocks[2]["text"]["text"]
    assert "*Detection*  2025-03-15 21:00 UTC" in phases
    assert "*Resolution*  _missing — mark it with :white_check_mark:_" in phases
    assert "*Time to detect*  9m" in durations
    assert "*Time to acknowledge*  8m" in durations
    assert "*Duration*  _unknown_" in durations
    assert entry_lines([blocks]) == [
        "`21:00` *Ana* 5xx _[detection]_",
        "`21:08` *Ana* on it _[acknowledgment, key event]_",
    ]


def test_missing_phases_name_the_configured_emoji() -> None:
    (blocks,) = timeline_messages(timeline(), parse_emoji_marks("siren=detection"))
    assert "*Detection*  _missing — mark it with :siren:_" in blocks[1]["text"]["text"]
    assert "*Impact start*  _missing — no emoji is mapped to it_" in blocks[1]["text"]["text"]


def test_empty_timeline_is_one_message_that_says_so() -> None:
    (blocks,) = timeline_messages(timeline())
    assert "No entries yet" in blocks[-1]["text"]["text"]
    assert_within_limits([blocks])


def test_a_context_line_per_utc_date() -> None:
    entries = [make_entry(i, f"e{i}", at=START + timedelta(hours=6 * i)) for i in range(6)]
    (blocks,) = timeline_messages(timeline(*entries))
    dates = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert dates == ["*2025-03-15* (UTC)", "*2025-03-16* (UTC)", "*2025-03-17* (UTC)"]


def test_stated_entries_show_their_posting_time() -> None:
    posted = START + timedelta(minutes=40)
    e = entry(START, "rolled back at 21:00 UTC", Mark.MITIGATION, posted=posted, ts="1742072400.000100")
    (line,) = entry_lines(timeline_messages(timeline(e)))
    assert line == "`21:00` *Ana* rolled back at 21:00 UTC _[mitigation]_ _(stated; posted 21:40)_"


def test_many_short_entries_fill_sections_not_blocks() -> None:
    entries = [make_entry(i, f"short {i}", at=START + timedelta(seconds=i)) for i in range(500)]
    messages = timeline_messages(timeline(*entries))
    assert len(messages) == 1
    assert len(entry_lines(messages)) == 500


def test_a_duration_under_a_minute_reads_less_than_a_minute_and_is_no_link() -> None:
    acked = START + timedelta(seconds=43)
    t = timeline(detection=START, acknowledgment=acked)
    (blocks,) = timeline_messages(t)
    durations = next(text for b in blocks for text in texts(b) if text.startswith("*Durations*"))
    assert "*Time to acknowledge*  &lt;1m" in durations and "<1m" not in durations
