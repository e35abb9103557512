"""Imports point inward: the domain knows nothing of Slack, storage or services; listeners no SQL."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BOT = Path(__file__).resolve().parents[1] / "bot"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _offending(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in sorted((BOT / folder).rglob("*.py")):
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in forbidden or n.startswith(forbidden))
        if bad:
            found[str(path.relative_to(BOT))] = bad
    return found


def test_the_domain_imports_no_slack_storage_or_services() -> None:
    forbidden = ("slack_bolt", "slack_sdk", "sqlalchemy", "alembic", "apscheduler", "bot.slack", "bot.store")
    forbidden += ("bot.services", "bot.app", "bot.runtime", "bot.cli", "bot.web", "bot.scheduling")
    assert _offending("domain", forbidden) == {}


def test_listeners_do_no_sql() -> None:
    assert _offending("slack/listeners", ("sqlalchemy", "bot.store")) == {}


def test_storage_knows_nothing_of_slack() -> None:
    assert _offending("store", ("slack_bolt", "slack_sdk", "bot.slack", "bot.services")) == {}


@pytest.mark.parametrize("forbidden", [("re",), ("dataclasses",)])
def test_the_check_sees_imports(forbidden: tuple[str, ...]) -> None:
    """The scan finds real imports, so an empty result above means something."""
    assert _offending("domain", forbidden) != {}
