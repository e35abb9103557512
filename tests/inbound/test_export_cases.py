"""The field cases of issue 9 that come as Slack exports, run through `postmortem-bot timeline` as a
person would: each gives its right value (copies of ../shared/cases in tests/fixtures/cases)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

CASES = Path(__file__).resolve().parents[1] / "fixtures" / "cases"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("DATABASE_URL", "DEFAULT_TIMEZONE", "EMOJI_MARKS", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def timeline(capsys: pytest.CaptureFixture[str], case: str, channel: str, *extra: str) -> dict[str, Any]:
    export = CASES / case / "export"
    code = main(["timeline", "--export", str(export), "--channel", channel, "--format", "json", *extra])
    out, err = capsys.readouterr()
    assert code == 0, err
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize(
    ("case", "channel", "phase", "want"),
    [
        ("blocks_only_alert", "inc-2025-08-12-disk", "detection", "2025-08-12T09:12:00Z"),
        ("grid_org_users", "inc-2025-10-01-sso", "impact_start", "2025-10-01T13:40:00Z"),
        ("slack_date_token", "inc-2025-08-12-paging", "detection", "2025-08-12T09:15:00Z"),
    ],
)
def test_each_case_gives_its_right_value(
    capsys: pytest.CaptureFixture[str], case: str, channel: str, phase: str, want: str
) -> None:
    assert timeline(capsys, case, channel)["phases"][phase] == want


def test_blocks_only_alert_entries_read_the_blocks_and_attachments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = timeline(capsys, "blocks_only_alert", "inc-2025-08-12-disk")
    assert [(e["user"], e["text"], e["from_app"]) for e in data["entries"]] == [
        ("AlertRelay", "*[FIRING:1] DiskFull* db-7 at 97% since 09:12 UTC", True),  # section block
        ("AlertRelay", "[RESOLVED] DiskFull\ndb-7 back to 61%", True),  # attachment: title, text
        ("vera", "acked, expanding the volume now", False),  # rich_text only
    ]
    assert data["entries"][0]["posted_at"] == "2025-08-12T09:15:00Z"  # placed at the stated 09:12
    assert data["durations_s"]["time_to_acknowledge"] == 8 * 60


def test_slack_date_token_shows_its_fallback_and_is_placed_at_its_epoch(
    capsys: pytest.CaptureFixture[str],
) -> None:
    (entry,) = timeline(capsys, "slack_date_token", "inc-2025-08-12-paging")["entries"]
    assert entry["text"] == "Alert group #42 triggered Aug 12, 2025 at 09:15 AM UTC"
    assert (entry["at"], entry["posted_at"]) == ("2025-08-12T09:15:00Z", "2025-08-12T09:31:00Z")


def test_grid_org_users_names_the_w_user_and_reads_their_zone(capsys: pytest.CaptureFixture[str]) -> None:
    (entry,) = timeline(capsys, "grid_org_users", "inc-2025-10-01-sso")["entries"]
    assert (entry["user"], entry["at"]) == ("wren", "2025-10-01T13:40:00Z")  # 09:40 ET in New York


def test_text_output_says_where_an_entry_was_placed(capsys: pytest.CaptureFixture[str]) -> None:
    export = CASES / "slack_date_token" / "export"
    assert main(["timeline", "--export", str(export), "--channel", "inc-2025-08-12-paging"]) == 0
    out = capsys.readouterr().out
    assert "Detection       2025-08-12 09:15" in out
    assert "09:15  OnCallBot  Alert group #42 triggered Aug 12, 2025 at 09:15 AM UTC" in out
    assert "[detection]  (stated; posted 09:31)  (app)" in out
