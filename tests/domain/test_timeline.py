"""bot.domain.timeline: marks, placement, ordering, phases, durations, readable text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain import timeline as timeline_module
from bot.domain.timeline import (
    DEFAULT_EMOJI_MARKS,
    PHASES,
    SYSTEM_SUBTYPES,
    CapturedMessage,
    Durations,
    Mark,
    Timeline,
    UserInfo,
    build_timeline,
    declared_severity,
    parse_emoji_marks,
    readable_text,
    ts_to_datetime,
)
from tests.factories import at

D = datetime(2025, 3, 15, tzinfo=UTC)
USERS = {
    "UANA": UserInfo("Ana", "America/New_York"),
    "UBEN": UserInfo("Ben", "Europe/Berlin"),
    "UPRI": UserInfo("Priya", "Asia/Kolkata"),
    "UNOTZ": UserInfo("Noor"),
    "UBAD": UserInfo("Bad Zone", "Mars/Olympus_Mons"),
}


def ts_at(hh: int, mm: int, ss: int = 0, micro: int = 0, day: int = 15) -> str:
    t = datetime(2025, 3, day, hh, mm, ss, micro, tzinfo=UTC)
    return f"{int(t.timestamp())}.{micro:06d}"


def msg(
    hhmm: str, text: str = "", *reactions: str, user: str | None = "UANA", **kw: object
) -> CapturedMessage:
    hh, mm = map(int, hhmm.split(":"))
    return CapturedMessage(
        ts=ts_at(hh, mm), text=text or f"said at {hhmm}", user_id=user, reactions=frozenset(reactions), **kw
    )


@dataclass
class FakeStatedTime:
    """Stands in for clock_times.stated_time: records each call and answers from a table."""

    answers: dict[str, datetime | None] = field(default_factory=dict)
    calls: list[tuple[str, datetime, tzinfo]] = field(default_factory=list)
    raises: Exception | None = None

    def __call__(self, text: str, posted_at: datetime, tz: tzinfo) -> datetime | None:
        self.calls.append((text, posted_at, tz))
        if self.raises is not None:
            raise self.raises
        return self.answers.get(text)


@pytest.fixture
def fake_stated(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeStatedTime]:
    fake = FakeStatedTime()
    monkeypatch.setattr(timeline_module, "stated_time", fake)
    yield fake


# --- ts and emoji-mark parsing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ts", "expected"),
    [
        ("1718000000.123456", datetime(2024, 6, 10, 6, 13, 20, 123456, tzinfo=UTC)),
        ("1718000000.000001", datetime(2024, 6, 10, 6, 13, 20, 1, tzinfo=UTC)),
        ("1718000000", datetime(2024, 6, 10, 6, 13, 20, tzinfo=UTC)),
        ("1718000000.1", datetime(2024, 6, 10, 6, 13, 20, 100000, tzinfo=UTC)),
        ("0.000000", datetime(1970, 1, 1, tzinfo=UTC)),
        ("1742076391.209114", datetime(2025, 3, 15, 22, 6, 31, 209114, tzinfo=UTC)),
    ],
)
def test_ts_to_datetime_is_exact_aware_utc(ts: str, expected: datetime) -> None:
    got = ts_to_datetime(ts)
    assert got == expected
    assert got.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "ts",
    [
        "",
        "abc",
        "1.2.3",
        "-1.0",
        " 1718000000.1",
        "1718000000.1234567",
        "\uff11\uff12\uff13.4",  # full-width digits
        "1e9",
        "99999999999999.0",
    ],
)
def test_ts_to_datetime_rejects_garbage(ts: str) -> None:
    with pytest.raises(ValueError, match="Slack ts"):
        ts_to_datetime(ts)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("boom=impact_start", {"boom": Mark.IMPACT_START}),
        (
            "boom=impact_start,fire=impact_start,eyes=acknowledgment",
            {"boom": Mark.IMPACT_START, "fire": Mark.IMPACT_START, "eyes": Mark.ACKNOWLEDGMENT},
        ),
        (" :Fire: = Detection , pushpin=key_event, ", {"fire": Mark.DETECTION, "pushpin": Mark.KEY_EVENT}),
        ("eyes=acknowledgment,eyes=acknowledgment", {"eyes": Mark.ACKNOWLEDGMENT}),
        ("+1=resolution,party-parrot=mitigation", {"+1": Mark.RESOLUTION, "party-parrot": Mark.MITIGATION}),
    ],
)
def test_parse_emoji_marks(spec: str, expected: dict[str, Mark]) -> None:
    assert parse_emoji_marks(spec) == expected


@pytest.mark.parametrize(
    ("spec", "names"),
    [
        ("boom", "'boom'"),
        ("boom=nope", "'nope'"),
        ("=detection", "'=detection'"),
        ("boom=", "'boom='"),
        ("two words=detection", "'two words=detection'"),
        ("boom=detection,boom=resolution", ":boom:"),
        ("", "maps no emoji"),
        (" , ,", "maps no emoji"),
    ],
)
def test_parse_emoji_marks_errors_name_the_part_and_valid_marks(spec: str, names: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_emoji_marks(spec)
    message = str(info.value)
    assert names in message
    if "again" not in message:
        assert all(m.value in message for m in Mark)


def test_default_map_and_phases() -> None:
    assert set(DEFAULT_EMOJI_MARKS.values()) == set(Mark)
    assert PHASES == (
        Mark.IMPACT_START,
        Mark.DETECTION,
        Mark.ACKNOWLEDGMENT,
        Mark.MITIGATION,
        Mark.RESOLUTION,
    )
    assert parse_emoji_marks(",".join(f"{e}={m}" for e, m in DEFAULT_EMOJI_MARKS.items())) == dict(
        DEFAULT_EMOJI_MARKS
    )


# --- ordering, phases, durations ---------------------------------------------------------------------


def test_entries_are_ordered_by_event_time_whatever_the_input_order(fake_stated: FakeStatedTime) -> None:
    messages = [msg("22:30", "c", "eyes"), msg("22:00", "a", "boom"), msg("22:10", "b", "rotating_light")]
    t = build_timeline("inc", messages, USERS)
    assert [e.text for e in t.entries] == ["a", "b", "c"]
    assert [e.at for e in t.entries] == [at(22, 0), at(22, 10), at(22, 30)]


def test_ties_in_event_time_are_broken_by_ts(fake_stated: FakeStatedTime) -> None:
    fake_stated.answers = {"x at 21:00": at(21, 0), "y at 21:00": at(21, 0)}
    later = msg("22:30", "x at 21:00", "pushpin")
    earlier = msg("22:20", "y at 21:00", "pushpin")
    t = build_timeline("inc", [later, earlier], USERS)
    assert [e.text for e in t.entries] == ["y at 21:00", "x at 21:00"]


@pytest.mark.parametrize(
    ("messages", "expected"),
    [
        pytest.param(
            [
                msg("22:00", "", "boom"),
                msg("22:05", "", "rotating_light"),
                msg("22:06", "", "eyes"),
                msg("22:30", "", "adhesive_bandage"),
                msg("23:10", "", "white_check_mark"),
            ],
            {
                Mark.IMPACT_START: at(22, 0),
                Mark.DETECTION: at(22, 5),
                Mark.ACKNOWLEDGMENT: at(22, 6),
                Mark.MITIGATION: at(22, 30),
                Mark.RESOLUTION: at(23, 10),
            },
            id="all five",
        ),
        pytest.param(
            [
                msg("22:20", "", "rotating_light"),
                msg("22:05", "", "rotating_light"),
                msg("22:10", "", "rotating_light"),
            ],
            {Mark.DETECTION: at(22, 5)},
            id="earliest of several",
        ),
        pytest.param(
            [msg("22:05", "", "rotating_light", "eyes", "+1")],
            {Mark.DETECTION: at(22, 5), Mark.ACKNOWLEDGMENT: at(22, 5)},
            id="one message two marks",
        ),
        pytest.param(
            [msg("22:05", "", "pushpin"), msg("22:06", "", pinned=True)], {}, id="key events are no phase"
        ),
        pytest.param([msg("22:05", "", "tada", "+1")], {}, id="other emoji mean nothing"),
        pytest.param(
            [msg("22:05", "", "eyes::skin-tone-2"), msg("22:06", "", "rotating_light::skin-tone-6")],
            {Mark.ACKNOWLEDGMENT: at(22, 5), Mark.DETECTION: at(22, 6)},
            id="skin tones",
        ),
        pytest.param(
            [msg("22:05", "", "eyes", deleted=True), msg("22:09", "", "eyes")],
            {Mark.ACKNOWLEDGMENT: at(22, 9)},
            id="deleted marks do not count",
        ),
        pytest.param(
            [msg("22:05", "", "eyes", subtype="channel_join"), msg("22:09", "", "eyes")],
            {Mark.ACKNOWLEDGMENT: at(22, 9)},
            id="system messages do not count",
        ),
        pytest.param(
            [msg("22:05", "", "rotating_light", user=None, subtype="bot_message", author_name="Grafana")],
            {Mark.DETECTION: at(22, 5)},
            id="bot alert",
        ),
        pytest.param(
            [msg("22:05", "", "eyes", thread_ts=ts_at(22, 0))],
            {Mark.ACKNOWLEDGMENT: at(22, 5)},
            id="thread reply",
        ),
    ],
)
def test_phase_is_the_earliest_entry_carrying_its_mark(
    fake_stated: FakeStatedTime, messages: list[CapturedMessage], expected: dict[Mark, datetime]
) -> None:
    for include_all in (False, True):
        t = build_timeline("inc", messages, USERS, include_all=include_all)
        assert list(t.phases) == list(PHASES)
        assert {m: at for m, at in t.phases.items() if at is not None} == expected


def test_phases_follow_stated_times(fake_stated: FakeStatedTime) -> None:
    fake_stated.answers = {"impact began at 21:40": at(21, 40)}
    t = build_timeline(
        "inc", [msg("22:00", "", "boom"), msg("22:15", "impact began at 21:40", "boom")], USERS
    )
    assert t.phases[Mark.IMPACT_START] == at(21, 40)


def test_configured_map_replaces_the_default(fake_stated: FakeStatedTime) -> None:
    marks = parse_emoji_marks("fire=impact_start,boom=impact_start,rotating_light=detection")
    messages = [msg("22:00", "", "fire"), msg("22:01", "", "eyes"), msg("22:02", "", ":Rotating_Light:")]
    t = build_timeline("inc", messages, USERS, emoji_marks=marks)
    assert t.phases[Mark.IMPACT_START] == at(22, 0)
    assert t.phases[Mark.ACKNOWLEDGMENT] is None
    assert t.phases[Mark.DETECTION] == at(22, 2)
    assert len(t.entries) == 2


def phases(**at: datetime | None) -> dict[Mark, datetime | None]:
    return {m: at.get(m.value) for m in PHASES}


M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("ph", "expected"),
    [
        pytest.param(
            phases(
                impact_start=at(22, 0),
                detection=at(22, 8),
                acknowledgment=at(22, 9),
                mitigation=at(22, 40),
                resolution=at(23, 12),
            ),
            Durations(8 * M, 1 * M, 32 * M, 64 * M, 72 * M),
            id="complete",
        ),
        pytest.param(
            phases(
                detection=at(22, 8),
                acknowledgment=at(22, 9),
                mitigation=at(22, 40),
                resolution=at(23, 12),
            ),
            Durations(None, 1 * M, 32 * M, 64 * M, 64 * M),
            id="impact start missing: duration falls back to detection",
        ),
        pytest.param(
            phases(impact_start=at(22, 0), resolution=at(23, 12)),
            Durations(None, None, None, None, 72 * M),
            id="detection missing",
        ),
        pytest.param(
            phases(impact_start=at(22, 0), detection=at(22, 8)),
            Durations(8 * M, None, None, None, None),
            id="not resolved",
        ),
        pytest.param(phases(), Durations(None, None, None, None, None), id="nothing marked"),
        pytest.param(
            phases(impact_start=at(22, 10), detection=at(22, 8), resolution=at(22, 58, day=16)),
            # Was -2 minutes to detect: a duration is never negative, detection before impact start is
            # unknown (the views say "detection is before impact start — check the marks").
            Durations(None, None, None, timedelta(days=1, minutes=50), timedelta(days=1, minutes=48)),
            id="out of order and multi-day",
        ),
        pytest.param(
            phases(
                impact_start=at(22, 0),
                detection=at(22, 19),
                acknowledgment=at(22, 18),
                mitigation=at(22, 5),
                resolution=at(21, 50),
            ),
            Durations(19 * M, None, None, None, None),
            id="every end before its start is unknown",
        ),
        pytest.param(
            phases(detection=at(22, 19), acknowledgment=at(22, 19)),
            Durations(None, 0 * M, None, None, None),
            id="equal times are a zero duration",
        ),
    ],
)
def test_durations(ph: dict[Mark, datetime | None], expected: Durations) -> None:
    assert Timeline(channel="inc", phases=ph, entries=()).durations == expected


def test_durations_from_messages(fake_stated: FakeStatedTime) -> None:
    t = build_timeline(
        "inc",
        [msg("22:00", "", "rotating_light"), msg("22:03", "", "eyes"), msg("22:45", "", "white_check_mark")],
        USERS,
    )
    assert t.durations == Durations(None, 3 * M, None, 45 * M, 45 * M)


# --- which messages are on the timeline ----------------------------------------------------------------

ALL_KINDS = [
    msg("22:00", "marked", "boom"),
    msg("22:01", "pinned", pinned=True),
    msg("22:02", "pushpinned", "pushpin"),
    msg("22:03", "plain"),
    msg("22:04", "reply", thread_ts=ts_at(22, 3)),
    msg("22:05", "other emoji", "tada"),
    msg("22:06", "deleted marked", "boom", deleted=True),
    msg("22:07", "deleted plain", deleted=True),
    msg("22:08", "This message was deleted.", "eyes", subtype="tombstone"),
    msg("22:09", "bot marked", "rotating_light", user=None, subtype="bot_message", author_name="Grafana"),
    msg("22:10", "bot plain", user=None, subtype="bot_message", author_name="Grafana"),
    msg("22:11", "app marked", "eyes", user="UAPP", bot_id="B1"),
    msg("22:12", "app plain", user="UAPP", bot_id="B1"),
    msg("22:13", "shared", subtype="thread_broadcast", thread_ts=ts_at(22, 3)),
    msg("22:14", "", files=("graph.png",)),
    msg("22:15", "joined", "boom", subtype="channel_join"),
]


@pytest.mark.parametrize(
    ("include_all", "expected"),
    [
        (False, ["marked", "pinned", "pushpinned", "bot marked", "app marked"]),
        (
            True,
            [
                "marked",
                "pinned",
                "pushpinned",
                "plain",
                "reply",
                "other emoji",
                "bot marked",
                "bot plain",  # every captured message: an unmarked alert too, shown as an app's
                "app marked",
                "app plain",
                "shared",
                "said at 22:14 (attached: graph.png)",
            ],
        ),
    ],
)
def test_curated_and_all(fake_stated: FakeStatedTime, include_all: bool, expected: list[str]) -> None:
    t = build_timeline("inc", ALL_KINDS, USERS, include_all=include_all)
    assert [e.text for e in t.entries] == expected
    assert [e.text for e in t.entries if e.from_app] == [
        text for text in expected if text.startswith(("bot ", "app "))
    ]


@pytest.mark.parametrize("subtype", sorted(SYSTEM_SUBTYPES))
def test_system_messages_are_never_on_it(fake_stated: FakeStatedTime, subtype: str) -> None:
    m = msg("22:00", "<@UANA> did a thing", "boom", "pushpin", subtype=subtype, pinned=True)
    for include_all in (False, True):
        t = build_timeline("inc", [m], USERS, include_all=include_all)
        assert t.entries == ()
        assert t.phases[Mark.IMPACT_START] is None


def test_system_subtypes_are_the_documented_list() -> None:
    assert {
        "channel_join",
        "channel_leave",
        "channel_topic",
        "channel_purpose",
        "channel_name",
        "channel_archive",
        "channel_unarchive",
        "channel_convert_to_private",
        "channel_convert_to_public",
        "channel_posting_permissions",
        "pinned_item",
        "unpinned_item",
        "group_join",
        "group_leave",
        "group_topic",
        "group_purpose",
        "group_name",
        "group_archive",
        "group_unarchive",
        "bot_add",
        "bot_remove",
        "reminder_add",
        "message_changed",
        "message_deleted",
        "message_replied",
        "assistant_app_thread",
        "ekm_access_denied",
    } == SYSTEM_SUBTYPES


def test_last_capture_of_a_ts_wins(fake_stated: FakeStatedTime) -> None:
    first = msg("22:00", "first", "boom")
    edited = replace(first, text="edited", reactions=frozenset({"boom", "eyes"}))
    t = build_timeline("inc", [first, edited], USERS)
    assert [(e.text, e.marks) for e in t.entries] == [("edited", (Mark.IMPACT_START, Mark.ACKNOWLEDGMENT))]
    assert build_timeline("inc", [first, replace(first, deleted=True)], USERS).entries == ()


def test_entry_fields(fake_stated: FakeStatedTime) -> None:
    m = CapturedMessage(
        ts="1742076391.209114",
        text="Paging <!subteam^S1|@sre> &amp; <@UBEN>",
        user_id="UANA",
        thread_ts="1742076000.000100",
        reactions=frozenset({"pushpin", "white_check_mark", "eyes"}),
        pinned=True,
    )
    (e,) = build_timeline("#inc-1", [m], USERS).entries
    assert e.at == e.posted_at == datetime(2025, 3, 15, 22, 6, 31, 209114, tzinfo=UTC)
    assert (e.ts, e.thread_ts, e.user, e.stated) == ("1742076391.209114", "1742076000.000100", "Ana", False)
    assert e.text == "Paging @sre & @Ben"
    assert e.marks == (Mark.ACKNOWLEDGMENT, Mark.RESOLUTION, Mark.KEY_EVENT)


def test_channel_name_loses_its_hash() -> None:
    assert build_timeline("#inc-2025", [], {}).channel == "inc-2025"
    assert build_timeline("inc-2025", [], {}).channel == "inc-2025"


@pytest.mark.parametrize(
    ("message", "author"),
    [
        (CapturedMessage(ts="1.0", text="x", user_id="UANA", author_name="Alias"), "Ana"),
        (CapturedMessage(ts="1.0", text="x", user_id="UGONE", author_name="Gone Person"), "Gone Person"),
        (CapturedMessage(ts="1.0", text="x", user_id="UGONE"), "UGONE"),
        (
            CapturedMessage(ts="1.0", text="x", subtype="bot_message", bot_id="B1", author_name="Grafana"),
            "Grafana",
        ),
        (CapturedMessage(ts="1.0", text="x"), "unknown"),
        (CapturedMessage(ts="1.0", text="x", user_id="UEMPTY", author_name="Real"), "Real"),
    ],
)
def test_author_display(message: CapturedMessage, author: str) -> None:
    users = {**USERS, "UEMPTY": UserInfo("")}
    (e,) = build_timeline("inc", [replace(message, pinned=True)], users).entries
    assert e.user == author


def test_malformed_ts_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="not-a-ts"):
        build_timeline("inc", [CapturedMessage(ts="not-a-ts", text="x", pinned=True)], {})


# --- stated times ----------------------------------------------------------------------------------------


def test_stated_time_places_marked_entries(fake_stated: FakeStatedTime) -> None:
    fake_stated.answers = {"mitigated at 20:58 UTC": at(20, 58)}
    m = msg("21:05", "mitigated at 20:58 UTC", "adhesive_bandage")
    (e,) = build_timeline("inc", [m], USERS).entries
    assert (e.at, e.posted_at, e.stated) == (at(20, 58), at(21, 5), True)
    assert fake_stated.calls == [("mitigated at 20:58 UTC", at(21, 5), ZoneInfo("America/New_York"))]


def test_only_marked_and_key_messages_are_placed(fake_stated: FakeStatedTime) -> None:
    fake_stated.answers = {"at 20:58 UTC": at(20, 58)}
    plain = msg("21:05", "at 20:58 UTC")
    pinned = msg("21:06", "at 20:58 UTC", pinned=True)
    t = build_timeline("inc", [plain, pinned], USERS, include_all=True)
    assert [(e.at, e.stated) for e in t.entries] == [(at(20, 58), True), (at(21, 5), False)]
    assert len(fake_stated.calls) == 1


@pytest.mark.parametrize(
    ("user", "default_tz", "expected_tz"),
    [
        ("UBEN", UTC, ZoneInfo("Europe/Berlin")),
        ("UPRI", ZoneInfo("America/Chicago"), ZoneInfo("Asia/Kolkata")),
        ("UNOTZ", ZoneInfo("America/Chicago"), ZoneInfo("America/Chicago")),
        ("UBAD", ZoneInfo("Europe/Lisbon"), ZoneInfo("Europe/Lisbon")),
        ("UNKNOWN", timezone(timedelta(hours=3)), timezone(timedelta(hours=3))),
        (None, UTC, UTC),
    ],
)
def test_times_without_a_zone_are_read_in_the_authors_zone_else_the_default(
    fake_stated: FakeStatedTime, user: str | None, default_tz: tzinfo, expected_tz: tzinfo
) -> None:
    build_timeline("inc", [msg("21:05", "at 9", "eyes", user=user)], USERS, default_tz=default_tz)
    assert [tz for _, _, tz in fake_stated.calls] == [expected_tz]


@pytest.mark.parametrize("raised", [ValueError("bad"), OverflowError("far")])
def test_an_unreadable_time_leaves_the_posting_time(fake_stated: FakeStatedTime, raised: Exception) -> None:
    fake_stated.raises = raised
    (e,) = build_timeline("inc", [msg("21:05", "at 99:99", "eyes")], USERS).entries
    assert (e.at, e.stated) == (at(21, 5), False)


def test_stated_times_come_back_in_utc(fake_stated: FakeStatedTime) -> None:
    fake_stated.answers = {"at 3 PM": datetime(2025, 3, 15, 15, 0, tzinfo=ZoneInfo("America/New_York"))}
    (e,) = build_timeline("inc", [msg("21:05", "at 3 PM", "eyes")], USERS).entries
    assert e.at == at(19, 0)
    assert e.at.tzinfo is UTC


def test_the_parser_gets_the_text_as_posted(fake_stated: FakeStatedTime) -> None:
    text = "rolled back at 20:58 UTC, see <https://grafana/d?from=1742072400&amp;to=20:58|graph> cc <@UBEN>"
    build_timeline("inc", [msg("21:05", text, "adhesive_bandage")], USERS)
    assert fake_stated.calls[0][0] == text


# These use the real clock_times.stated_time.
@pytest.mark.parametrize(
    ("text", "user", "posted", "default_tz", "expected"),
    [
        pytest.param("mitigated at 20:58 UTC", "UBEN", at(21, 5), UTC, at(20, 58), id="explicit UTC"),
        pytest.param("rolled back at 21:58", "UBEN", at(23, 30), UTC, at(20, 58), id="author in Berlin"),
        pytest.param(
            "rolled back at 21:58", "UNOTZ", at(23, 30), UTC, at(21, 58), id="no author tz: default"
        ),
        pytest.param(
            "rolled back at 21:58",
            "UNOTZ",
            at(23, 30),
            ZoneInfo("Europe/Berlin"),
            at(20, 58),
            id="default Berlin",
        ),
        pytest.param("backfill done at 05:38", "UPRI", at(0, 9, day=16), UTC, at(0, 8, day=16), id="Kolkata"),
    ],
)
def test_real_stated_times(
    text: str, user: str, posted: datetime, default_tz: tzinfo, expected: datetime
) -> None:
    m = CapturedMessage(
        ts=f"{int(posted.timestamp())}.000100",
        text=text,
        user_id=user,
        reactions=frozenset({"adhesive_bandage"}),
    )
    (e,) = build_timeline("inc", [m], USERS, default_tz=default_tz).entries
    assert (e.at, e.stated) == (expected, True)
    assert e.posted_at == posted + timedelta(microseconds=100)


@pytest.mark.parametrize(
    "text",
    [
        "rolled back, errors are dropping",
        "see <https://grafana.example/d/x?from=20:15&amp;to=20:58|the 5xx graph>",
        "ping <@U2058> and <#C1200|ops-12:00>",
    ],
)
def test_real_no_stated_time_means_posting_time(text: str) -> None:
    (e,) = build_timeline("inc", [msg("21:05", text, "adhesive_bandage")], USERS).entries
    assert (e.at, e.stated) == (at(21, 5), False)


# --- readable text ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@UANA> look", "@Ana look"),
        ("<@UANA|ana.w> look", "@Ana look"),
        ("<@UGONE|gone.person>", "@gone.person"),
        ("<@UGONE>", "@UGONE"),
        ("see <#C123|inc-db>", "see #inc-db"),
        ("see <#C123>", "see #payments"),
        ("see <#C123|>", "see #payments"),
        ("see <#C999>", "see #C999"),
        ("<https://x.example/a?b=1&amp;c=2|the dash>", "the dash (https://x.example/a?b=1&c=2)"),
        ("<https://x.example>", "https://x.example"),
        ("<https://x.example|https://x.example>", "https://x.example"),
        ("<mailto:a@b.co|a@b.co>", "a@b.co"),
        ("<!here> <!channel> <!everyone>", "@here @channel @everyone"),
        ("<!here|here>", "@here"),
        ("<!subteam^S1|@sre> and <!subteam^S2|dba>", "@sre and @dba"),
        ("<!date^1742076391^{time}|22:06 UTC>", "22:06 UTC"),
        ("5 &lt; 6 &amp;&amp; 7 &gt; 2", "5 < 6 && 7 > 2"),
        ("&amp;lt; stays literal", "&lt; stays literal"),
        ("<@UANA|a &amp; b>", "@Ana"),
        ("no markup at all", "no markup at all"),
        ("", ""),
        ("<@UDOLLAR>", "@Mr $1 \\g<0>"),
    ],
)
def test_readable_text(text: str, expected: str) -> None:
    users = {**USERS, "UDOLLAR": UserInfo("Mr $1 \\g<0>")}
    assert readable_text(text, users, {"C123": "payments"}) == expected


def test_readable_text_defaults_to_no_channel_names() -> None:
    assert readable_text("<#C1|ops> <#C2>", {}) == "#ops #C2"


def test_entry_text_is_readable_and_lists_files(fake_stated: FakeStatedTime) -> None:
    m = msg("22:00", "graph from <@UBEN>:", "pushpin", files=("p99.png", "errors.csv"))
    (e,) = build_timeline("inc", [m], USERS).entries
    assert e.text == "graph from @Ben: (attached: p99.png, errors.csv)"


# --- properties ------------------------------------------------------------------------------------------

EMOJI = [
    "boom",
    "rotating_light",
    "eyes",
    "eyes::skin-tone-4",
    "adhesive_bandage",
    "white_check_mark",
    "pushpin",
    "tada",
    "+1",
]
SUBTYPES = [None, None, None, "bot_message", "thread_broadcast", "tombstone", "channel_join", "pinned_item"]

messages_strategy = st.lists(
    st.builds(
        CapturedMessage,
        ts=st.builds(
            lambda s, u: f"{s}.{u:06d}", st.integers(1_600_000_000, 1_800_000_000), st.integers(0, 999_999)
        ),
        text=st.one_of(
            st.text(max_size=60),
            st.sampled_from(
                [
                    "at 2:14 PM EST",
                    "mitigated at 20:58 UTC",
                    "at 25:99",
                    "<@UANA> <#C1|x> <!here>",
                    "&amp;&lt;<https://x|y>",
                    "at 9",
                    "resolved at 23:59:59 tomorrow",
                ]
            ),
        ),
        user_id=st.sampled_from([None, "UANA", "UBEN", "UPRI", "UNOTZ", "UBAD", "UNKNOWN"]),
        author_name=st.one_of(st.none(), st.just("Grafana")),
        thread_ts=st.none(),
        subtype=st.sampled_from(SUBTYPES),
        bot_id=st.one_of(st.none(), st.just("B1")),
        reactions=st.frozensets(st.sampled_from(EMOJI), max_size=3),
        pinned=st.booleans(),
        files=st.just(()),
        deleted=st.booleans(),
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    messages=messages_strategy,
    include_all=st.booleans(),
    default_tz=st.sampled_from([UTC, ZoneInfo("Asia/Kolkata"), ZoneInfo("America/Los_Angeles")]),
)
def test_properties(messages: list[CapturedMessage], include_all: bool, default_tz: tzinfo) -> None:
    t = build_timeline("inc", messages, USERS, include_all=include_all, default_tz=default_tz)
    keys = [(e.at, e.posted_at) for e in t.entries]
    assert keys == sorted(keys)
    assert all(e.at.utcoffset() == timedelta(0) and e.posted_at.tzinfo is UTC for e in t.entries)
    assert len({e.ts for e in t.entries}) == len(t.entries)
    live = {m.ts: m for m in messages}
    for e in t.entries:
        m = live[e.ts]
        assert not m.deleted and m.subtype not in SYSTEM_SUBTYPES and m.subtype != "tombstone"
        assert e.marks or include_all
        assert e.from_app == bool(m.bot_id or m.subtype == "bot_message")
        assert e.stated or e.at == e.posted_at
    for mark in PHASES:
        carrying = [e.at for e in t.entries if mark in e.marks]
        assert t.phases[mark] == (min(carrying) if carrying else None)
    curated = build_timeline("inc", messages, USERS, default_tz=default_tz)
    assert set(curated.entries) <= set(
        build_timeline("inc", messages, USERS, include_all=True, default_tz=default_tz).entries
    )
    assert curated.phases == t.phases


def test_ten_thousand_messages_all_make_it_in_order() -> None:
    """Size, not speed: bench/bench_timeline.py measures the time."""
    messages = []
    for i in range(10_000):
        reactions = frozenset({"eyes"}) if i % 10 == 0 else frozenset()
        text = f"step {i}: <@UANA> checked <https://grafana/d/{i}|graph> &amp; <#C1> at {i % 24}:{i % 60:02d}"
        user = ("UANA", "UBEN", "UPRI", "UNOTZ", "UBAD")[i % 5]
        messages.append(
            CapturedMessage(
                ts=f"{1_742_000_000 + i * 7}.{i:06d}",
                text=text,
                user_id=user,
                reactions=reactions,
                thread_ts=None if i % 3 else f"{1_742_000_000}.000000",
            )
        )
    t = build_timeline("inc", messages, USERS, include_all=True)
    assert len(t.entries) == 10_000
    assert [e.at for e in t.entries] == sorted(e.at for e in t.entries)


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        ((), None),
        (("SEV1 declared", "downgraded to SEV3"), "SEV3"),
        (("sev 2 now",), "SEV2"),
        (("several things", "severe"), None),
    ],
)
def test_declared_severity_is_the_latest_declaration(texts: tuple[str, ...], expected: str | None) -> None:
    messages = [CapturedMessage(ts=f"17000000{i}.000000", text=t) for i, t in enumerate(texts)]
    assert declared_severity(messages) == expected
