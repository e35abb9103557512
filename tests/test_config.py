"""Settings: every problem named at once, with where to find the value; the README documents them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import VARIABLES, ConfigError, Settings

README = Path(__file__).resolve().parents[1] / "README.md"


def test_defaults_need_nothing_but_work_in_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.database_url == f"sqlite:///{tmp_path / 'postmortem-bot.db'}"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.incident_channel_patterns == ("inc-*", "incident-*")
    assert str(settings.default_timezone) == "UTC"
    assert not settings.socket_mode


def test_every_malformed_variable_is_reported_together() -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(
            {
                "SLACK_BOT_TOKEN": "xoxp-user-token",
                "SLACK_APP_TOKEN": "xoxb-wrong-kind",
                "DEFAULT_TIMEZONE": "Mars/Olympus",
                "LOG_LEVEL": "chatty",
                "SLACK_API_URL": "slack.com/api",
            }
        )
    message = str(raised.value)
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "DEFAULT_TIMEZONE", "LOG_LEVEL", "SLACK_API_URL"):
        assert name in message
    assert "OAuth & Permissions" in message  # says where the right value comes from


def test_http_mode_needs_the_bot_token_and_the_signing_secret() -> None:
    settings = Settings.from_env({})
    with pytest.raises(ConfigError) as raised:
        settings.require_slack()
    assert "SLACK_BOT_TOKEN" in str(raised.value)
    assert "SLACK_SIGNING_SECRET" in str(raised.value)


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    settings.require_slack()
    assert settings.socket_mode


def test_api_url_gets_its_trailing_slash_and_patterns_are_split() -> None:
    settings = Settings.from_env(
        {"SLACK_API_URL": "http://127.0.0.1:9999/api", "INCIDENT_CHANNEL_PATTERN": " sev-* , war-room-* "}
    )
    assert settings.slack_api_url == "http://127.0.0.1:9999/api/"
    assert settings.incident_channel_patterns == ("sev-*", "war-room-*")


def test_the_readme_table_lists_every_variable() -> None:
    rows = re.findall(r"^\| `([A-Z_]+)` \|", README.read_text(), flags=re.MULTILINE)
    assert sorted(rows) == sorted(v.name for v in VARIABLES)


def test_postmortem_settings_parse_and_refuse_nonsense() -> None:
    settings = Settings.from_env(
        {
            "POSTMORTEM_CHANNEL": "#postmortems",
            "POSTMORTEM_OPEN_AFTER": "90m",
            "POSTMORTEM_REQUIRED_SEVERITIES": "sev1, SEV-2, sev3",
        }
    )
    assert settings.postmortem_channel == "#postmortems"
    assert settings.postmortem_open_after.total_seconds() == 90 * 60
    assert settings.required_severities == {"SEV1", "SEV2", "SEV3"}
    with pytest.raises(ConfigError) as raised:
        Settings.from_env(
            {
                "POSTMORTEM_CHANNEL": "post mortems!",
                "POSTMORTEM_OPEN_AFTER": "soon",
                "POSTMORTEM_REQUIRED_SEVERITIES": "SEV9",
                "EMOJI_MARKS": "boom=kaboom",
            }
        )
    for name in (
        "POSTMORTEM_CHANNEL",
        "POSTMORTEM_OPEN_AFTER",
        "POSTMORTEM_REQUIRED_SEVERITIES",
        "EMOJI_MARKS",
    ):
        assert name in str(raised.value)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("garbage", "got 'garbage'"),
        ("mysql://root:hunter2@db/pm", "got 'mysql://root:***@db/pm': postmortem-bot does not support mysql"),
        ("postgresql+psycopg2://me:hunter2@db/pm", "through psycopg 3"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("postgresql://me:hunter2@db:port/pm", "got 'postgresql://me:***@db:port/pm'"),
    ],
)
def test_database_url_is_one_the_bot_can_use(url: str, shown: str) -> None:
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"DATABASE_URL": url, "LOG_LEVEL": "chatty"})
    message = str(raised.value)
    assert "DATABASE_URL" in message and shown in message
    assert "hunter2" not in message
    assert "LOG_LEVEL" in message  # reported together with the other problems


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:///postmortem-bot.db",
        "sqlite:////var/lib/postmortem-bot/bot.db",
        "sqlite+pysqlite:///bot.db",
        "postgresql://me:pw@db/pm",
        "postgres://me@db/pm",
        "postgresql+psycopg://me:pw@db:5432/pm",
        "sqlite:////no/such/folder/bot.db",  # a folder is the command's business, when it opens it
    ],
)
def test_supported_database_urls_pass(url: str) -> None:
    assert Settings.from_env({"DATABASE_URL": url}).database_url == url


def test_log_level_unset_is_none_so_each_command_picks_its_own() -> None:
    assert Settings.from_env({}).log_level is None
    assert Settings.from_env({"LOG_LEVEL": "debug"}).log_level == "DEBUG"
