"""Snapshot tests: every scenario in all three formats, through the `teamcat diff` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.cli.app import app
from tests.diff.scenarios import AT, BASE, SCENARIOS, Scenario
from tests.diff.snapshot import assert_snapshot

EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json"}


def run_diff(scenario: Scenario, output_format: str, where: Path) -> str:
    """`teamcat diff base.yaml <scenario>.yaml` in `where`, at the frozen instant."""
    base = BASE.read_text(encoding="utf-8")
    (where / "base.yaml").write_text(base, encoding="utf-8")
    (where / f"{scenario.name}.yaml").write_text(scenario.head(base), encoding="utf-8")
    args = ["diff", "base.yaml", f"{scenario.name}.yaml", "--format", output_format, "--at", AT]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stderr == ""
    return result.stdout


@pytest.mark.parametrize("output_format", sorted(EXTENSIONS))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_rendering_matches_snapshot(
    scenario: Scenario, output_format: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    rendered = run_diff(scenario, output_format, tmp_path)

    assert_snapshot(f"{scenario.name}.{EXTENSIONS[output_format]}", rendered)


def test_every_snapshot_file_belongs_to_a_scenario() -> None:
    """A renamed or dropped scenario must not leave a stale snapshot behind."""
    from tests.diff.scenarios import SNAPSHOTS

    expected = {f"{s.name}.{ext}" for s in SCENARIOS for ext in EXTENSIONS.values()}
    assert {p.name for p in SNAPSHOTS.iterdir()} <= expected
