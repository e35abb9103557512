"""Entries people can act on (issue 9, part 4): each entry links to its Slack message, JSON carries the
author's Slack id, Markdown uses real links, and a duration under a minute reads "<1m"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.domain.postmortem import Postmortem, Status
from bot.domain.postmortem_document import duration_text, render_document
from bot.domain.slack_text import Link, Readable
from bot.domain.timeline import PHASES, CapturedMessage, Mark, Timeline, UserInfo, build_timeline
from bot.domain.timeline_render import (
    md_cell_linked,
    md_link,
    render_markdown,
    render_text,
    shown_duration,
    timeline_json,
)
from tests.factories import at, entry

BASE = "https://acme.slack.com/"
PM = Postmortem(
    channel="inc",
    title="Checkout",
    status=Status.DRAFT,
    severity=None,
    lead=None,
    summary="",
    impact="",
    root_cause="",
    went_well=(),
    went_poorly=(),
    lessons=(),
    factors=(),
    created_at=datetime(2025, 3, 16, 9, 0, tzinfo=UTC),
    resolved_at=None,
    participants=(),
)
CHANNEL_ID = "C07INC0315P"
USERS = {"U1": UserInfo("Ana"), "U2": UserInfo("Ben")}
PARENT, REPLY, ALERT = "1742076391.000200", "1742076435.000300", "1742076500.000400"
MESSAGES = [
    CapturedMessage(PARENT, "checkout errors, see <https://grafana.example/d/1|the dashboard>", "U1",
                    reactions=frozenset({"rotating_light"})),
    CapturedMessage(REPLY, "on it", "U2", thread_ts=PARENT, reactions=frozenset({"eyes"})),
    CapturedMessage(ALERT, "[FIRING] 5xx", None, author_name="Grafana", subtype="bot_message",
                    bot_id="BGRAF", reactions=frozenset({"boom"})),
]  # fmt: skip

# CommonMark with GitHub's tables: how a postmortem repository shows the document.
MARKDOWN = MarkdownIt("commonmark").enable("table")


def linked_timeline(**kw: object) -> Timeline:
    return build_timeline("inc", MESSAGES, USERS, channel_id=CHANNEL_ID, workspace_url=BASE, **kw)  # type: ignore[arg-type]


# --- entries carry their message's link and their author's id ------------------------------------------


def test_each_entry_links_to_its_message_and_a_reply_into_its_thread() -> None:
    links = {e.ts: e.permalink for e in linked_timeline().entries}
    assert links == {
        PARENT: "https://acme.slack.com/archives/C07INC0315P/p1742076391000200",
        REPLY: "https://acme.slack.com/archives/C07INC0315P/p1742076435000300"
        "?thread_ts=1742076391.000200&cid=C07INC0315P",
        ALERT: "https://acme.slack.com/archives/C07INC0315P/p1742076500000400",
    }


def test_the_workspace_url_is_read_as_given_on_the_command_line() -> None:
    t = build_timeline("inc", MESSAGES, USERS, channel_id=CHANNEL_ID, workspace_url="acme.slack.com")
    assert t.entries[0].permalink == "https://acme.slack.com/archives/C07INC0315P/p1742076391000200"


def test_a_bad_workspace_url_is_refused() -> None:
    with pytest.raises(ValueError, match="is not a Slack workspace URL"):
        build_timeline("inc", MESSAGES, USERS, channel_id=CHANNEL_ID, workspace_url="http://acme")


@pytest.mark.parametrize(
    ("channel_id", "url"),
    [(CHANNEL_ID, None), (None, BASE), ("inc-2025-03-15-payments", BASE), (None, None)],
)
def test_without_the_workspace_url_or_a_channel_id_nothing_links_and_nothing_breaks(
    channel_id: str | None, url: str | None
) -> None:
    t = build_timeline("inc", MESSAGES, USERS, channel_id=channel_id, workspace_url=url)
    assert [e.permalink for e in t.entries] == [None, None, None]
    markdown = render_markdown(t)
    assert "slack.com" not in markdown
    assert (
        "| 2025-03-15 22:06 | checkout errors, see [the dashboard](https://grafana.example/d/1)" in markdown
    )
    assert [e["permalink"] for e in timeline_json(t)["entries"]] == [None, None, None]


def test_the_author_id_is_kept_beside_the_name_and_an_integration_has_none() -> None:
    assert [(e.user, e.user_id) for e in linked_timeline().entries] == [
        ("Ana", "U1"),
        ("Ben", "U2"),
        ("Grafana", None),
    ]


def test_json_entries_carry_user_id_and_permalink() -> None:
    first, reply, alert = timeline_json(linked_timeline())["entries"]
    assert (first["user"], first["user_id"]) == ("Ana", "U1")
    assert first["permalink"] == "https://acme.slack.com/archives/C07INC0315P/p1742076391000200"
    assert reply["permalink"].endswith("?thread_ts=1742076391.000200&cid=C07INC0315P")
    assert (alert["user"], alert["user_id"], alert["from_app"]) == ("Grafana", None, True)
    assert first["text"] == "checkout errors, see the dashboard (https://grafana.example/d/1)"  # plain


# --- the text in pieces ---------------------------------------------------------------------------------


def test_pieces_keep_links_apart_and_join_to_the_readable_text() -> None:
    readable = Readable({"U1": UserInfo("Ana")})
    text = "<@U1> see <https://x.example/a?b=1&amp;c=2|the &lt;docs&gt;> or <mailto:sre@x.example> &amp; <https://y.example>"
    assert readable.pieces(text) == (
        "@Ana see ",
        Link("https://x.example/a?b=1&c=2", "the <docs>"),
        " or ",
        Link("mailto:sre@x.example", "sre@x.example"),
        " & ",
        Link("https://y.example", "https://y.example"),
    )
    joined = "".join(p if isinstance(p, str) else p.plain for p in readable.pieces(text))
    assert (
        joined
        == readable(text)
        == "@Ana see the <docs> (https://x.example/a?b=1&c=2) or sre@x.example & https://y.example"
    )


def test_an_entry_without_links_keeps_no_pieces() -> None:
    assert [bool(e.pieces) for e in linked_timeline().entries] == [True, False, False]


def test_pieces_of_an_entry_are_stripped_like_its_text_and_carry_its_files() -> None:
    message = CapturedMessage(
        PARENT, "  <https://x.example|runbook>  ", "U1", reactions=frozenset({"boom"}), files=("graph.png",)
    )
    (e,) = build_timeline("inc", [message], USERS).entries
    assert e.text == "runbook (https://x.example) (attached: graph.png)"
    assert e.pieces == (Link("https://x.example", "runbook"), " (attached: graph.png)")


# --- Markdown: real links --------------------------------------------------------------------------------


def _rows(markdown: str) -> list[list[Token]]:
    """Each table row's cells, as inline token lists (the table must parse as one)."""
    tokens = MARKDOWN.parse(markdown)
    rows: list[list[Token]] = []
    for token in tokens:
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            rows[-1].append(token)
    return rows


def _links(cell: Token) -> list[tuple[str, str]]:
    """(text, href) of each link in a parsed cell."""
    out: list[tuple[str, str]] = []
    href: str | None = None
    text: list[str] = []
    for child in cell.children or []:
        if child.type == "link_open":
            href, text = str(child.attrs["href"]), []
        elif child.type == "link_close" and href is not None:
            out.append(("".join(text), href))
            href = None
        elif href is not None and child.type in ("text", "code_inline"):
            text.append(child.content)
    return out


def test_markdown_times_link_to_their_messages_and_message_links_are_real_links() -> None:
    md = render_markdown(linked_timeline())
    assert "| 2025-03-15 22:06 | [FIRING] 5xx **[impact start]** | Grafana (app) |" not in md
    lines = md.splitlines()
    assert (
        "| [2025-03-15 22:06](https://acme.slack.com/archives/C07INC0315P/p1742076391000200) "
        "| checkout errors, see [the dashboard](https://grafana.example/d/1) **[detection]** | Ana |"
    ) in lines
    assert (
        "| [22:07](https://acme.slack.com/archives/C07INC0315P/p1742076435000300"
        "?thread_ts=1742076391.000200&cid=C07INC0315P) | on it **[acknowledgment]** | Ben |"
    ) in lines
    # the phases table links each phase's time to the message that set it
    assert (
        "| Detection | [2025-03-15 22:06](https://acme.slack.com/archives/C07INC0315P/p1742076391000200) |"
        in lines
    )


def test_markdown_links_parse_as_links_in_their_table_cells() -> None:
    rows = _rows(render_markdown(linked_timeline()))
    timeline_rows = [r for r in rows if len(r) == 3][1:]  # after the header row
    assert [len(r) for r in timeline_rows] == [3, 3, 3]
    first = timeline_rows[0]
    assert _links(first[0]) == [
        ("2025-03-15 22:06", "https://acme.slack.com/archives/C07INC0315P/p1742076391000200")
    ]
    assert _links(first[1]) == [("the dashboard", "https://grafana.example/d/1")]


@pytest.mark.parametrize(
    ("label", "url"),
    [
        ("a | b", "https://x.example/a"),
        ("a ] b", "https://x.example/a"),
        ("a ) b", "https://x.example/a"),
        ("[docs]", "https://x.example/a"),
        ("a `b` c", "https://x.example/a"),
        ("back\\slash\\", "https://x.example/a"),
        ("<b>bold</b>", "https://x.example/a"),
        ("*not* _emphasis_", "https://x.example/a"),
        ("wiki", "https://en.wikipedia.org/wiki/Foo_(bar)"),
        ("odd", "https://x.example/a)b(c"),
        ("pipe", "https://x.example/a|b"),
        ("slash", "https://x.example/a\\b"),
        ("two\nlines", "https://x.example/a"),
    ],
)
def test_a_label_or_url_with_markdown_in_it_stays_one_link_in_one_cell(label: str, url: str) -> None:
    row = f"| t | x {md_link(label, url)} y | z |"
    (cells,) = [r for r in _rows(f"| a | b | c |\n|---|---|---|\n{row}\n") if len(r) == 3][1:]
    assert len(cells) == 3
    shown = " ".join(label.split())
    text = re.sub(r"\*|_", "", shown) if "*" in shown else shown  # the label's emphasis is kept
    assert _links(cells[1]) == [(text, MARKDOWN.normalizeLink(url))]


def test_a_slack_link_in_an_entry_survives_markdown_with_a_nasty_label() -> None:
    message = CapturedMessage(
        PARENT,
        "see <https://x.example/q?a=1&amp;b=(2)|runbook | step ] 2)> then <https://y.example>!<https://z.example|img>",
        "U1",
        reactions=frozenset({"boom"}),
    )
    t = build_timeline("inc", [message], USERS, channel_id=CHANNEL_ID, workspace_url=BASE)
    (row,) = [r for r in _rows(render_markdown(t)) if len(r) == 3][1:]
    assert _links(row[1]) == [
        ("runbook | step ] 2)", "https://x.example/q?a=1&b=(2)"),
        ("https://y.example", "https://y.example"),
        ("img", "https://z.example"),  # a link, not an image, though "!" comes right before it
    ]
    assert t.entries[0].text == (
        "see runbook | step ] 2) (https://x.example/q?a=1&b=(2)) then https://y.example!img (https://z.example)"
    )


def test_a_bare_link_is_an_autolink_and_a_mail_address_links_to_mailto() -> None:
    pieces = Readable({}).pieces("<https://x.example/a> or <mailto:sre@x.example>")
    assert md_cell_linked(pieces) == "<https://x.example/a> or [sre@x.example](mailto:sre@x.example)"


def test_links_to_other_schemes_stay_plain_text() -> None:
    pieces = Readable({}).pieces("<javascript:alert(1)|click> <slack://channel?id=C1|open>")
    assert md_cell_linked(pieces) == "click (javascript:alert(1)) open (slack://channel?id=C1)"


def test_links_across_lines_keep_the_cell_on_one_line() -> None:
    pieces = Readable({}).pieces("a\n<https://x.example|l>\nb | c")
    assert md_cell_linked(pieces) == "a<br>[l](https://x.example)<br>b \\| c"


def test_plain_text_and_json_text_keep_the_readable_form() -> None:
    t = linked_timeline()
    assert "checkout errors, see the dashboard (https://grafana.example/d/1)" in render_text(t)
    assert "](" not in render_text(t) and "acme.slack.com" not in render_text(t)


_LABELS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda s: s.strip() != ""
)
_PATHS = st.text(st.sampled_from("abc/()|\\[]`*_!?=&%#.-~"), max_size=12)


# Text around a link, less the writer's own Markdown wrapped round it (a code span or brackets):
# table cells keep the writer's Markdown, as they always have.
_AROUND = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="`[]"), max_size=8)


@settings(max_examples=300, deadline=None)
@given(label=_LABELS, path=_PATHS, before=_AROUND, after=_AROUND)
def test_any_label_and_url_make_one_link_in_a_three_cell_row(
    label: str, path: str, before: str, after: str
) -> None:
    url = f"https://x.example/{path}"
    pieces = tuple(p for p in (before, Link(url, label), after) if p != "")
    row = f"| t | {md_cell_linked(pieces)} | z |"
    parsed = [r for r in _rows(f"| a | b | c |\n|---|---|---|\n{row}\n") if len(r) == 3]
    assert len(parsed) == 2, row  # the header and this row, three cells each
    assert [href for _, href in _links(parsed[1][1])] == [MARKDOWN.normalizeLink(url)], row


# --- "<1m" ------------------------------------------------------------------------------------------------


def _timeline(detection: datetime, acknowledged: datetime) -> Timeline:
    phases = {**dict.fromkeys(PHASES), Mark.DETECTION: detection, Mark.ACKNOWLEDGMENT: acknowledged}
    return Timeline(
        "inc",
        phases,
        (entry(detection, "5xx", Mark.DETECTION), entry(acknowledged, "on it", Mark.ACKNOWLEDGMENT)),
    )


def test_a_43_second_duration_reads_under_a_minute_in_every_view() -> None:
    t = _timeline(at(22, 6, 31), at(22, 7, 14))
    assert shown_duration(t, "time_to_acknowledge") == "<1m"
    assert re.search(r"^  Time to acknowledge\s+<1m$", render_text(t), re.M)
    assert "- Time to acknowledge: <1m" in render_markdown(t).splitlines()
    assert timeline_json(t)["durations_s"]["time_to_acknowledge"] == 43  # JSON keeps the seconds


def test_exactly_zero_stays_0m() -> None:
    t = _timeline(at(22, 6, 31), at(22, 6, 31))
    assert shown_duration(t, "time_to_acknowledge") == "0m"


def test_the_document_duration_of_a_43_second_incident() -> None:
    start = datetime(2025, 3, 15, 21, 58, 0, tzinfo=UTC)
    phases = {
        **dict.fromkeys(PHASES),
        Mark.IMPACT_START: start,
        Mark.RESOLUTION: start + timedelta(seconds=43),
    }
    t = Timeline("inc", phases, ())
    assert duration_text(t) == "<1m (21:58 \u2013 21:58 UTC)"
    document = render_document(PM, t, ())
    assert "## Duration\n\n<1m (21:58 \u2013 21:58 UTC)" in document
    assert "- Duration: <1m" in document


def test_the_document_links_each_entry_to_its_message() -> None:
    document = render_document(PM, linked_timeline(), ())
    assert "[2025-03-15 22:06](https://acme.slack.com/archives/C07INC0315P/p1742076391000200)" in document
    assert "see [the dashboard](https://grafana.example/d/1)" in document
