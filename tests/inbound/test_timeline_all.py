"""`--all` / `/postmortem timeline all` mean every captured message: unmarked alerts from monitoring
apps are on it, shown as an app's; and the README, the CLI help and the slash command say so alike."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from bot.domain.timeline import build_timeline
from bot.inbound.slack.timeline_commands import SUBCOMMANDS
from bot.inbound.slack_export import read_export
from bot.outbound.slack.render.timeline import timeline_messages

ROOT = Path(__file__).resolve().parents[2]
CHANNEL = "inc-2025-08-12-disk"
SAYS = "every captured message, not only marked"


def alert(ts: str, text: str, *reactions: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "message",
        "subtype": "bot_message",
        "bot_id": "B0GRAF",
        "username": "Grafana",
        "text": "",
        "ts": ts,
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}],
        "reactions": [{"name": r, "users": ["U0VERA"], "count": 1} for r in reactions],
        **extra,
    }


@pytest.fixture
def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("DATABASE_URL", "DEFAULT_TIMEZONE", "EMOJI_MARKS", "SLACK_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    root = tmp_path / "export"
    (root / CHANNEL).mkdir(parents=True)
    (root / "channels.json").write_text(json.dumps([{"id": "C0DISK", "name": CHANNEL}]))
    (root / "users.json").write_text(json.dumps([{"id": "U0VERA", "name": "vera", "tz": "UTC"}]))
    messages = [
        alert("1754989800.000100", "[FIRING:1] DiskFull db-7 at 91%"),  # 09:10, nobody marked it
        alert("1754990100.000100", "[FIRING:1] DiskFull db-7 at 97%", "rotating_light"),
        {
            "type": "message",
            "subtype": "channel_join",
            "user": "U0VERA",
            "text": "joined",
            "ts": "1754990150.1",
        },
        {"type": "message", "user": "U0VERA", "text": "looking", "ts": "1754990200.000100"},
        {
            "type": "message",
            "bot_id": "B0CI",
            "bot_profile": {"name": "CI"},
            "text": "deploy 4812 finished",
            "ts": "1754990300.000100",
        },
        {
            "type": "message",
            "user": "U0VERA",
            "text": "acked",
            "ts": "1754990400.000100",
            "reactions": [{"name": "eyes", "users": ["U0VERA"], "count": 1}],
        },
    ]
    (root / CHANNEL / "2025-08-12.json").write_text(json.dumps(messages))
    return root


def run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_all_holds_every_captured_message_and_says_which_came_from_apps(
    capsys: pytest.CaptureFixture[str], export: Path
) -> None:
    args = ("timeline", "--export", str(export), "--channel", CHANNEL, "--format", "json")
    curated = json.loads(run(capsys, *args))
    everything = json.loads(run(capsys, *args, "--all"))
    assert [(e["user"], e["text"], e["from_app"]) for e in curated["entries"]] == [
        ("Grafana", "[FIRING:1] DiskFull db-7 at 97%", True),
        ("vera", "acked", False),
    ]
    assert [(e["user"], e["text"], e["marks"], e["from_app"]) for e in everything["entries"]] == [
        ("Grafana", "[FIRING:1] DiskFull db-7 at 91%", [], True),  # the unmarked alert: what fired, when
        ("Grafana", "[FIRING:1] DiskFull db-7 at 97%", ["detection"], True),
        ("vera", "looking", [], False),
        ("CI", "deploy 4812 finished", [], True),
        ("vera", "acked", ["acknowledgment"], False),
    ]  # the join stays off: Slack's bookkeeping, not a message
    assert everything["phases"] == curated["phases"]  # unmarked entries never move a phase


def test_app_entries_are_labelled_in_text_markdown_and_slack(
    capsys: pytest.CaptureFixture[str], export: Path
) -> None:
    text = run(capsys, "timeline", "--export", str(export), "--channel", CHANNEL, "--all")
    assert "09:10  Grafana  [FIRING:1] DiskFull db-7 at 91%  (app)\n" in text
    assert "09:15  Grafana  [FIRING:1] DiskFull db-7 at 97%  [detection]  (app)\n" in text
    assert "09:16  vera  looking\n" in text
    markdown = run(
        capsys, "timeline", "--export", str(export), "--channel", CHANNEL, "--all", "--format", "markdown"
    )
    assert "| 2025-08-12 09:10 | [FIRING:1] DiskFull db-7 at 91% | Grafana (app) |" in markdown
    assert "| 09:16 | looking | vera |" in markdown

    ch = read_export(export, CHANNEL)
    shown = json.dumps(timeline_messages(build_timeline(ch.name, ch.messages, ch.users, include_all=True)))
    assert "*Grafana* [FIRING:1] DiskFull db-7 at 91% _(app)_" in shown
    assert "*Grafana* [FIRING:1] DiskFull db-7 at 97% _[detection]_ _(app)_" in shown
    assert "*CI* deploy 4812 finished _(app)_" in shown


def test_readme_cli_help_and_the_slash_command_say_one_thing(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["timeline", "--help"])
    cli_help = " ".join(capsys.readouterr().out.split())
    slash_help = next(s.summary for s in SUBCOMMANDS if s.args == "[all]")
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    for said in (cli_help, slash_help, readme):
        assert SAYS in said
        assert "human message" not in said
        assert "labelled (app)" in said
