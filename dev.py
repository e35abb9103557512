#!/usr/bin/env python3
"""Zero-setup entry point: needs only Python 3.11+.

    python3 dev.py run    make .venv, install, migrate the SQLite database, run the bot
    python3 dev.py test   make .venv, install, then lint, type-check and run the whole test suite
    python3 dev.py cli …  make .venv, install, run `postmortem-bot …` (e.g. `cli timeline --help`)

Extra arguments go to the underlying command (`python3 dev.py test -k timeline`,
`python3 dev.py run --port 8080`). The virtual environment is re-installed only when
pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py is what an old Python runs first
        print("postmortem-bot needs Python 3.11 or newer.", file=sys.stderr)
        return 2
    if not argv or argv[0] not in ("run", "test", "cli"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    ensure_installed()
    what, rest = argv[0], argv[1:]
    if what == "run":
        return call([BIN / "postmortem-bot", "run", "--migrate", *rest])
    if what == "cli":
        return call([BIN / "postmortem-bot", *rest])
    for step in (
        [BIN / "ruff", "format", "--check", "."],
        [BIN / "ruff", "check", "."],
        [BIN / "mypy"],
    ):
        if code := call(step):
            return code
    return call([BIN / "python", "-m", "pytest", *rest])


def ensure_installed() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"--- creating {VENV}", file=sys.stderr, flush=True)
        venv.create(VENV, with_pip=True)
    print("--- installing postmortem-bot with its dev and postgres extras", file=sys.stderr, flush=True)
    pip = [BIN / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    if call([*pip, "--upgrade", "pip"]) or call([*pip, "--editable", f"{ROOT}[dev,postgres]"]):
        sys.exit("installation failed; see pip's output above")
    STAMP.write_text(wanted)


def call(command: list[Path | str]) -> int:
    shown = " ".join(str(c.relative_to(ROOT) if isinstance(c, Path) else c) for c in command)
    print("---", shown, file=sys.stderr, flush=True)
    return subprocess.call([str(c) for c in command], cwd=ROOT)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
