"""`teamcat diff` as a user runs it: the bundled catalog, exit codes, options, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.cli.app import app
from tests.conftest import DATA, ROOT
from tests.diff.helpers import base_text
from tests.diff.scenarios import AT, BY_NAME

BUNDLED = ROOT / "catalog.yaml"


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def bundled_versions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """Two versions of the bundled catalog: as shipped, and with a promotion and a leaver."""
    monkeypatch.chdir(tmp_path)
    shutil.copy(BUNDLED, tmp_path / "before.yaml")
    text = BUNDLED.read_text(encoding="utf-8")
    promoted = "      - email: wren.ashcombe@example.com\n        role: responder\n"
    assert text.count(promoted) == 1
    text = text.replace(promoted, promoted.replace("responder", "manager"))
    (tmp_path / "after.yaml").write_text(text, encoding="utf-8")
    return "before.yaml", "after.yaml"


def test_runs_on_two_versions_of_the_bundled_catalog(bundled_versions: tuple[str, str]) -> None:
    code, out, err = invoke(*bundled_versions, "--format", "json", "--at", AT)

    assert code == 0, err
    document = json.loads(out)
    assert [(r["code"], r["subject"]) for r in document["risks"]] == [
        ("privilege-increase", "wren.ashcombe@example.com")
    ]
    assert [p["email"] for p in document["people"]] == ["wren.ashcombe@example.com"]


def test_bundled_catalog_against_itself_has_no_changes(tmp_path: Path) -> None:
    code, out, err = invoke(str(BUNDLED), str(BUNDLED), "--at", AT)

    assert (code, err) == (0, "")
    assert out.splitlines()[2] == "no access changes"


def test_fail_on_risky_exits_1_only_when_there_are_risky_changes(
    bundled_versions: tuple[str, str],
) -> None:
    risky = invoke(*bundled_versions, "--fail-on", "risky", "--at", AT)
    calm = invoke(bundled_versions[0], bundled_versions[0], "--fail-on", "risky", "--at", AT)

    assert risky[0] == 1
    assert "Risky changes (1)" in risky[1]
    assert calm[0] == 0


def test_without_fail_on_risky_changes_still_exit_0(bundled_versions: tuple[str, str]) -> None:
    assert invoke(*bundled_versions, "--at", AT)[0] == 0


def test_threshold_option_accepts_percent_and_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("base.yaml").write_text(base_text(), encoding="utf-8")
    Path("head.yaml").write_text(BY_NAME["remove-40-percent"].head(base_text()), encoding="utf-8")

    def risky(threshold: str) -> int:
        args = ("--threshold", threshold, "--at", AT, "--format", "json")
        code, out, err = invoke("base.yaml", "head.yaml", *args)
        assert code == 0, err
        return int(json.loads(out)["summary"]["risky"])

    assert risky("40%") == 0
    assert risky("0.39") == 1
    assert "team removal threshold 50%" in invoke("base.yaml", "head.yaml", "--threshold", "50%")[1]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--threshold", "150%", "not a share between 0% and 100%"),
        ("--threshold", "-0.1", "not a share between 0% and 100%"),
        ("--threshold", "lots", "not a share between 0% and 100%"),
        ("--at", "yesterday", "not an ISO 8601 instant"),
        ("--at", "2026-03-04T12:00:00", "needs a UTC offset"),
    ],
)
def test_bad_options_are_usage_errors(option: str, value: str, message: str) -> None:
    code, out, err = invoke(str(BUNDLED), str(BUNDLED), option, value)

    assert code == 2
    assert out == ""
    assert message in err


def test_unknown_format_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["diff", str(BUNDLED), str(BUNDLED), "--format", "html"])

    assert result.exit_code == 2


def test_catalog_errors_in_base_and_head_are_all_reported_with_exit_1(tmp_path: Path) -> None:
    broken = DATA / "invalid" / "unknown-owner.yaml"
    typo = tmp_path / "typo.yaml"
    typo.write_text(base_text().replace("    owner: sre\n", "    owner: sreh\n"), encoding="utf-8")

    code, out, err = invoke(str(broken), str(typo))

    assert code == 1
    assert out == ""
    assert f"{broken}:" in err
    assert f"{typo}:" in err
    assert err.count(": unknown-owner: ") == 2
    assert "hint: did you mean `sre`?" in err


def test_a_missing_file_is_a_located_error_with_exit_1(tmp_path: Path) -> None:
    code, out, err = invoke(str(tmp_path / "nope.yaml"), str(BUNDLED))

    assert (code, out) == (1, "")
    assert f"{tmp_path / 'nope.yaml'}:1:1: unreadable-file: " in err


def test_the_command_is_listed_in_the_help() -> None:
    result = CliRunner().invoke(app, ["--help"])

    assert "diff" in result.stdout


def test_markdown_and_json_go_to_stdout_and_nothing_to_stderr(
    bundled_versions: tuple[str, str],
) -> None:
    code, out, err = invoke(*bundled_versions, "--format", "markdown", "--at", AT)

    assert (code, err) == (0, "")
    assert out.startswith("<!-- teamcat-diff -->\n## teamcat access preview\n")
