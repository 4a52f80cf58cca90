"""Snapshot files: rendered output compared byte for byte with tests/diff/snapshots/.

Snapshots are never written during a normal run, so a changed rendering fails. To accept a
deliberate change, regenerate them and review the result with `git diff`:

    TEAMCAT_UPDATE_SNAPSHOTS=1 python -m pytest tests/diff

Every test that writes a snapshot is then reported as skipped, so an update run can never pass
for a test run.
"""

from __future__ import annotations

import difflib
import os

import pytest

from tests.diff.scenarios import SNAPSHOTS

UPDATE_VARIABLE = "TEAMCAT_UPDATE_SNAPSHOTS"


def assert_snapshot(name: str, actual: str) -> None:
    """Fail unless `actual` equals the snapshot `name`; write it instead when updating."""
    path = SNAPSHOTS / name
    if os.environ.get(UPDATE_VARIABLE) == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        pytest.skip(f"wrote snapshot {path.name}")
    if not path.exists():
        pytest.fail(f"no snapshot {path}; write it with {UPDATE_VARIABLE}=1 and review it")
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), actual.splitlines(), "snapshot", "actual", lineterm="", n=2
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(f"{name} differs from its snapshot ({UPDATE_VARIABLE}=1 rewrites it):\n{shown}")
