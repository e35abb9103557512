"""Imports point one way: each room of bot/ keeps out of the rooms and libraries its rule forbids.

The rules and the checker live in tests/architecture.py. The `real` tests hold bot/ to them; the
`fence` tests plant one import at a time in a small tree and check the checker sees exactly it, so an
empty result on bot/ means something.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.architecture import (
    BEYOND_ROOT,
    DYNAMIC,
    MAX_MODULE_LINES,
    RULES,
    RoomMissing,
    Rule,
    by_file,
    check,
    check_all,
    explain,
    long_modules,
    unmapped_modules,
)

BOT = Path(__file__).resolve().parents[1] / "bot"


# --- bot/ as it is ------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.room)
def test_real_room_keeps_its_fence(rule: Rule) -> None:
    try:
        violations = check(BOT, rule)
    except RoomMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    assert violations == [], explain(violations)


def test_real_every_module_lives_in_a_room() -> None:
    """A module in no room (and not composition) is under no fence at all."""
    assert unmapped_modules(BOT) == []


def test_real_modules_stay_under_the_line_limit() -> None:
    too_long = long_modules(BOT)
    assert too_long == {}, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"


# --- the fence catches it -----------------------------------------------------------------------

# A minimal tree with every room, and in each the imports its rule allows.
CLEAN_TREE = {
    "__init__.py": "",
    "__main__.py": "from bot.cli import main\n",
    "app.py": "import sqlalchemy\nimport slack_bolt\nfrom bot.store import models\n",
    "cli.py": "from bot import app, scheduling\n",
    "web.py": "from bot.runtime import Runtime\n",
    "runtime.py": "from sqlalchemy.orm import Session\nfrom bot.store.db import make_engine\n",
    "config.py": "import os\nfrom dataclasses import dataclass\n",
    "clock.py": "from datetime import UTC, datetime\n",
    "scheduling.py": (
        "import apscheduler\nfrom bot.services import reminders\nfrom bot.runtime import Runtime\n"
    ),
    "domain/__init__.py": "",
    "domain/timeline.py": (
        "import re\nfrom dateutil import rrule\nfrom bot.domain.errors import DomainError\n"
    ),
    "domain/errors.py": "class DomainError(Exception): ...\n",
    "store/__init__.py": "",
    "store/models.py": "from sqlalchemy.orm import DeclarativeBase\nfrom bot.domain import timeline\n",
    "store/db.py": "import sqlalchemy\nimport psycopg\nfrom bot.config import Settings\n",
    "store/migrate.py": "from alembic import command\nfrom . import db\n",
    "store/messages.py": "from sqlalchemy import select\nfrom .models import Message\n",
    "outbound/__init__.py": "",
    "outbound/slack/__init__.py": "",
    "outbound/slack/web.py": "from slack_sdk import WebClient\nfrom bot.config import Settings\n",
    "outbound/slack/messenger.py": "from .render import blocks\nfrom ..slack import web\n",
    "outbound/slack/render/__init__.py": "",
    "outbound/slack/render/blocks.py": "from bot.domain.timeline import Timeline\n",
    "services/__init__.py": "",
    "services/reminders.py": (
        "from bot.store import messages\nfrom bot.outbound.slack.messenger import Messenger\n"
        "from bot.runtime import Runtime\nfrom bot.clock import Clock\nfrom bot.config import Settings\n"
        "from . import capture\n"
    ),
    "services/capture.py": "from bot.domain import timeline\n",
    "inbound/__init__.py": "",
    "inbound/slack/__init__.py": "",
    "inbound/slack/commands.py": (
        "from slack_bolt import App\nfrom bot.services import reminders\n"
        "from bot.outbound.slack.render import blocks\nfrom bot.outbound.slack import ids\n"
        "from bot.runtime import Runtime\nfrom bot.config import Settings\n"
    ),
}


def plant_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "bot"
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source))
    return root


def planted(tmp_path: Path, where: str, source: str) -> Path:
    """The clean tree, plus `source` written to `where` (replacing what was there)."""
    return plant_tree(tmp_path, {**CLEAN_TREE, where: source})


def test_fence_clean_tree_has_no_violations(tmp_path: Path) -> None:
    root = plant_tree(tmp_path, CLEAN_TREE)
    assert check_all(root) == []
    assert unmapped_modules(root) == []


CAUGHT = [
    # where (under bot/), source, module reported, the rule's forbidden entry
    pytest.param(
        "domain/planted.py", "import sqlalchemy", "sqlalchemy", "sqlalchemy", id="domain-sqlalchemy"
    ),
    pytest.param(
        "domain/planted.py", "from ..store import models", "bot.store", "bot.*", id="domain-relative-store"
    ),
    pytest.param(
        "domain/planted.py", "from bot import store", "bot.store", "bot.*", id="domain-from-bot-import"
    ),
    pytest.param(
        "domain/planted.py", "from bot.config import Settings", "bot.config", "bot.*", id="domain-config"
    ),
    pytest.param("domain/planted.py", "import bot.clock", "bot.clock", "bot.*", id="domain-import-dotted"),
    pytest.param(
        "domain/planted.py",
        """
        try:
            import psycopg
        except ImportError:
            psycopg = None
        """,
        "psycopg",
        "psycopg",
        id="domain-try-except",
    ),
    pytest.param(
        "domain/planted.py",
        "orm = __import__('sqlalchemy.orm')",
        "sqlalchemy.orm",
        "sqlalchemy",
        id="domain-dunder",
    ),
    pytest.param(
        "domain/blameless/scanner.py",
        "from ...store import db",
        "bot.store",
        "bot.*",
        id="domain-deep-relative",
    ),
    pytest.param(
        "domain/__init__.py", "from .. import runtime", "bot.runtime", "bot.*", id="domain-init-relative"
    ),
    pytest.param(
        "store/planted.py",
        "from bot.outbound.slack import messenger",
        "bot.outbound.slack",
        "bot.outbound",
        id="store-outbound-messenger",
    ),
    pytest.param(
        "store/planted.py",
        """
        def client():
            import slack_sdk

            return slack_sdk.WebClient()
        """,
        "slack_sdk",
        "slack_sdk",
        id="store-slack-sdk-in-function",
    ),
    pytest.param(
        "store/__init__.py",
        "from .. import services",
        "bot.services",
        "bot.services",
        id="store-init-relative",
    ),
    pytest.param(
        "outbound/slack/planted.py",
        "from bot.store.models import Channel",
        "bot.store.models",
        "bot.store",
        id="outbound-store-models",
    ),
    pytest.param(
        "outbound/slack/planted.py",
        "from ...services import x",
        "bot.services",
        "bot.services",
        id="outbound-relative-two-up",
    ),
    pytest.param(
        "services/planted.py",
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from slack_sdk import WebClient
        """,
        "slack_sdk",
        "slack_sdk",
        id="services-type-checking",
    ),
    pytest.param(
        "services/planted.py",
        "from sqlalchemy import select",
        "sqlalchemy",
        "sqlalchemy",
        id="services-sqlalchemy",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.store.models import Channel",
        "bot.store.models",
        "bot.store.models",
        id="services-store-models",
    ),
    pytest.param(
        "services/planted.py",
        "import bot.store.db",
        "bot.store.db",
        "bot.store.db",
        id="services-import-store-db",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.store import messages, migrate",
        "bot.store.migrate",
        "bot.store.migrate",
        id="services-store-migrate-among-repositories",
    ),
    pytest.param(
        "services/__init__.py",
        "from ..store import models",
        "bot.store.models",
        "bot.store.models",
        id="services-init-relative-models",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.outbound.slack.render import blocks",
        "bot.outbound.slack.render",
        "bot.outbound.slack.render",
        id="services-render-blocks",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.outbound.slack import render",
        "bot.outbound.slack.render",
        "bot.outbound.slack.render",
        id="services-render-by-name",
    ),
    pytest.param(
        "services/planted.py",
        "from ..outbound.slack import web",
        "bot.outbound.slack.web",
        "bot.outbound.slack.web",
        id="services-relative-web-client",
    ),
    pytest.param(
        "inbound/planted.py",
        "from bot.store import messages",
        "bot.store",
        "bot.store",
        id="inbound-store-repository",
    ),
    pytest.param(
        "inbound/planted.py", "from bot.store import *", "bot.store", "bot.store", id="inbound-star"
    ),
    pytest.param(
        "inbound/slack/planted.py", "import sqlalchemy as sa", "sqlalchemy", "sqlalchemy", id="inbound-alias"
    ),
    pytest.param(
        "inbound/planted.py",
        """
        import importlib

        db = importlib.import_module("bot.store.db")
        """,
        "bot.store.db",
        "bot.store",
        id="inbound-import-module",
    ),
    pytest.param(
        "inbound/planted.py",
        """
        from importlib import import_module

        store = import_module("..store", __package__)
        """,
        "bot.store",
        "bot.store",
        id="inbound-import-module-relative",
    ),
    pytest.param(
        "scheduling.py",
        "from bot.store import events",
        "bot.store",
        "bot.store",
        id="scheduling-store-events",
    ),
    pytest.param(
        "config.py",
        "from bot.store import db",
        "bot.store",
        "bot.store",
        id="config-store-db",
    ),
    pytest.param(
        "inbound/slack/planted.py",
        "from bot.outbound.slack.web import make_web_client",
        "bot.outbound.slack.web",
        "bot.outbound.slack.web",
        id="inbound-web-client",
    ),
    pytest.param(
        "scheduling.py",
        "from slack_sdk import WebClient",
        "slack_sdk",
        "slack_sdk",
        id="scheduling-slack-sdk",
    ),
    pytest.param(
        "clock.py", "from . import runtime", "bot.runtime", "bot.runtime", id="clock-relative-runtime"
    ),
    pytest.param(
        "domain/planted.py",
        """
        import importlib

        def load(name):
            return importlib.import_module(name)
        """,
        "importlib.import_module(name)",
        DYNAMIC,
        id="domain-dynamic-name",
    ),
    pytest.param(
        "domain/planted.py",
        "from ... import elsewhere",
        "from ... import elsewhere",
        BEYOND_ROOT,
        id="beyond-root",
    ),
    # import_module and __import__ under another name.
    pytest.param(
        "inbound/planted.py",
        """
        from importlib import import_module as im

        models = im("bot.store.models")
        """,
        "bot.store.models",
        "bot.store",
        id="inbound-import-module-alias",
    ),
    pytest.param(
        "inbound/planted.py",
        """
        import importlib as il

        store = il.import_module("bot.store")
        """,
        "bot.store",
        "bot.store",
        id="inbound-importlib-alias",
    ),
    pytest.param(
        "inbound/planted.py",
        """
        import importlib

        db = getattr(importlib, "import_module")("bot.store.db")
        """,
        "bot.store.db",
        "bot.store",
        id="inbound-getattr-import-module",
    ),
    pytest.param(
        "inbound/planted.py",
        """
        import importlib

        load = importlib.import_module
        again = load
        store = again("..store", __package__)
        """,
        "bot.store",
        "bot.store",
        id="inbound-import-module-assigned",
    ),
    pytest.param(
        "domain/planted.py",
        "from builtins import __import__ as imp\n\norm = imp('sqlalchemy.orm')",
        "sqlalchemy.orm",
        "sqlalchemy",
        id="domain-dunder-alias",
    ),
    pytest.param(
        "domain/planted.py",
        "load = __import__\npsycopg = load('psycopg')",
        "psycopg",
        "psycopg",
        id="domain-dunder-assigned",
    ),
    # Code in a constant string is code.
    pytest.param(
        "services/planted.py",
        "exec('import bot.store.models')",
        "bot.store.models",
        "bot.store.models",
        id="services-exec-import",
    ),
    pytest.param(
        "services/planted.py",
        "exec('from bot.store import messages, db')",
        "bot.store.db",
        "bot.store.db",
        id="services-exec-from-import",
    ),
    pytest.param(
        "domain/planted.py",
        "psycopg = eval(\"__import__('psycopg')\")",
        "psycopg",
        "psycopg",
        id="domain-eval-dunder",
    ),
    pytest.param(
        "domain/planted.py",
        "exec('from importlib import import_module as im\\nim(\"sqlalchemy\")')",
        "sqlalchemy",
        "sqlalchemy",
        id="domain-exec-alias-inside",
    ),
    pytest.param(
        "domain/planted.py",
        "def run(source):\n    exec(source)",
        "exec(source)",
        DYNAMIC,
        id="domain-exec-unreadable",
    ),
    pytest.param(
        "domain/planted.py", "exec('import (')", "exec('import (')", DYNAMIC, id="domain-exec-not-python"
    ),
    # Attribute chains through an allowed package reach the forbidden module.
    pytest.param(
        "services/planted.py",
        """
        import bot.store

        def channel():
            return bot.store.models.Channel
        """,
        "bot.store.models",
        "bot.store.models",
        id="services-attribute-through-package",
    ),
    pytest.param(
        "services/planted.py",
        "from bot import store\n\nChannel = store.models.Channel",
        "bot.store.models",
        "bot.store.models",
        id="services-attribute-from-package",
    ),
    pytest.param(
        "services/planted.py",
        "from .. import store\n\nengine = store.db.make_engine()",
        "bot.store.db",
        "bot.store.db",
        id="services-attribute-relative",
    ),
    pytest.param(
        "services/planted.py",
        "import bot.outbound.slack as slack\n\nClient = slack.web.WebClient",
        "bot.outbound.slack.web",
        "bot.outbound.slack.web",
        id="services-attribute-web-client",
    ),
    pytest.param(
        "domain/planted.py",
        "import bot\n\nChannel = bot.store.models.Channel",
        "bot.store.models",
        "bot.*",
        id="domain-attribute-through-bot",
    ),
    pytest.param(
        "inbound/planted.py",
        "import bot.store\n\nChannel = bot.store.models.Channel",
        "bot.store",
        "bot.store",
        id="inbound-import-then-attribute-reported-once",
    ),
    # Names an allowed module re-exports are what it imported them from.
    pytest.param(
        "services/planted.py",
        "from bot.runtime import Session",
        "sqlalchemy.orm",
        "sqlalchemy",
        id="services-runtime-reexports-session",
    ),
    pytest.param(
        "inbound/slack/planted.py",
        "from bot.runtime import Session as S",
        "sqlalchemy.orm",
        "sqlalchemy",
        id="inbound-runtime-reexports-session",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.runtime import make_engine",
        "bot.store.db",
        "bot.store.db",
        id="services-runtime-reexports-store-db",
    ),
    pytest.param(
        "services/planted.py",
        "import bot.runtime\n\nSession = bot.runtime.Session",
        "sqlalchemy.orm",
        "sqlalchemy",
        id="services-runtime-attribute-session",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.store import messages\n\nquery = messages.select()",
        "sqlalchemy",
        "sqlalchemy",
        id="services-repository-attribute-select",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.store import messages\n\nMessage = messages.Message",
        "bot.store.models",
        "bot.store.models",
        id="services-repository-attribute-model",
    ),
]


@pytest.mark.parametrize(("where", "source", "module", "target"), CAUGHT)
def test_fence_catches_it(tmp_path: Path, where: str, source: str, module: str, target: str) -> None:
    root = planted(tmp_path, where, source)
    violations = check_all(root)

    path = f"bot/{where}"
    assert by_file(violations) == {path: [module]}, explain(violations)
    [violation] = violations
    room = next(rule.room for rule in RULES if f"bot/{where}".startswith(rule.room.replace(".", "/")))
    assert (violation.room, violation.target) == (room, target)
    assert f"{room} → {target}" in explain(violations)


LET_THROUGH = [
    pytest.param("services/planted.py", "from bot.store import messages", id="services-store-repository"),
    pytest.param(
        "services/planted.py", "from bot.outbound.slack.messenger import Messenger", id="services-messenger"
    ),
    pytest.param(
        "inbound/planted.py", "from bot.outbound.slack.render import blocks", id="inbound-renderers"
    ),
    pytest.param("inbound/planted.py", "from bot.storefront import x", id="prefix-is-not-a-match"),
    pytest.param("config.py", "from bot.domain.timeline import Mark", id="config-reads-with-the-domain"),
    pytest.param("services/planted.py", "import bot.store_helpers", id="prefix-is-not-a-match-dotted"),
    pytest.param("domain/planted.py", "from . import timeline", id="domain-relative-own-room"),
    pytest.param("domain/__init__.py", "from . import timeline", id="domain-init-relative-own-room"),
    pytest.param(
        "domain/planted.py", "from bot.domain import errors\nimport bot.domain", id="domain-own-room"
    ),
    pytest.param(
        "domain/planted.py",
        "from dateutil.relativedelta import relativedelta\nimport importlib\nimportlib.import_module('json')",
        id="domain-pure-libraries",
    ),
    pytest.param(
        "store/planted.py", "from ..domain import timeline\nfrom .. import config", id="store-relative-up"
    ),
    pytest.param(
        "app.py",
        "import apscheduler\nfrom bot.inbound.slack import commands\nfrom bot.store import db",
        id="app",
    ),
    pytest.param(
        "domain/planted.py",
        "from importlib import import_module as im\nimport importlib as il\n"
        "im('json')\nil.import_module('re')\ngetattr(il, 'invalidate_caches')()",
        id="domain-import-module-alias-of-a-library",
    ),
    pytest.param("services/planted.py", "exec('x = 1')\neval('1 + 1')", id="services-exec-without-imports"),
    pytest.param(
        "services/planted.py", "exec('from bot.store import messages')", id="services-exec-repository"
    ),
    pytest.param(
        "services/planted.py",
        "import bot.store\nfrom bot import store\n\nbot.store.messages.add()\nstore.messages.add()",
        id="services-attribute-to-a-repository",
    ),
    pytest.param(
        "services/planted.py",
        "import bot.outbound.slack\n\nMessenger = bot.outbound.slack.messenger.Messenger",
        id="services-attribute-to-the-messenger",
    ),
    pytest.param(
        "domain/planted.py",
        "import bot\n\nTimeline = bot.domain.timeline.Timeline",
        id="domain-attribute-own-room",
    ),
    pytest.param(
        "services/planted.py",
        "def models_of(store):\n    return store.models",
        id="services-attribute-on-a-name-no-import-bound",
    ),
    pytest.param(
        "services/planted.py",
        "from bot.runtime import Runtime\nfrom bot.store import messages\n\nmessages.add(Runtime)",
        id="services-runtime-own-name",
    ),
    pytest.param("inbound/planted.py", "from bot.runtime import Runtime", id="inbound-runtime-own-name"),
    pytest.param(
        "inbound/planted.py",
        "from bot.services.capture import timeline\nfrom bot.services import capture\n\n"
        "capture.timeline.Timeline",
        id="inbound-reexported-domain-module",
    ),
]


@pytest.mark.parametrize(("where", "source"), LET_THROUGH)
def test_fence_lets_allowed_imports_through(tmp_path: Path, where: str, source: str) -> None:
    violations = check_all(planted(tmp_path, where, source))
    assert violations == [], explain(violations)


# Laundering through an allowed module, planted over more than one file.
LAUNDERED = [
    # files planted over the clean tree, {file: [modules reported]}, the rule's forbidden entry
    pytest.param(
        {
            "services/capture.py": "from bot.store import messages as store\n",
            "inbound/planted.py": "from bot.services.capture import store\n",
        },
        {"bot/inbound/planted.py": ["bot.store.messages"]},
        "bot.store",
        id="inbound-module-alias-of-a-service",
    ),
    pytest.param(
        {
            "services/capture.py": "from .registry import store\n",
            "services/registry.py": "from bot.store import messages as store\n",
            "inbound/planted.py": "from bot.services.capture import store\n",
        },
        {"bot/inbound/planted.py": ["bot.store.messages"]},
        "bot.store",
        id="inbound-module-alias-two-hops",
    ),
    pytest.param(
        {
            "services/capture.py": "import bot.store.messages as store\n",
            "inbound/planted.py": "from bot.services import capture\n\ncapture.store.add()\n",
        },
        {"bot/inbound/planted.py": ["bot.store.messages"]},
        "bot.store",
        id="inbound-attribute-through-a-service",
    ),
    pytest.param(
        {
            "services/capture.py": "from bot.store.messages import add\n",
            "inbound/planted.py": "from bot.services.capture import add\n",
        },
        {"bot/inbound/planted.py": ["bot.store.messages"]},
        "bot.store",
        id="inbound-repository-function-a-service-reexports",
    ),
    pytest.param(
        {
            "services/capture.py": "exec('from bot.store import messages as store')\n",
            "inbound/planted.py": "from bot.services.capture import store\n",
        },
        {"bot/inbound/planted.py": ["bot.store.messages"]},
        "bot.store",
        id="inbound-module-alias-made-by-exec",
    ),
    pytest.param(
        {
            "runtime.py": "from sqlalchemy.orm import *\n\nclass Runtime: ...\n",
            "services/planted.py": "from bot.runtime import Session\n",
        },
        {"bot/services/planted.py": ["sqlalchemy.orm"]},
        "sqlalchemy",
        id="services-name-a-star-import-brought",
    ),
    pytest.param(
        {"services/planted.py": "from bot.runtime import *\n"},
        {"bot/services/planted.py": ["bot.store.db", "sqlalchemy.orm"]},
        None,
        id="services-star-import-of-reexports",
    ),
]


@pytest.mark.parametrize(("files", "expected", "target"), LAUNDERED)
def test_fence_catches_laundering(
    tmp_path: Path, files: dict[str, str], expected: dict[str, list[str]], target: str | None
) -> None:
    violations = check_all(plant_tree(tmp_path, {**CLEAN_TREE, **files}))
    assert by_file(violations) == expected, explain(violations)
    if target is not None:
        assert {v.target for v in violations} == {target}


@pytest.mark.parametrize(
    "files",
    [
        pytest.param(
            {
                "services/capture.py": "from bot.services.reminders import store\n",
                "services/reminders.py": "from bot.services.capture import store\n",
                "inbound/planted.py": "from bot.services.capture import store\nstore.add()\n",
            },
            id="a-cycle-of-reexports",
        ),
        pytest.param(
            {
                "services/capture.py": "from bot.domain.timeline import Timeline\n",
                "inbound/planted.py": "from bot.services.capture import Timeline\n",
            },
            id="inbound-a-domain-class-a-service-reexports",
        ),
        pytest.param(
            {
                "services/capture.py": "from bot.store import messages as store\n",
                "services/planted.py": "from bot.services.capture import store\n\nstore.add()\n",
            },
            id="services-may-have-the-repository-the-alias-names",
        ),
        pytest.param(
            {
                "runtime.py": "from sqlalchemy.orm import *\n\nclass Runtime: ...\n",
                "services/planted.py": "from bot.runtime import Runtime\n",
            },
            id="a-star-import-does-not-own-what-the-module-defines",
        ),
    ],
)
def test_fence_lets_allowed_reexports_through(tmp_path: Path, files: dict[str, str]) -> None:
    violations = check_all(plant_tree(tmp_path, {**CLEAN_TREE, **files}))
    assert violations == [], explain(violations)


@pytest.mark.parametrize(
    ("where", "source", "line"),
    [
        pytest.param("domain/planted.py", "x = 1\n\nexec('import re\\nimport sqlalchemy')", 3, id="exec"),
        pytest.param(
            "services/planted.py",
            "from bot import store\n\n\ndef f():\n    return store.models.Channel",
            5,
            id="attribute-use",
        ),
        pytest.param("services/planted.py", "import json\nfrom bot.runtime import Session", 2, id="reexport"),
    ],
)
def test_fence_reports_the_line_that_does_it(tmp_path: Path, where: str, source: str, line: int) -> None:
    [violation] = check_all(planted(tmp_path, where, source))
    assert violation.line == line, explain([violation])


@pytest.mark.parametrize("room", ["inbound", "config.py"])
def test_fence_fails_on_a_missing_room(tmp_path: Path, room: str) -> None:
    files = {name: source for name, source in CLEAN_TREE.items() if not name.startswith(room)}
    root = plant_tree(tmp_path, files)
    with pytest.raises(RoomMissing, match=r"room missing: bot\.(inbound|config)"):
        check_all(root)


def test_fence_sees_a_room_that_is_a_package_or_a_module(tmp_path: Path) -> None:
    files = {name: source for name, source in CLEAN_TREE.items() if name != "scheduling.py"}
    files["scheduling/__init__.py"] = ""
    files["scheduling/jobs.py"] = "from ..store import events\n"
    assert by_file(check_all(plant_tree(tmp_path, files))) == {"bot/scheduling/jobs.py": ["bot.store"]}


def test_fence_finds_modules_in_no_room(tmp_path: Path) -> None:
    root = plant_tree(tmp_path, {**CLEAN_TREE, "slack/listeners.py": "import sqlalchemy\n"})
    assert unmapped_modules(root) == ["bot/slack/listeners.py"]


def test_fence_counts_lines(tmp_path: Path) -> None:
    root = plant_tree(
        tmp_path,
        {
            "__init__.py": "",
            "domain/just_right.py": "x = 1\n" * MAX_MODULE_LINES,
            "domain/too_long.py": "x = 1\n" * (MAX_MODULE_LINES + 1),
        },
    )
    assert long_modules(root) == {"bot/domain/too_long.py": MAX_MODULE_LINES + 1}
