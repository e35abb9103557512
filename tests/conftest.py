"""Fixtures every test may use: databases on SQLite and PostgreSQL, a frozen clock, a Runtime.

Storage tests take `database_url` (or `rt`, `bot`) and so run once per backend; a test that needs
settings or a Runtime but no database takes `no_database_url` (or `bot_without_database`) and runs
once. PostgreSQL comes from POSTMORTEM_TEST_POSTGRES_URL (a maintenance database where tests may
CREATE/DROP DATABASE); without it the PostgreSQL half skips locally, and fails in CI, where it must
never skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bot.app import build_bolt_app
from bot.clock import Clock
from bot.config import Settings, normalise_database_url
from bot.inbound.slack.executor import ListenerPool
from bot.runtime import Runtime
from bot.store import migrate
from bot.web import EVENTS_PATH, Server, make_wsgi_app
from tests.harness import SIGNING_SECRET, SlackSender
from tests.slack_stub import SlackStub
from tests.slack_stub.sdk_check import conformance_problems

BACKENDS = ("sqlite", "postgresql")
PG_ENV = "POSTMORTEM_TEST_POSTGRES_URL"
# One template per test run, so two runs against one server (two developers, CI and a developer)
# cannot drop each other's template.
TEMPLATE_DB = f"pmbot_test_template_{uuid.uuid4().hex[:8]}"
BOT_TOKEN = "xoxb-test-token"


class FrozenClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(datetime(2025, 3, 15, 18, 0, tzinfo=UTC))


def _pg_admin_url() -> str:
    url = os.environ.get(PG_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set: in CI the PostgreSQL tests must run (see .ci/run)")
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (bash .ci/run sets it up)")
    return normalise_database_url(url)


def _pg_url_for(admin_url: str, database: str) -> str:
    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def _pg_execute(admin_url: str, *statements: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated once per run; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_template() -> str:
    """A PostgreSQL database migrated once per run; each test gets `CREATE DATABASE … TEMPLATE` of it."""
    admin = _pg_admin_url()
    _pg_execute(
        admin, f"DROP DATABASE IF EXISTS {TEMPLATE_DB} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE_DB}"
    )
    migrate.upgrade(_pg_url_for(admin, TEMPLATE_DB))
    return admin


def _fresh_pg_database(admin: str, template: str | None) -> Iterator[str]:
    name = f"pmbot_test_{uuid.uuid4().hex[:12]}"
    _pg_execute(admin, f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
    try:
        yield _pg_url_for(admin, name)
    finally:
        _pg_execute(admin, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at the latest migration, private to this test."""
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
    else:
        admin = request.getfixturevalue("pg_template")
        yield from _fresh_pg_database(admin, TEMPLATE_DB)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all, private to this test."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        yield from _fresh_pg_database(_pg_admin_url(), None)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite database: for what is refused before the database is touched, which needs
    no second run on PostgreSQL."""
    path = tmp_path / "record.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def no_database_url(tmp_path: Path) -> str:
    """For a test that needs settings or a Runtime but touches no database, and so runs once, not
    once per backend: nothing is at this URL and SQLite cannot create it (its folder does not exist),
    so a test that does touch it fails."""
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'no.db'}"


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings.from_env({"DATABASE_URL": database_url})


@pytest.fixture
def rt(settings: Settings, clock: FrozenClock) -> Iterator[Runtime]:
    runtime = Runtime.create(settings, clock=clock)
    yield runtime
    runtime.close()


# --- End to end: the real Bolt app over HTTP, its Web API calls going to the Slack stand-in ----------


@pytest.fixture
def slack_stub() -> Iterator[SlackStub]:
    """The local Slack Web API. Every call the bot made is checked against slack-sdk's signatures."""
    stub = SlackStub(bot_token=BOT_TOKEN)
    stub.start()
    try:
        yield stub
    finally:
        stub.stop()
    problems = conformance_problems(stub.calls)
    assert problems == [], "the bot called Slack with arguments slack-sdk does not know:\n" + "\n".join(
        problems
    )


IDLE_TIMEOUT = 10.0  # seconds; only ever reached when a listener hangs (or the box is swamped)


@dataclass
class BotUnderTest:
    """The app as Slack sees it: `slack` sends signed requests, `stub` shows what the app sent back."""

    url: str
    slack: SlackSender
    stub: SlackStub
    rt: Runtime
    listeners: ListenerPool

    def idle(self) -> None:
        """Wait until every listener started by a request already answered has finished.

        The check before asserting that something did NOT happen: once a request's HTTP response is
        back, Bolt has handed its listener to this pool (see bot/inbound/slack/executor.py), so
        when the pool is idle, whatever that request was going to do is done. Fails the test when
        the listeners are still busy after IDLE_TIMEOUT seconds.
        """
        if not self.listeners.wait_idle(IDLE_TIMEOUT):
            pytest.fail(f"the bot's listeners were still busy after {IDLE_TIMEOUT:g}s")


def bot_env(database_url: str, stub: SlackStub, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SLACK_BOT_TOKEN": stub.bot_token,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": stub.url,
        **extra,
    }


@contextmanager
def serving_bot(settings: Settings, stub: SlackStub, clock: Clock) -> Iterator[BotUnderTest]:
    """The Bolt app behind a real HTTP server on a free port (one replica of the bot).

    On the way out the server stops, then the listeners it started are waited for, so no listener
    outlives its test (and its database); a listener still busy after IDLE_TIMEOUT fails the test.
    """
    runtime = Runtime.create(settings, clock=clock)
    listeners = ListenerPool()
    app = make_wsgi_app(build_bolt_app(runtime, listeners=listeners), runtime)
    server = Server(app, "127.0.0.1", 0).start_in_background()
    try:
        sender = SlackSender(server.url + EVENTS_PATH, response_url=stub.response_url)
        yield BotUnderTest(url=server.url, slack=sender, stub=stub, rt=runtime, listeners=listeners)
    finally:
        server.shutdown()
        idle = listeners.wait_idle(IDLE_TIMEOUT)
        listeners.shutdown(wait=idle, cancel_futures=True)
        runtime.close()
    if not idle:
        pytest.fail(f"a listener was still busy {IDLE_TIMEOUT:g}s after the test ended")


@pytest.fixture
def bot(database_url: str, slack_stub: SlackStub, clock: FrozenClock) -> Iterator[BotUnderTest]:
    with serving_bot(Settings.from_env(bot_env(database_url, slack_stub)), slack_stub, clock) as running:
        yield running


@pytest.fixture
def bot_without_database(
    no_database_url: str, slack_stub: SlackStub, clock: FrozenClock
) -> Iterator[BotUnderTest]:
    """The bot, for what it must answer without a database (signatures, paths): runs once."""
    with serving_bot(Settings.from_env(bot_env(no_database_url, slack_stub)), slack_stub, clock) as running:
        yield running
