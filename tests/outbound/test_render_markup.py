"""Whatever a person types shows as typed wherever the bot posts it, and never pings, links or formats
its way out: every user string is escaped for Slack markup (`&`, `<`, `>`) in mrkdwn (message text,
section and context texts), and left alone in plain_text.

Each user string is put between two markers the renderers keep (control characters that are
neither whitespace nor escaped), so every place it lands can be found and checked: no `<` or `>`
inside it, every `&` the start of `&amp;`, `&lt;` or `&gt;`, and decoding it gives back what was
typed (nothing lost, nothing escaped twice). Formatting characters (`*bold*`, `_x_`, `` `x` ``)
are not escaped: mrkdwn has no escape for them, and they cannot ping or link.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain import action_items as ai
from bot.domain import reminders as rd
from bot.domain.blameless import Review
from bot.domain.blameless.findings import Concern, Finding
from bot.domain.postmortem import Factor, FactorCategory, Postmortem, Section, Status
from bot.domain.postmortem_status import window
from bot.domain.slack_text import mrkdwn_unescape
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, PHASES, Mark, Timeline
from bot.outbound.slack import notices as n
from bot.outbound.slack.render import Message, render
from bot.outbound.slack.render import action_items as ai_render
from bot.outbound.slack.render import postmortem as pm_render
from tests.factories import action_item, entry

OPEN, CLOSE = "\x02", "\x03"  # around every user string; kept by every renderer
SEGMENT = re.compile(f"{OPEN}(.*?){CLOSE}", re.DOTALL)
ESCAPED_ONLY = re.compile(r"(?:[^&<>]|&amp;|&lt;|&gt;)*", re.DOTALL)
BOT_LINK = re.compile(r"<(https?://[^<>|\s]+)>")  # the timeline links URLs itself, on purpose
AT = datetime(2025, 3, 15, 21, 58, tzinfo=UTC)
TODAY = date(2026, 12, 1)
MARKS = DEFAULT_EMOJI_MARKS

MARKUP = [
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S1|@sre>",
    "<@U123>",
    "<@U123|bob>",
    "<#C1>",
    "<#C1|general>",
    "<https://x.example|y>",
    "<https://x.example>",
    "<mailto:a@b.co>",
    "&amp;",
    "&lt;",
    "&gt;",
    "&amp;lt;",
    "&",
    "<",
    ">",
    "*bold*",
    "_it_",
    "~s~",
    "`c`",
    "|",
    "@here",
    "https://x.example/a?b=1&c=2",
    " ",
    "\n",
]
user_text = (
    st.lists(
        st.one_of(
            st.sampled_from(MARKUP),
            st.text(
                st.characters(blacklist_categories=("Cs",), blacklist_characters=OPEN + CLOSE), max_size=6
            ),
        ),
        min_size=1,
        max_size=6,
    )
    .map("".join)
    .filter(lambda text: text.strip() != "")
)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def mrkdwn_texts(value: Any) -> Iterator[str]:
    """Every mrkdwn text object's text in blocks, a view or a modal."""
    if isinstance(value, dict):
        if value.get("type") == "mrkdwn":
            yield value["text"]
        for inner in value.values():
            yield from mrkdwn_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from mrkdwn_texts(inner)


def plain_texts(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            yield value["text"]
        for inner in value.values():
            yield from plain_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from plain_texts(inner)


def shown_as_typed(texts: list[str], typed: str, *, links: bool = False) -> int:
    """Check every place `typed` landed in these mrkdwn texts; how many there were."""
    found = 0
    for text in texts:
        if links:
            text = BOT_LINK.sub(r"\1", text)
        for segment in SEGMENT.findall(text):
            found += 1
            assert ESCAPED_ONLY.fullmatch(segment), f"unescaped markup from the user: {segment!r}"
            assert _one_line(mrkdwn_unescape(segment)) == _one_line(typed), "lost or escaped twice"
    return found


def plain_as_typed(texts: list[str], typed: str) -> int:
    """plain_text shows what was typed, not escaped (Slack does not parse it)."""
    found = 0
    for text in texts:
        for segment in SEGMENT.findall(text):
            found += 1
            assert _one_line(segment) == _one_line(typed), "plain_text must not be escaped"
    return found


def messages_as_typed(messages: list[Message], typed: str, *, links: bool = False) -> int:
    texts = [m.text for m in messages] + [t for m in messages for t in mrkdwn_texts(m.blocks or [])]
    plain_as_typed([t for m in messages for t in plain_texts(m.blocks or [])], typed)
    return shown_as_typed(texts, typed, links=links)


def postmortem(user: str) -> Postmortem:
    return Postmortem(
        channel=user,
        title=user,
        status=Status.DRAFT,
        severity=None,
        lead=user,
        summary=user,
        impact=user,
        root_cause=user,
        went_well=(user,),
        went_poorly=(user,),
        lessons=(user,),
        factors=(Factor(FactorCategory.TECHNICAL, user),),
        created_at=AT,
        resolved_at=None,
        participants=(user, "Ana"),
    )


def timeline(user: str) -> Timeline:
    return Timeline(
        user,
        {mark: None for mark in PHASES},
        (entry(AT, user, Mark.DETECTION, user=user), entry(AT, "plain", user=user)),
    )


def item(user: str, item_id: int = 1, **kwargs: Any) -> ai.Item:
    return action_item(item_id, text=user, due_on=date(2026, 11, 25), **kwargs)


@settings(max_examples=150, deadline=None)
@given(user_text)
def test_the_postmortem_thread_shows_user_text_as_typed(typed: str) -> None:
    user = OPEN + typed + CLOSE
    pm, built = postmortem(user), timeline(user)
    parent = render(n.PostmortemParent(pm, built), MARKS)
    # the title (message text), lead, channel, participants, summary, impact, root cause
    assert messages_as_typed(parent, typed) == 7
    assert parent[0].blocks is not None
    assert parent[0].blocks[0]["text"] == {"type": "plain_text", "text": f"Postmortem: {user}"[:150]}

    started = render(n.PostmortemStarted(user, user, "https://t.slack.com/archives/C1/p1?a=1&b=2"), MARKS)
    assert messages_as_typed(started, typed) == 2
    assert "a=1&amp;b=2" in started[0].text

    escalation = render(n.Escalation(pm, (Section.SUMMARY,), "U1", user), MARKS)
    assert messages_as_typed(escalation, typed) == 2

    lines = pm_render.status_lines(pm, built, [], window(None, AT))
    assert shown_as_typed(lines, typed) == 1

    review = Review((Finding(Concern.JUDGEMENT, user, 0, len(user)),), suggestion=user)
    assert shown_as_typed([pm_render.blameless_suggestion(review)], typed) == 2

    modal = pm_render.edit_section_modal(pm, Section.SUMMARY, "C1")
    assert shown_as_typed(list(mrkdwn_texts(modal)), typed) == 0
    (text_input,) = [b for b in modal["blocks"] if b["type"] == "input"]
    assert text_input["element"]["initial_value"] == user  # plain: as typed, not escaped


@settings(max_examples=150, deadline=None)
@given(user_text)
def test_the_timeline_shows_user_text_as_typed_and_cannot_ping(typed: str) -> None:
    user = OPEN + typed + CLOSE
    posts = render(n.TimelinePosts(timeline(user)), MARKS)
    # the channel in the message text; both entries' author, the first one's text
    assert messages_as_typed(posts, typed, links=True) == 4
    assert posts[0].blocks is not None
    header = posts[0].blocks[0]["text"]["text"]
    assert header == f"Timeline of #{user}" or len(header) >= 149  # plain_text, as typed (or cut)
    entries = [
        b for m in posts for b in m.blocks or [] if b["type"] == "section" and OPEN in b["text"]["text"]
    ]
    assert entries and all(b["text"].get("verbatim") for b in entries), "user text is never parsed"


@settings(max_examples=150, deadline=None)
@given(user_text)
def test_action_items_show_user_text_as_typed(typed: str) -> None:
    user = OPEN + typed + CLOSE
    items = [item(user, 1), item(user, 2, status=ai.ItemStatus.DONE)]
    texts = [
        ai_render.added_text(items[0], "Fri 2026-12-04", ()),
        ai_render.changed_text(items[1]),
        *ai_render.open_items_lines(items, TODAY),
    ]
    assert shown_as_typed(texts, typed) == 3
    listing = ai_render.listing_messages(user, items, TODAY)
    assert shown_as_typed([t for blocks in listing for t in mrkdwn_texts(blocks)], typed) == 3
    for modal in (ai_render.redate_modal(items[0]), ai_render.wontdo_modal(items[0])):
        assert shown_as_typed(list(mrkdwn_texts(modal)), typed) == 1
    home = ai_render.home_items_blocks([(items[0], user)], TODAY)
    assert shown_as_typed(list(mrkdwn_texts(home)), typed) == 2  # the channel name and the text


@settings(max_examples=150, deadline=None)
@given(user_text)
def test_reminders_show_user_text_as_typed(typed: str) -> None:
    user = OPEN + typed + CLOSE
    by_name = action_item(1, channel=user, owner="alice", text=user, due_on=date(2026, 11, 25))
    by_id = action_item(2, channel=user, owner="U1", text=user, due_on=date(2026, 12, 25))
    plan = rd.plan_channel_reminder(user, [by_name, by_id], TODAY)
    assert plan is not None
    weekly = rd.render_channel_reminder(plan, {"alice": user})
    digest = rd.render_owner_digest([by_name], TODAY)
    archived = rd.render_archived_note(user, weekly)
    sent = [m for text in (weekly, digest, archived) for m in render(n.Reminder(text), MARKS)]
    # weekly: two texts and an owner's name; digest: a text and a channel; archived: the channel too
    assert messages_as_typed(sent, typed) == 2 * (3 + 2 + 4)


@pytest.mark.parametrize(
    ("hours", "said"),
    [(48, "48 hours since"), (60, "48 hours since"), (72, "3 days since"), (101, "4 days and 5 hours since")],
)
def test_a_late_escalation_says_how_late(hours: int, said: str) -> None:
    """Not "48 hours" when the bot was down for days before it could say so."""
    from bot.outbound.slack.render.postmortem import escalation_text

    assert said in escalation_text(postmortem("DB outage"), [Section.SUMMARY], "U1", "inc-db", hours)
