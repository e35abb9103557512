"""The import fences between the rooms of bot/, and an `ast` checker that applies them to any tree.

A rule names a room (a package or a module under the root, e.g. `bot.domain`, `bot.scheduling`) and
the modules it must not import. An entry `x.y` forbids `x.y` and `x.y.*` but not `x.yz`; `bot.*`
forbids every module under bot except the room's own. A room may always import itself.

The checker sees every import a module can make: `import`, `from … import` (relative ones resolved
against the file's own package), imports inside functions, `if TYPE_CHECKING:` and try/except, and
`importlib.import_module` / `__import__` calls — by those names, through an alias imported or assigned
(`from importlib import import_module as im`, `il.import_module`, `load = __import__`) or fetched by
`getattr(importlib, "import_module")`. The constant string an `exec` or `eval` runs is read as code of
the file, at the call's line; one it cannot read is reported like a dynamic import.

`from a.b import c` imports `a.b` and, if `c` is a submodule, `a.b.c`; both are candidates. When the
package itself is forbidden only it is reported (`from bot.store.models import Channel` reports
`bot.store.models`, not the class); otherwise each forbidden name is (`from bot.outbound.slack import
render` reports `bot.outbound.slack.render`).

It does not follow imports transitively, but it knows what the tree's modules bind: a name that `a.b`
got by an import of its own is what that import bound, one or more hops on. So `from
bot.services.capture import store`, where capture has `from bot.store import messages as store`,
imports `bot.store.messages`; `from bot.runtime import Session`, where runtime has `from sqlalchemy.orm
import Session`, imports `sqlalchemy.orm` (a name a module got by `from x import *` counts as x's, and
`from a.b import *` imports what a.b re-exports). These are checked when the named modules are not
forbidden themselves.

Attribute chains rooted at a name an import bound are uses of modules too: after `import bot.store`,
`bot.store.models.Channel` uses `bot.store.models` (the deepest module of the tree the chain names);
after `from bot.services import capture`, `capture.store.add` uses `bot.store.messages`. A use is
reported at its line unless an import of the same file already reported its module or a package of
it. Names are tracked per file, not per scope: a local that shadows an imported module counts as it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

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
    # What an imported name really is when its module got it by an import of its own (a re-export or a
    # module alias), as candidates like `modules`: `(module,)`, or `(module, module.name)`.
    through: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True)
class _Module:
    """A module by name: one of the tree's, or a library's."""

    name: str


@dataclass(frozen=True)
class _Member:
    """A name taken from a module that is not a submodule of it in the tree: a class, a function, a
    library's anything (`sqlalchemy.orm` + `Session`)."""

    module: str
    name: str


_Ref = _Module | _Member
_T = TypeVar("_T")

# Callables the fence reads the arguments of, by the name they are called by…
_BY_NAME = {"import_module": "import_module", "__import__": "__import__", "exec": "exec", "eval": "eval"}
# … or by what they are, however they are bound (`from importlib import import_module as im`).
_KNOWN = {
    _Member("importlib", "import_module"): "import_module",
    _Member("importlib", "__import__"): "__import__",
    _Member("builtins", "__import__"): "__import__",
    _Member("builtins", "exec"): "exec",
    _Member("builtins", "eval"): "eval",
}
_IMPORTERS = ("import_module", "__import__")
_RUNNERS = ("exec", "eval")


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


def _from_base(package: str, node: ast.ImportFrom) -> str | None:
    return _resolve(package, node.level, node.module) if node.level else node.module


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((kw.value for kw in call.keywords if kw.arg == keyword), None)


def _code(call: ast.Call) -> ast.Module | None:
    """The code an `exec`/`eval` call runs, when it is a constant string that parses."""
    source = _argument(call, 0, "source")
    if not isinstance(source, ast.Constant) or not isinstance(source.value, str | bytes):
        return None
    try:
        return ast.parse(source.value)
    except (SyntaxError, ValueError, UnicodeDecodeError):
        return None


def _candidates(ref: _Ref) -> tuple[str, ...]:
    return (ref.name,) if isinstance(ref, _Module) else (ref.module, f"{ref.module}.{ref.name}")


def _dedupe(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def _top_level_names(code: ast.Module) -> Iterator[str]:
    """The names a module's own statements (not its imports) bind at its top level."""
    pending: list[ast.AST] = list(code.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            yield node.name
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id
        if not isinstance(node, ast.Lambda | ast.expr_context):
            pending.extend(ast.iter_child_nodes(node))


def _exports(code: ast.Module) -> list[str] | None:
    """A constant `__all__`, if the module has one."""
    for node in code.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            names = [_string(element) for element in node.value.elts]
            return [name for name in names if name is not None]
    return None


class _Scan:
    """One file: every node in it (and in the constant strings it `exec`s or `eval`s, at the line of
    the call), what each name its imports bind stands for, the modules it star-imports, the names it
    defines itself, and which names it assigned an importer or a runner (`im = importlib.import_module`)."""

    def __init__(self, path: Path, package: str) -> None:
        self.package = package
        self.nodes: list[tuple[ast.AST, int]] = []
        self.bindings: dict[str, list[_Ref]] = {}
        self.stars: list[str] = []
        self.defines: set[str] = set()
        self.exports: list[str] | None = None
        self.callables: dict[str, str] = {}
        pending: list[tuple[ast.AST, int | None]] = [
            (ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), None)
        ]
        while pending:
            code, at = pending.pop(0)
            if isinstance(code, ast.Module):
                self.defines.update(_top_level_names(code))
                self.exports = _exports(code) if self.exports is None else self.exports
            nodes = [(node, at if at is not None else getattr(node, "lineno", 0)) for node in ast.walk(code)]
            self.nodes.extend(nodes)
            self._learn(nodes)
            for node, line in nodes:
                if isinstance(node, ast.Call) and self.kind(node.func) in _RUNNERS:
                    ran = _code(node)
                    if ran is not None:
                        pending.append((ran, line))

    def _bind(self, name: str, ref: _Ref) -> None:
        bound = self.bindings.setdefault(name, [])
        if ref not in bound:
            bound.append(ref)

    def _learn(self, nodes: list[tuple[ast.AST, int]]) -> None:
        assigned: list[tuple[list[str], ast.expr]] = []
        for node, _ in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    head = alias.name.partition(".")[0]
                    self._bind(alias.asname or head, _Module(alias.name if alias.asname else head))
            elif isinstance(node, ast.ImportFrom):
                base = _from_base(self.package, node)
                for alias in node.names:
                    if base is not None and alias.name == "*":
                        self.stars.append(base)
                    elif base is not None:
                        self._bind(alias.asname or alias.name, _Member(base, alias.name))
            elif isinstance(node, ast.Assign):
                assigned.append(([t.id for t in node.targets if isinstance(t, ast.Name)], node.value))
            elif (
                isinstance(node, ast.AnnAssign | ast.NamedExpr)
                and node.value is not None
                and isinstance(node.target, ast.Name)
            ):
                assigned.append(([node.target.id], node.value))
        changed = True
        while changed:  # `a = importlib.import_module; b = a` — each name takes the first kind it gets
            changed = False
            for names, value in assigned:
                kind = self.kind(value)
                for name in names:
                    if kind is not None and name not in self.callables:
                        self.callables[name] = kind
                        changed = True

    def kind(self, func: ast.expr, tree: _Tree | None = None) -> str | None:
        """What `func(…)` calls, if an importer or a runner: by its name, an alias the file assigned or
        imported, an attribute (`il.import_module`, `builtins.exec`) or `getattr(x, "import_module")`.
        Without `tree`, only what the file binds itself is followed."""
        if isinstance(func, ast.Name):
            if func.id in self.callables:
                return self.callables[func.id]
            for ref in self.bindings.get(func.id, []):
                for final in tree.follow(ref) if tree is not None else [ref]:
                    if isinstance(final, _Member) and final in _KNOWN:
                        return _KNOWN[final]
            return _BY_NAME.get(func.id)
        if isinstance(func, ast.Attribute):
            if func.attr in _IMPORTERS:
                return func.attr
            if func.attr in _RUNNERS and isinstance(func.value, ast.Name):
                owner = func.value.id
                if owner == "__builtins__" or _Module("builtins") in self.bindings.get(owner, []):
                    return func.attr
            return None
        if (
            isinstance(func, ast.Call)
            and isinstance(func.func, ast.Name)
            and func.func.id == "getattr"
            and len(func.args) >= 2
        ):
            return _BY_NAME.get(_string(func.args[1]) or "")
        return None


class _Tree:
    """Every module under root, and what the names each one's imports bind really are."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.paths = {module_name(root, path): path for path in sorted(root.rglob("*.py"))}
        self.modules = {
            ".".join(parts[:end])
            for name in self.paths
            for parts in [name.split(".")]
            for end in range(1, len(parts) + 1)
        }
        self._scans: dict[Path, _Scan] = {}

    def scan(self, path: Path) -> _Scan:
        if path not in self._scans:
            self._scans[path] = _Scan(path, package_of(self.root, path))
        return self._scans[path]

    def follow(self, ref: _Ref, seen: frozenset[_Member] = frozenset()) -> list[_Ref]:
        """What `ref` really is: a submodule of the tree; else, if its module got the name by an import
        of its own, what that import binds, followed as far as it goes (a library's name ends it)."""
        if isinstance(ref, _Module) or ref.module not in self.modules:
            return [ref]
        dotted = f"{ref.module}.{ref.name}"
        if dotted in self.modules:
            return [_Module(dotted)]
        path = self.paths.get(ref.module)
        if path is None or ref in seen:
            return [ref]
        scan = self.scan(path)
        bound = scan.bindings.get(ref.name, [])
        if not bound and ref.name not in scan.defines:
            # Not its own and not imported by name: it can only have come in by a star import.
            bound = [_Member(star, ref.name) for star in scan.stars]
        if not bound:
            return [ref]
        return _dedupe(final for b in bound for final in self.follow(b, seen | {ref}))

    def star(self, base: str) -> list[str]:
        """The names `from base import *` binds that `base` got by an import of its own."""
        path = self.paths.get(base)
        if path is None:
            return []
        scan = self.scan(path)
        public = [name for name in scan.bindings if not name.startswith("_")]
        return public if scan.exports is None else [name for name in scan.exports if name in scan.bindings]

    def through(self, base: str, names: Iterable[str]) -> tuple[tuple[str, ...], ...]:
        """For `from base import name…`: what each name really is, where that is not `base.name`."""
        plain = {_Member(base, name) for name in names} | {_Module(f"{base}.{name}") for name in names}
        finals = (final for name in names for final in self.follow(_Member(base, name)))
        return tuple(_dedupe(_candidates(final) for final in finals if final not in plain))


def _dynamic(call: ast.Call, kind: str, package: str, line: int, tree: _Tree) -> _Import:
    unreadable = _Import(line, (), ast.unparse(call), DYNAMIC)
    name = _string(_argument(call, 0, "name"))
    if name is None:
        return unreadable
    if kind == "import_module":
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
    return _Import(line, (base, *(f"{base}.{n}" for n in names)), through=tree.through(base, names))


def _imports(tree: _Tree, scan: _Scan) -> Iterator[_Import]:
    """Every import in one file, wherever it stands."""
    for node, line in scan.nodes:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield _Import(line, (alias.name,))
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(scan.package, node)
            if base is None:
                yield _Import(line, (), ast.unparse(node), BEYOND_ROOT)
                continue
            names = [alias.name for alias in node.names if alias.name != "*"]
            starred = tree.star(base) if len(names) < len(node.names) else []
            through = tree.through(base, [*names, *starred])
            yield _Import(line, (base, *(f"{base}.{n}" for n in names)), through=through)
        elif isinstance(node, ast.Call):
            kind = scan.kind(node.func, tree)
            if kind in _IMPORTERS:
                yield _dynamic(node, kind, scan.package, line, tree)
            elif kind in _RUNNERS and _code(node) is None:
                yield _Import(line, (), ast.unparse(node), DYNAMIC)


def _uses(tree: _Tree, scan: _Scan) -> Iterator[tuple[int, _Ref, list[_Ref]]]:
    """Each attribute chain rooted at a name an import bound (`bot.store.models.Channel` after `import
    bot.store`, `store.models` after `from bot import store`): the deepest module of the tree it names
    (`bot.store.models`), and what the rest of it reaches through that module's own imports, followed
    as far as it goes (`capture.store.add` → `bot.store.messages` + `add`)."""
    inner = {
        id(node.value)
        for node, _ in scan.nodes
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
    }
    for node, line in scan.nodes:
        if not isinstance(node, ast.Attribute) or id(node) in inner:
            continue
        attrs: list[str] = []
        head: ast.expr = node
        while isinstance(head, ast.Attribute):
            attrs.append(head.attr)
            head = head.value
        if not isinstance(head, ast.Name) or head.id not in scan.bindings:
            continue
        attrs.reverse()
        for root in _dedupe(final for ref in scan.bindings[head.id] for final in tree.follow(ref)):
            named, rest = root, attrs
            while rest and isinstance(named, _Module) and f"{named.name}.{rest[0]}" in tree.modules:
                named, rest = _Module(f"{named.name}.{rest[0]}"), rest[1:]
            reached = [named]
            for attr in rest:
                reached = _dedupe(
                    final
                    for ref in reached
                    for final in (tree.follow(_Member(ref.name, attr)) if isinstance(ref, _Module) else [ref])
                )
            yield line, named, reached


def _breaches(rule: Rule, candidates: tuple[str, ...]) -> list[tuple[str, str]]:
    """`(module, forbidden entry)` for `(module, module.name, …)`: the module alone if it is forbidden."""
    base, *names = candidates
    target = rule.target_of(base)
    if target is not None:
        return [(base, target)]
    return [(name, target) for name in names if (target := rule.target_of(name)) is not None]


def _check_file(tree: _Tree, path: Path, rule: Rule) -> list[Violation]:
    where = _relative(tree.root, path)
    scan = tree.scan(path)
    found: list[Violation] = []
    for imp in _imports(tree, scan):
        if imp.unreadable is not None:
            found.append(Violation(where, imp.line, imp.unreadable, rule.room, imp.reason))
            continue
        breaches = _breaches(rule, imp.modules)
        if not any(module == imp.modules[0] for module, _ in breaches):
            breaches += [breach for group in imp.through for breach in _breaches(rule, group)]
        found += [Violation(where, imp.line, module, rule.room, target) for module, target in breaches]
    # A use is reported only when no import of the file already reported its module (or a package of it).
    imported = [v.module for v in found if v.target not in (DYNAMIC, BEYOND_ROOT)]
    for line, named, reached in _uses(tree, scan):
        # Like an import: the module the chain names, if forbidden; else what it really reaches.
        breaches = _breaches(rule, _candidates(named))
        if not breaches:
            breaches = [breach for ref in reached for breach in _breaches(rule, _candidates(ref))]
        found += [
            Violation(where, line, module, rule.room, target)
            for module, target in breaches
            if not any(_under(module, done) for done in imported)
        ]
    return _dedupe(found)


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


def check(root: Path, rule: Rule, tree: _Tree | None = None) -> list[Violation]:
    tree = tree if tree is not None else _Tree(root)
    return [violation for path in room_files(root, rule.room) for violation in _check_file(tree, path, rule)]


def check_all(root: Path, rules: Iterable[Rule] = RULES) -> list[Violation]:
    tree = _Tree(root)
    return [violation for rule in rules for violation in check(root, rule, tree)]


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
