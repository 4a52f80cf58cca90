"""`teamcat policy`: violations placed on catalog lines, levels from the pack config, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from infra.cli.app import app
from infra.cli.policy import run_policies
from tests.conftest import MINIMAL, ROOT
from tests.policies.helpers import DATA, marked_line, write

RUNNER = CliRunner()


def teamcat_policy(*args: str) -> tuple[int, str]:
    result = RUNNER.invoke(app, ["policy", *args])
    return result.exit_code, result.output


def test_the_bundled_catalog_passes_every_mandatory_policy_on_prod() -> None:
    # The `dev` stack is covered by the command run below.
    run = run_policies(ROOT / "catalog.yaml", "prod")

    assert run.blocking == [], "\n".join(r.render() for r in run.blocking)
    assert run.resources > 100
    assert {r.policy for r in run.reported} <= {"no-single-person-rotation"}


def test_the_command_exits_0_on_the_bundled_catalog_and_shows_advisories() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "infra.cli", "policy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert ": advisory no-single-person-rotation: rotation `berlin-weekdays`" in result.stdout
    assert "teamcat policy: 0 mandatory, 1 advisory violation(s) in catalog.yaml" in result.stdout


def test_a_resource_violation_is_printed_at_the_catalog_line_that_caused_it() -> None:
    catalog = DATA / "account-admin.yaml"

    code, out = teamcat_policy(str(catalog))

    assert code == 1
    assert (
        f"{catalog}:{marked_line(catalog)}:11: mandatory no-harness-admin: role assignment "
        "`harness-role-core-account_admin` grants the account-level admin role `_account_admin`"
    ) in out
    assert "hint: grant `_pipeline_executor`" in out


def test_a_catalog_violation_is_printed_at_its_line_and_exits_1() -> None:
    catalog = DATA / "paged-by-other-team.yaml"

    code, out = teamcat_policy(str(catalog), "--stack", "prod")

    assert code == 1
    assert f"{catalog}:{marked_line(catalog)}:24: mandatory paged-can-fix: service `api`" in out


def test_advisory_violations_alone_exit_0_until_the_config_makes_them_mandatory(
    tmp_path: Path,
) -> None:
    catalog = str(DATA / "single-person-rotation.yaml")
    stricter = write(tmp_path, "strict.json", json.dumps({"all": "mandatory"}))
    silenced = write(tmp_path, "quiet.json", json.dumps({"no-single-person-rotation": "disabled"}))

    advisory_code, advisory_out = teamcat_policy(catalog)
    strict_code, strict_out = teamcat_policy(catalog, "--config", str(stricter))
    quiet_code, quiet_out = teamcat_policy(catalog, "--config", str(silenced))

    assert advisory_code == 0 and ": advisory no-single-person-rotation:" in advisory_out
    assert strict_code == 1 and ": mandatory no-single-person-rotation:" in strict_out
    assert quiet_code == 0 and "no-single-person-rotation" not in quiet_out


def test_custom_execution_roles_come_from_the_pack_config(tmp_path: Path) -> None:
    catalog = str(DATA / "paged-custom-role.yaml")
    config = write(
        tmp_path,
        "roles.json",
        json.dumps({"paged-can-fix": {"executionRoles": ["oncall_operator"]}}),
    )

    without_code, _ = teamcat_policy(catalog)
    with_code, with_out = teamcat_policy(catalog, "--config", str(config))

    assert without_code == 1
    assert with_code == 0, with_out


def test_a_service_removed_in_one_step_fails_against_the_previous_catalog(tmp_path: Path) -> None:
    previous = write(
        tmp_path,
        "base.yaml",
        MINIMAL.read_text() + "  - key: old-api\n    name: Old API\n    owner: core\n",
    )

    without_code, without_out = teamcat_policy(str(MINIMAL))
    code, out = teamcat_policy(str(MINIMAL), "--previous", str(previous))

    assert without_code == 0
    assert "not run: decommission-before-removal (no --previous catalog)" in without_out
    assert code == 1
    line = marked_line(MINIMAL, "services:")
    assert f"{MINIMAL}:{line}:1: mandatory decommission-before-removal: service `old-api`" in out


def test_a_malformed_policy_config_is_a_usage_error(tmp_path: Path) -> None:
    config = write(tmp_path, "bad.json", json.dumps({"paged-can-fix": "strict"}))

    code, out = teamcat_policy(str(MINIMAL), "--config", str(config))

    assert code == 2
    assert "`paged-can-fix` has level `strict`" in out
