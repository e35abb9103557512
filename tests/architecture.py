"""The import fences between the rooms of bot/, and an `ast` checker that applies them to any tree.

A rule names a room (a package or a module under the root, e.g. `bot.domain`, `bot.scheduling`) and
the modules it must not import. An entry `x.y` forbids `x.y` and `x.y.*` but not `x.yz`; `bot.*`
forbids every module under bot except the room's own. A room may always import itself.

The checker sees every import a module can make: `import`, `from … import` (relative ones resolved
against the file's own package), imports inside functions, `if TYPE_CHECKING:` and try/except, and
`importlib.import_module` / `__import__` calls. It does not follow imports transitively.

`from a.b import c` imports `a.b` and, if `c` is a submodule, `a.b.c`; both are candidates. When the
package itself is forbidden only it is reported (`from bot.store.models import Channel` reports
`bot.store.models`, not the class); otherwise each forbidden name is (`from bot.outbound.slack import
render` reports `bot.outbound.slack.render`).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_MODULE_LINES = 400

# What the composition root may wire together; no rule of its own.
COMPOSITION = ("bot.app", "bot.cli", "bot.web", "bot.__main__", "bot.runtime")

_LEAF_FORBIDDEN = (
    "bot.domain",
    "bot.store",
    "bot.services",
    "bot.inbound",
    "bot.outbound",
    "bot.app",
    "bot.cli",
    "bot.web",
    "bot.scheduling",
    "bot.runtime",
)

BEYOND_ROOT = "a relative import beyond the top package"
DYNAMIC = "a dynamic import whose target the fence cannot read"


@dataclass(frozen=True)
class Rule:
    room: str
    forbidden: tuple[str, ...]

    def target_of(self, module: str) -> str | None:
        """The forbidden entry `module` falls under, or None if this room may import it."""
        if _under(module, self.room):
            return None
        return next((entry for entry in self.forbidden if _under(module, entry)), None)


RULES = (
    Rule(
        "bot.domain",
        ("slack_bolt", "slack_sdk", "sqlalchemy", "alembic", "apscheduler", "psycopg", "bot.*"),
    ),
    Rule(
        "bot.store",
        (
            "slack_bolt",
            "slack_sdk",
            "apscheduler",
            "bot.services",
            "bot.inbound",
            "bot.outbound",
            "bot.app",
            "bot.cli",
            "bot.web",
            "bot.scheduling",
            "bot.runtime",
        ),
    ),
    Rule(
        "bot.outbound",
        (
            "sqlalchemy",
            "alembic",
            "apscheduler",
            "slack_bolt",
            "bot.store",
            "bot.services",
            "bot.inbound",
            "bot.app",
            "bot.cli",
            "bot.web",
            "bot.scheduling",
            "bot.runtime",
        ),
    ),
    Rule(
        "bot.services",
        (
            "slack_sdk",
            "slack_bolt",
            "sqlalchemy",
            "alembic",
            "apscheduler",
            # Repositories yes; the models and the session/migration machinery no.
            "bot.store.models",
            "bot.store.db",
            "bot.store.migrate",
            # Services say what to send through the messenger; Block Kit and the WebClient stay out.
            "bot.outbound.slack.render",
            "bot.outbound.slack.web",
            "bot.inbound",
            "bot.app",
            "bot.cli",
            "bot.web",
            "bot.scheduling",
        ),
    ),
    Rule(
        "bot.inbound",
        (
            "sqlalchemy",
            "alembic",
            "apscheduler",
            "slack_sdk",
            "bot.store",
            # Listeners answer through the messenger, never a WebClient of their own.
            "bot.outbound.slack.web",
            "bot.app",
            "bot.cli",
            "bot.scheduling",
        ),
    ),
    Rule("bot.scheduling", ("sqlalchemy", "bot.store", "slack_bolt", "slack_sdk")),
    # Settings parse their values with the domain's own readers (emoji marks, the reminder schedule).
    Rule("bot.config", tuple(room for room in _LEAF_FORBIDDEN if room != "bot.domain")),
    Rule("bot.clock", _LEAF_FORBIDDEN),
)


class RoomMissing(LookupError):
    """A rule names a room with no module in the tree: its fence would pass vacuously."""


@dataclass(frozen=True)
class Violation:
    path: str  # relative to the root's parent: "bot/domain/timeline.py"
    line: int
    module: str  # what was imported
    room: str
    target: str  # the forbidden entry (or the reason) it broke

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.room} → {self.target} (imports {self.module})"


@dataclass(frozen=True)
class _Import:
    line: int
    modules: tuple[str, ...]  # the module named, then the module plus each name imported from it
    unreadable: str | None = None  # the source of an import whose target cannot be known …
    reason: str = ""  # … and why


def _under(module: str, entry: str) -> bool:
    if entry.endswith(".*"):
        return module.startswith(entry[:-1])
    return module == entry or module.startswith(entry + ".")


def _relative(root: Path, path: Path) -> str:
    return path.relative_to(root.parent).as_posix()


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_of(root: Path, path: Path) -> str:
    """The package relative imports in `path` resolve against: an `__init__.py` is its own package."""
    name = module_name(root, path)
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _resolve(package: str, level: int, name: str | None) -> str | None:
    parts = package.split(".") if package else []
    if level > len(parts):
        return None
    base = parts[: len(parts) - level + 1]
    if name:
        base.extend(name.split("."))
    return ".".join(base)


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((kw.value for kw in call.keywords if kw.arg == keyword), None)


def _dynamic(call: ast.Call, package: str) -> _Import | None:
    func = call.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if called not in ("import_module", "__import__"):
        return None
    line = call.lineno
    unreadable = _Import(line, (), ast.unparse(call), DYNAMIC)
    name = _string(_argument(call, 0, "name"))
    if name is None:
        return unreadable
    if called == "import_module":
        level, name = len(name) - len(name.lstrip(".")), name.lstrip(".")
        names: list[str] = []
        if level:
            anchor = _argument(call, 1, "package")
            if isinstance(anchor, ast.Name) and anchor.id == "__package__":
                anchor_name: str | None = package
            else:
                anchor_name = _string(anchor)
            if anchor_name is None:
                return unreadable
            package = anchor_name
    else:
        level_node = _argument(call, 4, "level")
        level = 0
        if level_node is not None:
            if not (isinstance(level_node, ast.Constant) and isinstance(level_node.value, int)):
                return unreadable
            level = level_node.value
        fromlist = _argument(call, 3, "fromlist")
        names = []
        if isinstance(fromlist, ast.List | ast.Tuple):
            strings = [_string(element) for element in fromlist.elts]
            if None in strings:
                return unreadable
            names = [s for s in strings if s is not None and s != "*"]
        elif fromlist is not None and not (isinstance(fromlist, ast.Constant) and fromlist.value is None):
            return unreadable
    base = _resolve(package, level, name) if level else name
    if base is None:
        return _Import(line, (), ast.unparse(call), BEYOND_ROOT)
    return _Import(line, (base, *(f"{base}.{n}" for n in names)))


def imports(root: Path, path: Path) -> Iterator[_Import]:
    """Every import in one file, wherever it stands."""
    package = package_of(root, path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _Import(node.lineno, (alias.name,))
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(package, node.level, node.module) if node.level else node.module
            if base is None:
                yield _Import(node.lineno, (), ast.unparse(node), BEYOND_ROOT)
                continue
            names = (f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
            yield _Import(node.lineno, (base, *names))
        elif isinstance(node, ast.Call):
            found = _dynamic(node, package)
            if found is not None:
                yield found


def room_files(root: Path, room: str) -> list[Path]:
    """The modules of a room, whether it is a package (`bot/store/`) or a module (`bot/config.py`)."""
    head, *rest = room.split(".")
    if head != root.name:
        raise ValueError(f"rule for {room} does not belong under the package {root.name}")
    folder = root.joinpath(*rest)
    module = folder.with_suffix(".py")
    files = sorted(folder.rglob("*.py")) if folder.is_dir() else []
    if module.is_file():
        files.append(module)
    if not files:
        raise RoomMissing(
            f"room missing: {room} has no module — neither {_relative(root, folder)}/ "
            f"nor {_relative(root, module)} exists, so its fence cannot be checked"
        )
    return files


def check(root: Path, rule: Rule) -> list[Violation]:
    found = []
    for path in room_files(root, rule.room):
        where = _relative(root, path)
        for imp in imports(root, path):
            if imp.unreadable is not None:
                found.append(Violation(where, imp.line, imp.unreadable, rule.room, imp.reason))
                continue
            base, *names = imp.modules
            target = rule.target_of(base)
            if target is not None:
                found.append(Violation(where, imp.line, base, rule.room, target))
                continue
            for name in names:
                target = rule.target_of(name)
                if target is not None:
                    found.append(Violation(where, imp.line, name, rule.room, target))
    return found


def check_all(root: Path, rules: Iterable[Rule] = RULES) -> list[Violation]:
    return [violation for rule in rules for violation in check(root, rule)]


def by_file(violations: Iterable[Violation]) -> dict[str, list[str]]:
    """`{file: [forbidden modules it imports]}`."""
    found: dict[str, set[str]] = {}
    for v in violations:
        found.setdefault(v.path, set()).add(v.module)
    return {path: sorted(modules) for path, modules in sorted(found.items())}


def explain(violations: list[Violation]) -> str:
    lines = [f"{len(violations)} forbidden import(s), as file:line: room → forbidden (imports module):"]
    lines += [f"  {v}" for v in sorted(violations, key=lambda v: (v.path, v.line, v.module))]
    lines.append(f"by file: {by_file(violations)}")
    return "\n".join(lines)


def unmapped_modules(root: Path, rules: Iterable[Rule] = RULES) -> list[str]:
    """Modules that belong to no room and are not composition: no fence applies to them."""
    rooms = [rule.room for rule in rules] + list(COMPOSITION)
    return [
        _relative(root, path)
        for path in sorted(root.rglob("*.py"))
        if (name := module_name(root, path)) != root.name and not any(_under(name, r) for r in rooms)
    ]


def long_modules(root: Path, limit: int = MAX_MODULE_LINES) -> dict[str, int]:
    """`{file: line count}` for every module under root longer than `limit` lines."""
    counts = {
        _relative(root, path): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(root.rglob("*.py"))
    }
    return {path: count for path, count in counts.items() if count > limit}
