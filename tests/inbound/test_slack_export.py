"""Reading one channel out of a Slack export (bot.inbound.slack_export), folder or zip; the example."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from bot.domain.timeline import Mark, UserInfo, build_timeline
from bot.domain.timeline_render import render_text, timeline_json
from bot.inbound.slack_export import ExportError, read_export
from tests.factories import at

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "slack-export"
INC = "inc-2025-03-15-payments"


def zip_folder(folder: Path, target: Path, prefix: str = "") -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                zf.write(path, prefix + path.relative_to(folder).as_posix())
    return target


@pytest.fixture
def export_copy(tmp_path: Path) -> Path:
    target = tmp_path / "export"
    shutil.copytree(EXAMPLE, target)
    return target


# --- the example, golden ----------------------------------------------------------------------------


def test_example_phases_and_durations() -> None:
    ch = read_export(EXAMPLE, INC)
    t = build_timeline(ch.name, ch.messages, ch.users, channel_names=ch.channel_names)
    assert dict(t.phases) == {
        Mark.IMPACT_START: at(21, 58),  # "declines starting at 5:58 PM EDT", posted 22:11
        Mark.DETECTION: at(22, 6, 31, 209114),  # the Grafana alert, marked :rotating_light:
        Mark.ACKNOWLEDGMENT: at(22, 7, 15, 58113),  # :eyes::skin-tone-3:
        Mark.MITIGATION: at(22, 41),  # "mitigated at 22:41 UTC", posted 22:44
        Mark.RESOLUTION: at(0, 12, 5, 554190, day=16),
    }
    d = t.durations
    assert d.time_to_detect == timedelta(minutes=8, seconds=31, microseconds=209114)
    assert d.time_to_acknowledge == timedelta(seconds=43, microseconds=848999)
    assert d.time_to_mitigate == timedelta(minutes=34, seconds=28, microseconds=790886)
    assert d.time_to_resolve == timedelta(hours=2, minutes=5, seconds=34, microseconds=345076)
    assert d.duration == timedelta(hours=2, minutes=14, seconds=5, microseconds=554190)


def test_example_curated_entries() -> None:
    ch = read_export(EXAMPLE, "#" + INC)
    t = build_timeline(ch.name, ch.messages, ch.users, channel_names=ch.channel_names)
    got = [(e.at, e.user, e.marks, e.stated) for e in t.entries]
    assert got == [
        (at(21, 52), "maya", (Mark.KEY_EVENT,), True),  # "at 2:52 PM PDT the deploy … started"
        (at(21, 58), "devon.b", (Mark.IMPACT_START,), True),
        (at(22, 6, 31, 209114), "Grafana", (Mark.DETECTION,), False),
        (at(22, 7, 15, 58113), "Jonas (SRE)", (Mark.ACKNOWLEDGMENT,), False),
        (at(22, 14, 10, 441209), "Jonas (SRE)", (Mark.KEY_EVENT,), False),  # pinned
        (at(22, 41), "Jonas (SRE)", (Mark.MITIGATION,), True),
        (at(0, 8, day=16), "Priya Raman", (Mark.KEY_EVENT,), True),  # "at 05:38" in Asia/Kolkata
        (at(0, 12, 5, 554190, day=16), "Jonas (SRE)", (Mark.RESOLUTION,), False),
    ]
    texts = [e.text for e in t.entries]
    assert texts[2].startswith(
        "[FIRING:1] PaymentsCheckoutErrorRate (payment-api, prod): 5xx ratio 0.38 > 0.05"
    )
    assert texts[2].endswith(
        "checkout-errors runbook (https://runbooks.acme.internal/payments/checkout-errors)"
    )
    assert texts[3] == (
        "Ack, I'm IC. @here checkout is failing for a large share of card payments. Paging @payments-oncall."
    )
    assert "@maya can you pause 0142? @Priya Raman please join" in texts[4]
    assert "Error rate back under 1% & checkouts" in texts[5]


def test_example_all_messages() -> None:
    ch = read_export(EXAMPLE, INC)
    t = build_timeline(ch.name, ch.messages, ch.users, channel_names=ch.channel_names, include_all=True)
    assert len(ch.messages) == 32
    assert len(t.entries) == 25  # 32 minus 7 joins, leave, purpose and pin notices; unmarked alerts stay
    by_text = {e.text: e for e in t.entries}
    assert (
        "Here. Replication is healthy, and rolling back payment-api is safe: the old column still exists. "
        "Notes in #db-ops." in by_text
    )
    assert "Dry-run output (attached: backfill_0142_dryrun.csv)" in by_text
    replies = [e for e in t.entries if e.thread_ts and e.thread_ts != e.ts]
    assert len(replies) == 4
    assert by_text["Is it still running?"].thread_ts == "1742076587.733021"
    # every captured message (issue 9): the unmarked alerts are on it too, as an app's, where they fired
    alerts = [(e.user, e.marks, e.at == e.posted_at) for e in t.entries if e.from_app]
    assert alerts == [("Grafana", (Mark.DETECTION,), True), ("Grafana", (), True), ("Grafana", (), True)]
    assert [e.text[:60] for e in t.entries if e.from_app and not e.marks] == [
        "[FIRING:1] PaymentsCheckoutErrorRate (payment-api, prod): 5x",
        "[RESOLVED] PaymentsCheckoutErrorRate (payment-api, prod): 5x",
    ]
    assert not any(e.from_app for e in t.entries if e.user != "Grafana")
    stated = [e for e in t.entries if "rows written since 21:52" in e.text]
    assert stated[0].at == stated[0].posted_at  # unmarked: no stated-time placement
    assert render_text(t).count("\n2025-03-16\n") == 1


def test_example_users_and_channels() -> None:
    ch = read_export(EXAMPLE, INC)
    assert (ch.id, ch.name) == ("C07INC0315P", INC)
    assert ch.users["U07PRIYA"] == UserInfo("Priya Raman", "Asia/Kolkata")  # empty display_name
    assert ch.users["U07MAYA"] == UserInfo("maya", "America/Los_Angeles")
    assert ch.users["U07JONAS"] == UserInfo("Jonas (SRE)", "Europe/Berlin")
    assert ch.users["U07DEVON"] == UserInfo("devon.b", "America/New_York")
    assert ch.users["U07GRAFBOT"].display_name == "Grafana"
    assert ch.channel_names == {"C04DBOPS01": "db-ops", "C07INC0315P": INC}
    stamps = [m.ts for m in ch.messages]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == len(stamps)
    alert = next(m for m in ch.messages if m.subtype == "bot_message")
    assert (alert.user_id, alert.author_name, alert.bot_id) == (None, "Grafana", "B07GRAFANA")
    assert alert.reactions == {"rotating_light"}
    assert [m.ts for m in ch.messages if m.pinned] == ["1742076850.441209"]
    assert next(m for m in ch.messages if m.files).files == ("backfill_0142_dryrun.csv",)


def test_the_unrelated_channel_reads_too() -> None:
    ch = read_export(EXAMPLE, "db-ops")
    assert [m.user_id for m in ch.messages] == ["U07MAYA", "U07PRIYA", "U07PRIYA"]
    t = build_timeline(ch.name, ch.messages, ch.users, channel_names=ch.channel_names, include_all=True)
    assert t.entries[-1].text.startswith("0142 paused at batch 412/675 during #inc-2025-03-15-payments.")


# --- zip and folder ---------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", ["", "acme Slack export Mar 15 2025/"])
def test_zip_and_folder_give_identical_timelines(tmp_path: Path, prefix: str) -> None:
    archive = zip_folder(EXAMPLE, tmp_path / "export.zip", prefix)
    before = sorted(tmp_path.rglob("*"))
    from_zip = read_export(archive, INC)
    assert sorted(tmp_path.rglob("*")) == before  # read in place, nothing extracted
    from_folder = read_export(EXAMPLE, INC)
    assert from_zip == from_folder
    for include_all in (False, True):
        a = build_timeline(
            from_zip.name,
            from_zip.messages,
            from_zip.users,
            include_all=include_all,
            channel_names=from_zip.channel_names,
        )
        b = build_timeline(
            from_folder.name,
            from_folder.messages,
            from_folder.users,
            include_all=include_all,
            channel_names=from_folder.channel_names,
        )
        assert a == b
        assert timeline_json(a) == timeline_json(b)


@pytest.mark.parametrize("as_zip", [False, True])
def test_other_channels_files_are_never_read(export_copy: Path, tmp_path: Path, as_zip: bool) -> None:
    (export_copy / "db-ops" / "2025-03-15.json").write_text("{not json", encoding="utf-8")
    (export_copy / "db-ops" / "2025-03-16.json").mkdir()
    source = zip_folder(export_copy, tmp_path / "x.zip") if as_zip else export_copy
    assert len(read_export(source, INC).messages) == 32
    with pytest.raises(ExportError, match=r"db-ops/2025-03-15\.json"):
        read_export(source, "db-ops")


def test_a_message_in_two_day_files_counts_once(export_copy: Path) -> None:
    day15 = export_copy / INC / "2025-03-15.json"
    last = json.loads(day15.read_text(encoding="utf-8"))[-1]
    day16 = export_copy / INC / "2025-03-16.json"
    day16.write_text(json.dumps([last, *json.loads(day16.read_text(encoding="utf-8"))]), encoding="utf-8")
    (export_copy / INC / "notes.txt").write_text("not a day file", encoding="utf-8")
    ch = read_export(export_copy, INC)
    assert len(ch.messages) == 32
    assert [m.ts for m in ch.messages] == sorted((m.ts for m in ch.messages), key=float)


def test_groups_json_adds_private_channels(export_copy: Path) -> None:
    (export_copy / "groups.json").write_text(
        json.dumps([{"id": "G1", "name": "sec-incident"}]), encoding="utf-8"
    )
    (export_copy / "sec-incident").mkdir()
    (export_copy / "sec-incident" / "2025-03-15.json").write_text(
        json.dumps(
            [
                {
                    "type": "message",
                    "ts": "1742076000.000100",
                    "user": "U07JONAS",
                    "text": "hi",
                    "reactions": [{"name": "eyes::skin-tone-2", "users": ["U07MAYA"], "count": 1}],
                }
            ]
        ),
        encoding="utf-8",
    )
    ch = read_export(export_copy, "sec-incident")
    assert (ch.id, ch.channel_names["G1"]) == ("G1", "sec-incident")
    assert ch.messages[0].reactions == {"eyes::skin-tone-2"}
    assert build_timeline(ch.name, ch.messages, ch.users).phases[Mark.ACKNOWLEDGMENT] is not None


def test_channel_by_id() -> None:
    assert read_export(EXAMPLE, "C04DBOPS01").name == "db-ops"


# --- errors -----------------------------------------------------------------------------------------


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"nope\.zip: no such file or folder"):
        read_export(tmp_path / "nope.zip", INC)


def test_not_a_zip(tmp_path: Path) -> None:
    write(tmp_path / "export.zip", "this is not a zip")
    with pytest.raises(ExportError, match=r"export\.zip: not a Slack export"):
        read_export(tmp_path / "export.zip", INC)


@pytest.mark.parametrize("missing", ["users.json", "channels.json"])
@pytest.mark.parametrize("as_zip", [False, True])
def test_missing_index_file(export_copy: Path, tmp_path: Path, missing: str, as_zip: bool) -> None:
    (export_copy / missing).unlink()
    source = zip_folder(export_copy, tmp_path / "x.zip") if as_zip else export_copy
    with pytest.raises(ExportError, match=rf"{missing}: missing"):
        read_export(source, INC)


def test_an_empty_folder_is_not_an_export(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"users\.json: missing.*right folder or zip"):
        read_export(tmp_path, INC)


@pytest.mark.parametrize(
    ("rel", "content", "expected"),
    [
        (
            "users.json",
            '[\n  {"id": "U1",\n   "name": }\n]',
            r"users\.json: invalid JSON at line 3, column 12",
        ),
        ("channels.json", "", r"channels\.json: invalid JSON at line 1, column 1"),
        (f"{INC}/2025-03-16.json", '[{"ts": "1.0"},\n,]', rf"{INC}/2025-03-16\.json: invalid JSON at line 2"),
        ("users.json", '{"members": []}', r"users\.json: expected a JSON list of objects"),
        ("channels.json", '["general"]', r"channels\.json: expected a JSON list of objects"),
        (
            f"{INC}/2025-03-15.json",
            '[{"text": "no ts here"}]',
            rf"{INC}/2025-03-15\.json: a message has no ts",
        ),
        (
            f"{INC}/2025-03-15.json",
            '[{"ts": "yesterday"}]',
            rf"{INC}/2025-03-15\.json: 'yesterday' is not a Slack ts",
        ),
        ("users.json", b"\xff\xfe[]".decode("latin-1"), r"users\.json: invalid JSON|users\.json: not UTF-8"),
    ],
)
@pytest.mark.parametrize("as_zip", [False, True])
def test_bad_files_are_named(
    export_copy: Path, tmp_path: Path, rel: str, content: str, expected: str, as_zip: bool
) -> None:
    (export_copy / rel).write_bytes(content.encode("latin-1") if "\xff" in content else content.encode())
    source = zip_folder(export_copy, tmp_path / "x.zip") if as_zip else export_copy
    with pytest.raises(ExportError, match=expected):
        read_export(source, INC)


def test_no_such_channel_lists_some_that_exist() -> None:
    with pytest.raises(ExportError) as info:
        read_export(EXAMPLE, "#inc-2025-03-15-payment")
    message = str(info.value)
    assert "channels.json" in message
    assert "no channel named #inc-2025-03-15-payment " in message
    assert "Did you mean #inc-2025-03-15-payments?" in message
    assert "#db-ops" in message


def test_no_such_channel_without_close_matches(export_copy: Path) -> None:
    names = [{"id": f"C{i}", "name": f"team-{i:02d}"} for i in range(12)]
    write(export_copy / "channels.json", json.dumps(names))
    with pytest.raises(ExportError, match=r"It has: #team-00, .*#team-07 and 4 more\.") as info:
        read_export(export_copy, "zzz")
    assert "Did you mean" not in str(info.value)


@pytest.mark.parametrize("as_zip", [False, True])
def test_channel_folder_missing(export_copy: Path, tmp_path: Path, as_zip: bool) -> None:
    shutil.rmtree(export_copy / "db-ops")
    source = zip_folder(export_copy, tmp_path / "x.zip") if as_zip else export_copy
    with pytest.raises(ExportError, match=r"db-ops: missing\. channels\.json lists #db-ops"):
        read_export(source, "db-ops")


def test_export_errors_are_user_errors() -> None:
    from bot.domain.errors import UserError

    assert issubclass(ExportError, UserError)
