"""In Slack, an entry's time links to its message (`<permalink|21:58>`), a phase's time to the message
that set it, within Slack's limits; a duration under a minute reads "<1m" (escaped, "&lt;1m", in mrkdwn)."""

from __future__ import annotations

import json
import random
import re
from datetime import timedelta

from bot.domain import postmortem as pmd
from bot.domain import postmortem_status as pms
from bot.domain.timeline import PHASES, Entry, Mark
from bot.outbound.slack.render.postmortem import postmortem_parent, status_lines
from bot.outbound.slack.render.timeline import timeline_messages
from tests.factories import entry
from tests.outbound.test_render_timeline import START, assert_within_limits, slack_len, timeline

LINK = "https://acme.slack.com/archives/C07INC0315P/p"


def linked(i: int, text: str, *marks: Mark, thread_ts: str | None = None) -> Entry:
    """The i-th entry (i minutes after START), with its message's link."""
    when = START + timedelta(minutes=i)
    ts = f"{int(when.timestamp())}.{i:06d}"
    query = f"?thread_ts={thread_ts}&cid=C07INC0315P" if thread_ts else ""
    return entry(
        when, text, *marks, ts=ts, thread_ts=thread_ts, permalink=f"{LINK}{ts.replace('.', '')}{query}"
    )


def lines_of(messages: list[list[dict[str, object]]]) -> list[str]:
    return [
        line
        for blocks in messages
        for block in blocks
        if block["type"] == "section" and block["text"].get("verbatim")  # type: ignore[union-attr]
        for line in block["text"]["text"].split("\n")  # type: ignore[index]
    ]


def test_the_time_links_to_the_message_and_a_reply_into_its_thread() -> None:
    t = timeline(
        linked(0, "5xx", Mark.DETECTION), linked(8, "on it", thread_ts="1742072400.000000"), detection=START
    )
    first, reply = lines_of(timeline_messages(t))
    assert first == f"<{LINK}1742072400000000|21:00> *Ana* 5xx _[detection]_"
    # Slack wants & escaped in mrkdwn, in a link's URL too
    assert reply == (
        f"<{LINK}1742072880000008?thread_ts=1742072400.000000&amp;cid=C07INC0315P|21:08> *Ana* on it"
    )


def test_without_a_link_the_time_stays_code() -> None:
    t = timeline(entry(START, "5xx", Mark.DETECTION), detection=START)
    assert lines_of(timeline_messages(t)) == ["`21:00` *Ana* 5xx _[detection]_"]


def test_phase_times_link_to_the_message_that_set_them() -> None:
    t = timeline(linked(0, "5xx", Mark.DETECTION), linked(1, "5xx again", Mark.DETECTION), detection=START)
    phases = timeline_messages(t)[0][1]["text"]["text"]
    assert f"*Detection*  <{LINK}1742072400000000|2025-03-15 21:00 UTC>" in phases  # the first to set it
    assert "*Impact start*  _missing — mark it with :boom:_" in phases


def test_two_thousand_linked_entries_stay_within_limits_and_no_link_is_cut() -> None:
    rng = random.Random(11)
    pool = "".join(rng.choices("abc &<>|*_~ 🚨 é", k=20_000))
    entries = []
    for i in range(2000):
        length = rng.choice([10, 200, 1500, 2990, 8000])
        offset = rng.randrange(len(pool) - length)
        entries.append(
            linked(
                i, f"E{i:04d}: {pool[offset : offset + length]}", *((PHASES[i % 5],) if i % 7 == 0 else ())
            )
        )
    messages = timeline_messages(timeline(*entries, detection=START))
    assert_within_limits(messages)
    lines = lines_of(messages)
    assert len(lines) == 2000
    for i, line in enumerate(lines):
        assert re.match(rf"<{re.escape(LINK)}\d{{16}}\|\d\d:\d\d> \*Ana\* E{i:04d}: ", line), line[:200]
        assert slack_len(line) <= 3000


def test_a_duration_under_a_minute_reads_under_a_minute_in_slack() -> None:
    t = timeline(
        linked(0, "5xx", Mark.DETECTION),
        detection=START,
        acknowledgment=START + timedelta(seconds=43),
    )
    durations = timeline_messages(t)[0][2]["text"]["text"]
    assert "*Time to acknowledge*  &lt;1m" in durations  # escaped: a raw "<" opens a Slack link


EMPTY = pmd.Postmortem(
    channel="inc-2025-03-15-payments",
    title="Payments outage",
    status=pmd.Status.DRAFT,
    severity=None,
    lead=None,
    summary="",
    impact="",
    root_cause="",
    went_well=(),
    went_poorly=(),
    lessons=(),
    factors=(),
    created_at=START,
    resolved_at=None,
    participants=(),
)


def test_the_postmortem_parent_links_phase_times_and_shows_a_short_duration() -> None:
    t = timeline(
        linked(0, "checkout errors", Mark.IMPACT_START),
        linked(1, "resolved", Mark.RESOLUTION),
        impact_start=START,
        resolution=START + timedelta(seconds=43),
    )
    shown = json.dumps(postmortem_parent(EMPTY, t), ensure_ascii=False)
    assert f"*Impact start:* <{LINK}1742072400000000|2025-03-15 21:00 UTC>" in shown
    assert "*Detection:* missing — mark it with :rotating_light:" in shown
    assert "*Duration:* &lt;1m" in shown  # escaped: a raw "<" opens a Slack link
    status = "\n".join(status_lines(EMPTY, t, [], pms.window(START, START + timedelta(hours=1))))
    assert f"*Impact start:* <{LINK}1742072400000000|2025-03-15 21:00 UTC>" in status
