"""Slack's message subtypes on a timeline: bookkeeping never, content always (with --all), and an
entry whose message shows nothing says what it was, never a blank."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.slack_subtypes import CONTENT_SUBTYPES, SYSTEM_SUBTYPES
from bot.domain.timeline import CapturedMessage, Mark, UserInfo, build_timeline
from bot.domain.timeline_render import render_markdown, render_text, timeline_json

USERS = {"UANA": UserInfo("Ana")}
TS = str(int(datetime(2025, 3, 15, 22, 0, tzinfo=UTC).timestamp())) + ".000100"

# Every subtype of Slack's list (docs.slack.dev, the `message` event's subtypes), and the ones
# exports and history pages hold besides, with what each is.
SLACK_SUBTYPES = {
    "assistant_app_thread": "system",
    "bot_message": "content",
    "channel_archive": "system",
    "channel_convert_to_private": "system",
    "channel_convert_to_public": "system",
    "channel_join": "system",
    "channel_leave": "system",
    "channel_name": "system",
    "channel_posting_permissions": "system",
    "channel_purpose": "system",
    "channel_topic": "system",
    "channel_unarchive": "system",
    "ekm_access_denied": "system",
    "file_comment": "content",
    "file_mention": "content",
    "file_share": "content",
    "group_archive": "system",
    "group_join": "system",
    "group_leave": "system",
    "group_name": "system",
    "group_purpose": "system",
    "group_topic": "system",
    "group_unarchive": "system",
    "me_message": "content",
    "message_changed": "system",
    "message_deleted": "system",
    "message_replied": "system",
    "pinned_item": "system",
    "reminder_add": "system",
    "reply_broadcast": "content",
    "thread_broadcast": "content",
    "unpinned_item": "system",
    # seen in exports and history pages
    "bot_add": "system",
    "bot_remove": "system",
    "huddle_thread": "content",
    "sh_room_created": "content",
    "slackbot_response": "content",
}


def marked(subtype: str | None, text: str = "<@UANA> did a thing", **kw: object) -> CapturedMessage:
    fields: dict[str, object] = {"reactions": frozenset({"boom"}), **kw}
    return CapturedMessage(ts=TS, text=text, user_id="UANA", subtype=subtype, **fields)  # type: ignore[arg-type]


def test_every_subtype_is_classified_once() -> None:
    assert SYSTEM_SUBTYPES.isdisjoint(CONTENT_SUBTYPES)
    assert set(SLACK_SUBTYPES) == SYSTEM_SUBTYPES | CONTENT_SUBTYPES
    assert {s for s, kind in SLACK_SUBTYPES.items() if kind == "system"} == SYSTEM_SUBTYPES


@pytest.mark.parametrize(("subtype", "kind"), sorted(SLACK_SUBTYPES.items()))
def test_bookkeeping_stays_off_even_with_all_and_content_is_on(subtype: str, kind: str) -> None:
    for include_all in (False, True):
        for message in (
            marked(subtype),
            marked(subtype, pinned=True),
            marked(subtype, reactions=frozenset()),
        ):
            built = build_timeline("inc", [message], USERS, include_all=include_all)
            on = kind == "content" and (include_all or bool(message.reactions) or message.pinned)
            assert [e.ts for e in built.entries] == ([TS] if on else []), (subtype, include_all, message)
            if kind == "system":
                assert built.phases[Mark.IMPACT_START] is None


def test_an_unknown_subtype_counts_as_content() -> None:
    assert [e.text for e in build_timeline("inc", [marked("something_new")], USERS).entries] == [
        "@Ana did a thing"
    ]


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (marked(None, ""), "(no text)"),
        (marked(None, "   \n "), "(no text)"),
        (marked("bot_message", ""), "(no text)"),
        (marked("huddle_thread", ""), "(a huddle)"),
        (marked("sh_room_created", ""), "(a huddle)"),
        (marked("huddle_thread", "A huddle started"), "A huddle started"),
        (marked("file_share", "", files=("",)), "(a file)"),  # a file with no name
        (marked("file_share", "", files=("", "")), "(2 files)"),  # hidden by the plan's limit, deleted
        (marked("file_share", "see this", files=("",)), "see this (attached: a file)"),
        (marked("file_share", "", files=("graph.png", "")), "(attached: graph.png, a file)"),
        (marked("file_share", "", files=("graph.png",)), "(attached: graph.png)"),
    ],
)
def test_an_entry_is_never_blank(message: CapturedMessage, shown: str) -> None:
    built = build_timeline("inc", [message], USERS)
    assert [e.text for e in built.entries] == [shown]
    assert "|  **[" not in render_markdown(built)  # a blank entry: the cell holds only its marks
    assert shown in render_markdown(built)
    assert shown in render_text(built)
    assert timeline_json(built)["entries"][0]["text"] == shown
