"""bot.domain.slack_text: Slack's own tokens stay readable, and `<!date^EPOCH^…>` is an exact instant
that places a marked message (the timeline's `_stated_at` asks `date_token_at` first)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.slack_text import (
    date_token_at,
    mrkdwn_escape,
    mrkdwn_unescape,
    placeholders_escaped,
    readable_text,
)
from bot.domain.timeline import CapturedMessage, Mark, UserInfo, build_timeline

USERS = {"U0ANA": UserInfo("Ana", "America/New_York"), "W0WREN": UserInfo("wren", "Europe/Berlin")}
POSTED = "1754991060.000000"  # 2025-08-12 09:31 UTC


def utc(hh: int, mm: int, ss: int = 0, day: int = 12) -> datetime:
    return datetime(2025, 8, day, hh, mm, ss, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("triggered <!date^1754990100^{date_short} at {time}|Aug 12, 2025 at 09:15 AM UTC>", utc(9, 15)),
        ("<!date^1754990100^{time_secs}>", utc(9, 15)),
        ("<!date^1754990100^{date_num} {time}^https://pd.example/i/1|09:15>", utc(9, 15)),  # with a link
        ("<!date^1754990145^{ago}|a minute ago>", utc(9, 15, 45)),
        (
            "on <!date^1754956800^{date}|Aug 12> at <!date^1754990100^{time}|09:15>",
            utc(9, 15),
        ),  # the time wins
        ("<!date^1754956800^{date_long}|Tuesday, August 12th>", utc(0, 0)),  # only a day: still its epoch
        ("<!date^1754990100^{time}|a> then <!date^1754993700^{time}|b>", utc(9, 15)),  # the first
        ("<!date^99999999999999^{time}|never> <!date^1754990100^{time}|09:15>", utc(9, 15)),  # out of range
        ("<!date^soon^{time}|soon>", None),
        ("<!date^^{time}|x>", None),
        ("at 09:15 UTC", None),
        ("&lt;!date^1754990100^{time}&gt;", None),  # escaped: text someone typed, not a token
        ("", None),
    ],
)
def test_date_token_at(text: str, expected: datetime | None) -> None:
    assert date_token_at(text) == expected


@given(st.integers(0, 4_102_444_800), st.sampled_from(["{time}", "{date_short}", "{date_num} {time_secs}"]))
def test_any_epoch_is_its_own_instant(epoch: int, fmt: str) -> None:
    at = date_token_at(f"x <!date^{epoch}^{fmt}|fallback> y")
    assert at is not None and at.tzinfo is UTC and at.timestamp() == epoch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!date^1754990100^{date_short} at {time}|Aug 12 at 11:15 CEST>", "Aug 12 at 11:15 CEST"),
        ("<!date^1754990100^{date_short} at {time}>", "2025-08-12 09:15 UTC"),  # no fallback: UTC
        ("<!date^1754990100^{date_long}>", "2025-08-12"),
        ("<!date^1754990100^{time}^https://x.example|&lt;09:15&gt;>", "<09:15>"),
        ("<!date^nope^{time}>", "date"),
        ("<!subteam^S0DBA|@dba> <!subteam^S0SRE|sre> <!subteam^S0X>", "@dba @sre @group"),
        ("<!here> <!channel|channel> <!everyone>", "@here @channel @everyone"),
        ("<@W0WREN> <@U0ANA|ana.w> <@U0GONE|gone> <@U0NONE>", "@wren @Ana @gone @U0NONE"),
        ("<#C0DB|db-ops> <#C0INC>", "#db-ops #inc-2025-08-12"),
        (
            "<https://x.example/a?b=1&amp;c=2|graph> <mailto:oncall@x.example>",
            "graph (https://x.example/a?b=1&c=2) oncall@x.example",
        ),
        ("<!unknownthing^1|shown> <!other>", "shown other"),
        ("a &lt; b &amp;&amp; c &gt; d", "a < b && c > d"),
    ],
)
def test_tokens_stay_readable(text: str, expected: str) -> None:
    assert readable_text(text, USERS, {"C0INC": "inc-2025-08-12"}) == expected


def message(text: str, *reactions: str, **kw: object) -> CapturedMessage:
    return CapturedMessage(ts=POSTED, text=text, user_id="U0ANA", reactions=frozenset(reactions), **kw)


def test_a_marked_message_with_a_date_token_is_placed_at_that_instant() -> None:
    m = message(
        "Alert group #42 triggered <!date^1754990100^{date_short} at {time}|Aug 12, 2025>", "rotating_light"
    )
    t = build_timeline("inc", [m], USERS)
    (entry,) = t.entries
    assert (entry.at, entry.posted_at, entry.stated) == (utc(9, 15), utc(9, 31), True)
    assert t.phases[Mark.DETECTION] == utc(9, 15)
    assert entry.text == "Alert group #42 triggered Aug 12, 2025"


def test_the_token_wins_over_a_clock_time_in_the_same_text() -> None:
    # "09:00" in Ana's New York zone would be 13:00 UTC; the token is exact.
    m = message("paged at 09:00, fired <!date^1754990100^{time}|09:15 UTC>", "rotating_light")
    (entry,) = build_timeline("inc", [m], USERS).entries
    assert entry.at == utc(9, 15)


@pytest.mark.parametrize(
    "epoch",
    [
        1755001800,  # 12:30 the same day, three hours after the post: a plan ("maintenance at <!date…>")
        1752312600,  # July 12: a month before the post, too far to move the entry silently
    ],
)
def test_a_token_that_is_a_plan_or_far_from_the_post_leaves_the_entry_where_it_was_posted(epoch: int) -> None:
    m = message(f"failover scheduled for <!date^{epoch}^{{date_short}} {{time}}|later>", "rotating_light")
    (entry,) = build_timeline("inc", [m], USERS).entries
    assert (entry.at, entry.stated) == (utc(9, 31), False)
    assert "later" in entry.text  # the stated time is still there to read


def test_unmarked_messages_are_not_placed_even_with_all() -> None:
    m = message("fired <!date^1754990100^{time}|09:15 UTC>")
    (entry,) = build_timeline("inc", [m], USERS, include_all=True).entries
    assert (entry.at, entry.stated) == (utc(9, 31), False)


def test_a_pinned_message_with_a_date_token_is_placed() -> None:
    m = message("maintenance began <!date^1754985600^{time}|08:00 UTC>", pinned=True)
    (entry,) = build_timeline("inc", [m], USERS).entries
    assert (entry.at, entry.marks) == (utc(8, 0), (Mark.KEY_EVENT,))


def test_a_token_out_of_range_leaves_the_clock_reading_to_decide() -> None:
    m = message("<!date^99999999999999^{time}|never> rolled back at 09:20 UTC", "adhesive_bandage")
    (entry,) = build_timeline("inc", [m], USERS).entries
    assert entry.at == utc(9, 20)


# --- the other way: text as typed → markup that shows it as typed ---------------------------------


@pytest.mark.parametrize(
    ("typed", "escaped"),
    [
        ("<!channel> outage <!here>", "&lt;!channel&gt; outage &lt;!here&gt;"),
        ("<@U123|bob> & <#C1>", "&lt;@U123|bob&gt; &amp; &lt;#C1&gt;"),
        ("<https://x.example|click>", "&lt;https://x.example|click&gt;"),
        ("&amp; is how you write &", "&amp;amp; is how you write &amp;"),  # typed entities stay typed
        ("*bold* _it_ `code`", "*bold* _it_ `code`"),  # formatting: no escape exists, none can ping
    ],
)
def test_mrkdwn_escape(typed: str, escaped: str) -> None:
    assert mrkdwn_escape(typed) == escaped
    assert mrkdwn_unescape(escaped) == typed


@given(st.text(st.sampled_from("<>&;!@#|amplgt x")) | st.text())
def test_escaped_text_holds_no_markup_and_decodes_to_what_was_typed(typed: str) -> None:
    escaped = mrkdwn_escape(typed)
    assert "<" not in escaped and ">" not in escaped
    assert "&" not in escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")
    assert mrkdwn_unescape(escaped) == typed
    assert readable_text(escaped, {}) == typed  # and Slack's reader shows exactly that


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Usage: `/postmortem done <id>`", "Usage: `/postmortem done &lt;id&gt;`"),
        ("Only the owner, <@U0BOB>, can change it.", "Only the owner, <@U0BOB>, can change it."),
        (
            "see <https://x.example|docs> in <#C1|general> <!here>",
            "see <https://x.example|docs> in <#C1|general> <!here>",
        ),
        ("`redate <id> <due> <reason>`", "`redate &lt;id&gt; &lt;due&gt; &lt;reason&gt;`"),
        ("a &lt;b&gt; already escaped", "a &lt;b&gt; already escaped"),
    ],
)
def test_the_bots_own_placeholders_are_escaped_and_slack_tokens_kept(text: str, shown: str) -> None:
    assert placeholders_escaped(text) == shown
