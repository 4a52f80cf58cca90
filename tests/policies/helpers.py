"""Catalogs and resources for the policy tests."""

from __future__ import annotations

from pathlib import Path

from infra.rules.subject import CatalogSubject, load_subject
from tests.conftest import MINIMAL

DATA = Path(__file__).resolve().parent / "data"
MARKER = "# violation"


def subject(path: Path) -> CatalogSubject:
    """The resolved catalog at `path`, named by its file name in positions."""
    return load_subject(path, path.name)


def minimal() -> CatalogSubject:
    return subject(MINIMAL)


def marked_line(path: Path, marker: str = MARKER) -> int:
    """The line (from 1) of the only line in `path` that carries `marker`."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if marker in line]
    assert len(lines) == 1, f"{path} must mark exactly one line with {marker!r}"
    return lines[0]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
