"""The `teamcat` command as a user runs it: a real subprocess, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import DATA, MINIMAL, ROOT


def teamcat(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_plan_json_lists_resources_and_invokes_in_the_documented_shape() -> None:
    result = teamcat("plan", str(MINIMAL), "--stack", "prod", "--json")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert set(document) == {"resources", "invokes"}
    assert all(set(r) == {"type", "name", "inputs"} for r in document["resources"])
    assert all(set(i) == {"token", "args"} for i in document["invokes"])
    providers = {r["type"].split(":")[0] for r in document["resources"]}
    assert providers == {"okta", "pagerduty", "harness"}
    assert len(document["invokes"]) == 2


def test_plan_summary_counts_per_provider_then_teams() -> None:
    result = teamcat("plan", str(MINIMAL))

    assert result.returncode == 0, result.stderr
    assert "Resources by provider and type:" in result.stdout
    assert "  pagerduty (" in result.stdout
    assert "core (Core): " in result.stdout


def test_validate_reports_located_findings_and_exits_1_without_traceback() -> None:
    broken = DATA / "invalid" / "unknown-owner.yaml"

    result = teamcat("validate", str(broken))

    assert result.returncode == 1
    assert f"{broken}:" in result.stderr
    assert ": unknown-owner: " in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_plan_stops_on_catalog_errors_before_declaring() -> None:
    result = teamcat("plan", str(DATA / "invalid" / "unknown-owner.yaml"), "--json")

    assert result.returncode == 1
    assert result.stdout == ""
    assert "unknown-owner" in result.stderr


def test_unknown_stack_is_a_usage_error_naming_the_known_stacks() -> None:
    result = teamcat("plan", str(MINIMAL), "--stack", "staging")

    assert result.returncode == 2
    assert "known stacks: dev, prod" in result.stderr


def test_schema_is_json_schema_forbidding_unknown_fields() -> None:
    result = teamcat("schema")

    schema = json.loads(result.stdout)
    assert result.returncode == 0
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Team"]["additionalProperties"] is False


def test_a_reader_that_stops_early_is_not_an_error() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "infra.cli", "plan", str(MINIMAL)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # before the command has written anything: every write fails

    code = process.wait(timeout=120)
    errors = process.stderr.read().decode()
    process.stderr.close()

    assert code == 0, errors
    assert "Traceback" not in errors


def test_plan_summary_shows_protection_and_renames(tmp_path: Path) -> None:
    text = MINIMAL.read_text(encoding="utf-8")
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(
        text.replace("  - key: core\n", "  - key: base\n    renamed_from: [core]\n").replace(
            "owner: core", "owner: base"
        ),
        encoding="utf-8",
    )

    result = teamcat("plan", str(renamed))

    assert result.returncode == 0, result.stderr
    assert "  protected from deletion: 3\n" in result.stdout
    assert "    pd-team-base (was pd-team-core)\n" in result.stdout


def test_version_is_printed() -> None:
    result = teamcat("--version")

    assert result.returncode == 0
    assert result.stdout.startswith("teamcat ")


def test_an_unreadable_stack_file_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.broken.yaml").write_text("config:\n  teamcat:x: [1\n")
    (tmp_path / "stacks" / "Pulumi.listed.yaml").write_text("config: [1, 2]\n")

    broken = teamcat("plan", str(MINIMAL), "--stack", "broken", cwd=tmp_path)
    listed = teamcat("plan", str(MINIMAL), "--stack", "listed", cwd=tmp_path)

    assert broken.returncode == 1
    assert "stacks/Pulumi.broken.yaml:3:1: yaml-syntax:" in broken.stderr
    assert listed.returncode == 1
    assert "stacks/Pulumi.listed.yaml:1:9: the stack settings must be a mapping" in listed.stderr
    assert "namespace:key: value" in listed.stderr
    assert "Traceback" not in broken.stderr + listed.stderr
