"""postmortem-bot timeline / import: the same timeline from a Slack export and from the bot's record."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "slack-export"
INC = "inc-2025-03-15-payments"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "DEFAULT_TIMEZONE", "EMOJI_MARKS", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_text_timeline_from_the_example_export(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC)
    assert code == 0
    assert "Impact start    2025-03-15 21:58" in out
    assert "Resolution      2025-03-16 00:12" in out
    assert "Duration             2h 14m" in out
    assert "(stated; posted 22:11)" in out  # "at 5:58 PM EDT" placed at 21:58 UTC


def test_json_is_the_stable_shape(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "timeline", "--export", str(EXAMPLE), "--channel", f"#{INC}", "--format", "json"
    )
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"channel", "phases", "durations_s", "entries", "phase_warnings"}
    assert data["phase_warnings"] == []
    assert data["phases"]["detection"] == "2025-03-15T22:06:31Z"
    assert data["phases"]["impact_start"] == "2025-03-15T21:58:00Z"
    assert data["phases"]["resolution"] == "2025-03-16T00:12:05Z"
    assert data["durations_s"]["duration"] == 2 * 3600 + 14 * 60 + 5
    assert set(data["entries"][0]) == {
        "at",
        "posted_at",
        "ts",
        "thread_ts",
        "user",
        "user_id",
        "text",
        "marks",
        "from_app",
        "permalink",
    }


def test_all_shows_every_human_message_and_markdown_has_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    _, curated, _ = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, "--format", "json")
    _, every, _ = run(
        capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, "--format", "json", "--all"
    )
    assert len(json.loads(every)["entries"]) > len(json.loads(curated)["entries"])
    code, md, _ = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, "--format", "markdown")
    assert code == 0
    assert "| Time (UTC) | Event | Source |" in md


def test_a_zip_reads_like_the_folder(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in EXAMPLE.rglob("*.json"):
            z.write(path, path.relative_to(EXAMPLE).as_posix())
    _, from_zip, _ = run(capsys, "timeline", "--export", str(archive), "--channel", INC, "--format", "json")
    _, from_dir, _ = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, "--format", "json")
    assert from_zip == from_dir


def test_default_timezone_applies_to_authors_without_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Nowhere/Land")
    code, _, err = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC)
    assert code == 2
    assert "DEFAULT_TIMEZONE" in err


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        (lambda d: (d / "users.json").unlink(), "users.json"),
        (lambda d: (d / "channels.json").write_text("[{not json"), "channels.json"),
        (lambda d: (d / INC / "2025-03-15.json").write_text('{"oops": '), "2025-03-15.json"),
        (lambda d: shutil.rmtree(d / INC), INC),
    ],
)
def test_a_broken_export_names_the_file_and_exits_non_zero(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, breakage: object, named: str
) -> None:
    broken = tmp_path / "export"
    shutil.copytree(EXAMPLE, broken)
    breakage(broken)  # type: ignore[operator]
    code, out, err = run(capsys, "timeline", "--export", str(broken), "--channel", INC)
    assert code == 1
    assert named in err
    assert out == ""


def test_no_such_channel_lists_the_ones_there_are(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", "inc-nope")
    assert code == 1
    assert INC in err


def test_import_then_timeline_from_the_record_matches_the_export(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, _ = run(capsys, "import", "--export", str(EXAMPLE), "--channel", INC)
    assert code == 0
    assert "32 new of 32 messages" in out
    code, again, _ = run(capsys, "import", "--export", str(EXAMPLE), "--channel", INC)
    assert "0 new of 32 messages" in again  # importing twice stores nothing twice
    for extra in ((), ("--all",)):
        _, stored, _ = run(capsys, "timeline", "--channel", INC, "--format", "json", *extra)
        _, exported, _ = run(
            capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, "--format", "json", *extra
        )
        assert json.loads(stored) == json.loads(exported)


def test_timeline_of_a_channel_without_a_record(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    code, out, err = run(capsys, "timeline", "--channel", "inc-unknown")
    assert code == 1
    assert "No record of a channel named 'inc-unknown'" in err
    assert out == ""


def test_import_refuses_an_unmigrated_database(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, empty_database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", empty_database_url)
    code, _, err = run(capsys, "import", "--export", str(EXAMPLE), "--channel", INC)
    assert code == 1
    assert "postmortem-bot migrate" in err


def test_an_export_timeline_links_its_entries_given_the_workspace_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ("timeline", "--export", str(EXAMPLE), "--channel", INC, "--all")
    _, plain, _ = run(capsys, *args, "--format", "json")
    assert {e["permalink"] for e in json.loads(plain)["entries"]} == {None}  # an export does not say it
    code, out, _ = run(capsys, *args, "--format", "json", "--workspace-url", "acme.slack.com")
    assert code == 0
    entries = json.loads(out)["entries"]
    for e in entries:
        link = f"https://acme.slack.com/archives/C07INC0315P/p{e['ts'].replace('.', '')}"
        if e["thread_ts"] and e["thread_ts"] != e["ts"]:
            link += f"?thread_ts={e['thread_ts']}&cid=C07INC0315P"
        assert e["permalink"] == link
    assert any("?thread_ts=" in e["permalink"] for e in entries), "the example has thread replies"
    devon = next(e for e in entries if e["user"] == "devon.b")
    assert devon["user_id"] == "U07DEVON"
    # everything else is as without links
    assert [{**e, "permalink": None} for e in entries] == json.loads(plain)["entries"]


def test_markdown_links_times_and_text_keeps_the_plain_form(capsys: pytest.CaptureFixture[str]) -> None:
    args = (
        "timeline",
        "--export",
        str(EXAMPLE),
        "--channel",
        INC,
        "--workspace-url",
        "https://acme.slack.com/",
    )
    _, md, _ = run(capsys, *args, "--format", "markdown")
    assert "| [2025-03-15 21:58](https://acme.slack.com/archives/C07INC0315P/p" in md
    _, text, _ = run(capsys, *args)
    assert "acme.slack.com" not in text  # the CLI's text view stays plain


@pytest.mark.parametrize("url", ["http://acme.slack.com", "acme", "https://acme.slack.com/archives/C1", ""])
def test_a_bad_workspace_url_is_a_clear_usage_error(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err = run(
        capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, "--workspace-url", url
    )
    assert code == 2
    assert out == ""
    assert err.startswith("postmortem-bot: --workspace-url: ")
    assert "is not a Slack workspace URL like https://acme.slack.com/" in err


def test_the_record_links_with_a_workspace_url_given_on_the_command_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    assert run(capsys, "import", "--export", str(EXAMPLE), "--channel", INC)[0] == 0
    _, stored, _ = run(capsys, "timeline", "--channel", INC, "--format", "json")
    assert {e["permalink"] for e in json.loads(stored)["entries"]} == {None}  # imported: no URL known
    args = ("--format", "json", "--workspace-url", "https://acme.slack.com")
    _, linked, _ = run(capsys, "timeline", "--channel", INC, *args)
    _, exported, _ = run(capsys, "timeline", "--export", str(EXAMPLE), "--channel", INC, *args)
    assert json.loads(linked) == json.loads(exported)
    assert all(e["permalink"] for e in json.loads(linked)["entries"])
