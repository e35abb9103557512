"""Settings from the environment, validated once, at start.

Nothing here runs at import: `Settings.from_env()` is called by the CLI. Every problem names the
variable and says where its value comes from, and all problems are reported together.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.reminders import DEFAULT_SCHEDULE, Schedule, parse_schedule
from bot.domain.timeline import DEFAULT_EMOJI_MARKS, Mark, parse_emoji_marks

SLACK_API_URL_DEFAULT = "https://slack.com/api/"
DEFAULT_INCIDENT_CHANNEL_PATTERN = "inc-*,incident-*"
DEFAULT_DATABASE_FILE = "postmortem-bot.db"


class ConfigError(Exception):
    """One or more settings are missing or malformed; the message lists every one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"  - {p}" for p in problems))

    def __str__(self) -> str:
        return "The configuration is not usable:\n" + "\n".join(f"  - {p}" for p in self.problems)


@dataclass(frozen=True)
class Variable:
    """One environment variable, documented once: the README table is checked against this list."""

    name: str
    default: str
    meaning: str


VARIABLES: tuple[Variable, ...] = (
    Variable(
        "SLACK_BOT_TOKEN",
        "(required to run)",
        "Bot token, `xoxb-…`: api.slack.com/apps → your app → OAuth & Permissions → Bot User OAuth Token.",
    ),
    Variable(
        "SLACK_APP_TOKEN",
        "(unset)",
        "App-level token, `xapp-…`, with `connections:write`. When set, the bot uses Socket Mode: "
        "Basic Information → App-Level Tokens.",
    ),
    Variable(
        "SLACK_SIGNING_SECRET",
        "(required in HTTP mode)",
        "Verifies that requests come from Slack: Basic Information → App Credentials → Signing Secret.",
    ),
    Variable(
        "DATABASE_URL",
        f"`sqlite:///{DEFAULT_DATABASE_FILE}`",
        "A SQLite file (`sqlite:///relative.db`, `sqlite:////absolute/path.db`) by default; "
        "`postgresql://user:pass@host/db` in production (install the `postgres` extra). No other "
        "database is supported.",
    ),
    Variable(
        "SLACK_API_URL",
        f"`{SLACK_API_URL_DEFAULT}`",
        "Base URL of Slack's Web API, for proxies, GovSlack (`https://slack-gov.com/api/`) and tests.",
    ),
    Variable(
        "INCIDENT_CHANNEL_PATTERN",
        f"`{DEFAULT_INCIDENT_CHANNEL_PATTERN}`",
        "Comma-separated shell patterns; a channel whose name matches one is an incident channel.",
    ),
    Variable(
        "DEFAULT_TIMEZONE",
        "`UTC`",
        "IANA zone for times stated without a zone by authors whose Slack time zone is unknown, "
        "and for the reminder schedule.",
    ),
    Variable(
        "EMOJI_MARKS",
        "`boom=impact_start,rotating_light=detection,eyes=acknowledgment,adhesive_bandage=mitigation,"
        "white_check_mark=resolution,pushpin=key_event`",
        "Which reaction marks what: the whole map, as `emoji=mark` pairs. Marks: impact_start, detection, "
        "acknowledgment, mitigation, resolution, key_event.",
    ),
    Variable(
        "POSTMORTEM_CHANNEL",
        "(unset)",
        "Channel id (`C…`) or `#name` where every postmortem is linked and 48-hour escalations are repeated; "
        "archived incident channels' reminders go here too.",
    ),
    Variable(
        "POSTMORTEM_OPEN_AFTER",
        "`24h`",
        "How long after resolution the bot opens the postmortem thread itself if nobody has "
        "(`90m`, `24h`, `2d`).",
    ),
    Variable(
        "POSTMORTEM_REQUIRED_SEVERITIES",
        "`SEV1,SEV2`",
        "Severities that require a postmortem; for the others the bot asks once whether one is wanted.",
    ),
    Variable(
        "REMINDER_SCHEDULE",
        f"`{DEFAULT_SCHEDULE}`",
        "When the weekly action-item reminders go out: a weekday and a 24-hour time in "
        "`DEFAULT_TIMEZONE` (`mon 09:00`, `friday 16:30`).",
    ),
    Variable(
        "LOG_LEVEL",
        "`INFO` for `run`, `WARNING` for the other commands",
        "DEBUG, INFO, WARNING or ERROR. Unset, one-shot commands log only warnings (add `--verbose` "
        "for their progress, database migrations' included); set, every command logs at that level.",
    ),
)

_TOKEN_PREFIXES = {"SLACK_BOT_TOKEN": "xoxb-", "SLACK_APP_TOKEN": "xapp-"}
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SEVERITIES = ("SEV1", "SEV2", "SEV3", "SEV4")


def _where(name: str) -> str:
    return next(v.meaning for v in VARIABLES if v.name == name)


@dataclass(frozen=True)
class Settings:
    database_url: str
    slack_api_url: str = SLACK_API_URL_DEFAULT
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    incident_channel_patterns: tuple[str, ...] = ("inc-*", "incident-*")
    default_timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    emoji_marks: Mapping[str, Mark] = field(default_factory=lambda: dict(DEFAULT_EMOJI_MARKS))
    postmortem_channel: str | None = None
    postmortem_open_after: timedelta = timedelta(hours=24)
    required_severities: frozenset[str] = frozenset({"SEV1", "SEV2"})
    log_level: str | None = None  # None: unset, each command picks its own (bot/cli)
    reminder_schedule: Schedule = field(default_factory=lambda: parse_schedule(DEFAULT_SCHEDULE))

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate every variable; raise ConfigError listing all problems at once."""
        env = os.environ if env is None else env
        problems: list[str] = []

        def get(name: str) -> str | None:
            value = env.get(name, "").strip()
            return value or None

        tokens: dict[str, str | None] = {}
        for name, prefix in _TOKEN_PREFIXES.items():
            value = get(name)
            if value is not None and not value.startswith(prefix):
                problems.append(f"{name} must start with '{prefix}'. {_where(name)}")
            tokens[name] = value

        api_url = get("SLACK_API_URL") or SLACK_API_URL_DEFAULT
        if not re.match(r"^https?://[^/\s]+", api_url):
            problems.append(f"SLACK_API_URL must be an http(s) URL, got {api_url!r}.")
        if not api_url.endswith("/"):
            api_url += "/"

        patterns = tuple(
            p.strip()
            for p in (get("INCIDENT_CHANNEL_PATTERN") or DEFAULT_INCIDENT_CHANNEL_PATTERN).split(",")
            if p.strip()
        )
        if not patterns:
            problems.append("INCIDENT_CHANNEL_PATTERN has no pattern in it, e.g. 'inc-*,incident-*'.")

        tz_name = get("DEFAULT_TIMEZONE") or "UTC"
        try:
            tz = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            problems.append(
                f"DEFAULT_TIMEZONE {tz_name!r} is not an IANA time zone name, e.g. 'UTC' or 'Europe/Berlin'."
            )
            tz = ZoneInfo("UTC")

        emoji_marks: Mapping[str, Mark] = dict(DEFAULT_EMOJI_MARKS)
        if spec := get("EMOJI_MARKS"):
            try:
                emoji_marks = parse_emoji_marks(spec)
            except ValueError as error:
                problems.append(f"EMOJI_MARKS: {error}")

        open_after = timedelta(hours=24)
        try:
            open_after = parse_duration(get("POSTMORTEM_OPEN_AFTER") or "24h")
        except ValueError as error:
            problems.append(f"POSTMORTEM_OPEN_AFTER: {error}.")

        severities = frozenset(
            s.strip().upper().replace(" ", "").replace("-", "")
            for s in (get("POSTMORTEM_REQUIRED_SEVERITIES") or "SEV1,SEV2").split(",")
            if s.strip()
        )
        if bad := sorted(s for s in severities if s not in SEVERITIES):
            problems.append(
                f"POSTMORTEM_REQUIRED_SEVERITIES: {', '.join(bad)} not one of {', '.join(SEVERITIES)}."
            )

        postmortem_channel = get("POSTMORTEM_CHANNEL")
        if postmortem_channel and not re.fullmatch(
            r"#?[a-z0-9][a-z0-9_-]{0,79}|[CG][A-Z0-9]{6,}", postmortem_channel
        ):
            problems.append(
                f"POSTMORTEM_CHANNEL must be a channel id like C0123ABCD or a name like #postmortems, "
                f"got {postmortem_channel!r}."
            )

        reminder_schedule = parse_schedule(DEFAULT_SCHEDULE)
        try:
            reminder_schedule = parse_schedule(get("REMINDER_SCHEDULE") or DEFAULT_SCHEDULE)
        except ValueError as error:
            problems.append(f"REMINDER_SCHEDULE: {error}")

        log_level = (get("LOG_LEVEL") or "").upper() or None
        if log_level is not None and log_level not in _LOG_LEVELS:
            problems.append(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}, got {log_level!r}.")

        database_url = get("DATABASE_URL") or default_database_url()
        if problem := database_url_problem(database_url):
            problems.append(problem)

        if problems:
            raise ConfigError(problems)
        return cls(
            database_url=database_url,
            slack_api_url=api_url,
            slack_bot_token=tokens["SLACK_BOT_TOKEN"],
            slack_app_token=tokens["SLACK_APP_TOKEN"],
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            incident_channel_patterns=patterns,
            default_timezone=tz,
            emoji_marks=emoji_marks,
            postmortem_channel=postmortem_channel,
            postmortem_open_after=open_after,
            required_severities=severities,
            log_level=log_level,
            reminder_schedule=reminder_schedule,
        )

    def require_slack(self, *, receiving: bool = True) -> None:
        """Raise ConfigError unless the bot can talk to Slack in the mode these settings select;
        `receiving=False`: only to call Slack (a one-shot command hears nothing, so needs no secret)."""
        missing: list[str] = []
        if not self.slack_bot_token:
            missing.append(f"SLACK_BOT_TOKEN is not set. {_where('SLACK_BOT_TOKEN')}")
        if receiving and not self.socket_mode and not self.slack_signing_secret:
            missing.append(
                "SLACK_SIGNING_SECRET is not set (needed in HTTP mode). "
                f"{_where('SLACK_SIGNING_SECRET')} Or set SLACK_APP_TOKEN to use Socket Mode."
            )
        if missing:
            raise ConfigError(missing)


def default_database_url() -> str:
    return f"sqlite:///{Path.cwd() / DEFAULT_DATABASE_FILE}"


# What DATABASE_URL may name: SQLite through the standard library, PostgreSQL through psycopg 3.
_SQLITE_DRIVERS = ("sqlite", "sqlite+pysqlite")
_POSTGRES_DRIVERS = ("postgresql", "postgres", "postgresql+psycopg")
_URL_EXAMPLES = "sqlite:///postmortem-bot.db or postgresql://user:password@host:5432/database"


def database_url_problem(url: str) -> str | None:
    """None when `url` names a database this bot can use; otherwise what is wrong, naming
    DATABASE_URL and what it holds (its password hidden)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(normalise_database_url(url))
    except (ArgumentError, ValueError):
        return f"DATABASE_URL must be a database URL like {_URL_EXAMPLES}, got {_hide_password(url)!r}."
    shown = make_url(url).render_as_string(hide_password=True) if "://" in url else url
    driver = make_url(url).drivername
    if driver in _SQLITE_DRIVERS:
        if parsed.database in (None, "", ":memory:"):
            return (
                f"DATABASE_URL {shown!r} names an in-memory SQLite database, gone when the bot stops; "
                "name a file, e.g. sqlite:///postmortem-bot.db."
            )
        return None
    if driver in _POSTGRES_DRIVERS:
        if importlib.util.find_spec("psycopg") is None:
            return (
                f"DATABASE_URL {shown!r} is PostgreSQL, whose driver (psycopg 3) is not installed: "
                "install the postgres extra, e.g. pip install 'postmortem-bot[postgres]'."
            )
        return None
    backend = driver.partition("+")[0]
    why = (
        "postmortem-bot talks to PostgreSQL through psycopg 3: write postgresql://… with no driver"
        if backend in ("postgresql", "postgres")
        else f"postmortem-bot does not support {backend}"
    )
    return f"DATABASE_URL must be a SQLite or PostgreSQL URL like {_URL_EXAMPLES}, got {shown!r}: {why}."


def _hide_password(url: str) -> str:
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def normalise_database_url(url: str) -> str:
    """Plain postgresql:// URLs use psycopg 3 (SQLAlchemy would otherwise pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def parse_duration(text: str) -> timedelta:
    """'24h', '90m', '2d', '30s' → timedelta."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text.lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"{text!r} is not a duration like '24h', '90m' or '2d'")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})
