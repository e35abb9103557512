"""services.exports.write_all: every postmortem file is written, or none."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from bot.domain.errors import UserError
from bot.services import exports

DOCUMENTS = {"2025-03-15-payments.md": b"# Payments\n", "2025-03-16-db.md": b"# DB\n"}


def test_every_file_is_written_and_a_re_export_replaces_them(tmp_path: Path) -> None:
    out = tmp_path / "postmortems" / "2025"
    assert exports.write_all(out, DOCUMENTS) == [out / name for name in DOCUMENTS]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == DOCUMENTS
    assert exports.write_all(out, {"2025-03-15-payments.md": b"# Payments, v2\n"})
    assert (out / "2025-03-15-payments.md").read_bytes() == b"# Payments, v2\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(DOCUMENTS)  # no temporary file left


def test_a_folder_in_the_way_of_the_second_file_writes_not_even_the_first(tmp_path: Path) -> None:
    (tmp_path / "2025-03-16-db.md").mkdir()
    with pytest.raises(UserError, match="a folder of that name is in the way"):
        exports.write_all(tmp_path, DOCUMENTS)
    assert [p.name for p in tmp_path.iterdir()] == ["2025-03-16-db.md"]


def test_a_failure_half_way_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The second file cannot be written (a full disk): the first is not left either, nor the
    folders the export made."""
    real_fdopen = os.fdopen
    opened: list[int] = []

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        opened.append(fd)
        if len(opened) == 2:
            os.close(fd)
            raise OSError(28, "No space left on device")
        return real_fdopen(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fdopen", fdopen)
    out = tmp_path / "made" / "by" / "export"
    with pytest.raises(UserError, match=r"No space left on device\. Nothing was written"):
        exports.write_all(out, DOCUMENTS)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["a-file", "a-file/below"])
def test_a_file_where_the_folder_should_be_is_said(tmp_path: Path, where: str) -> None:
    (tmp_path / "a-file").write_text("keep me")
    with pytest.raises(UserError, match="is a file, not a folder"):
        exports.write_all(tmp_path / where, DOCUMENTS)
    assert (tmp_path / "a-file").read_text() == "keep me"
