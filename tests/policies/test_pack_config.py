"""The policy pack config is checked like Pulumi checks it: names, levels, property schemas."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.cli.app import app
from infra.cli.policy import PackConfigError, read_pack_config
from infra.rules.pack_config import check_pack_config
from tests.conftest import MINIMAL
from tests.policies.helpers import write

RUNNER = CliRunner()


def policy_with_config(tmp_path: Path, text: str | bytes) -> tuple[int, str]:
    config = tmp_path / "config.json"
    if isinstance(text, bytes):
        config.write_bytes(text)
    else:
        config.write_text(text, encoding="utf-8")
    result = RUNNER.invoke(app, ["policy", str(MINIMAL), "--config", str(config)])
    return result.exit_code, result.output


def test_a_misspelt_policy_name_is_a_usage_error_with_a_suggestion(tmp_path: Path) -> None:
    code, out = policy_with_config(tmp_path, json.dumps({"paged-can-fx": "disabled"}))

    assert code == 2
    assert "`paged-can-fx` is not a policy of the pack; did you mean `paged-can-fix`?" in out


def test_a_property_of_the_wrong_type_is_refused() -> None:
    problems = check_pack_config({"paged-can-fix": {"executionRoles": "notalist"}})

    assert problems == ['`paged-can-fix.executionRoles` must be a list, not `"notalist"`']


def test_each_item_of_a_list_property_is_checked() -> None:
    problems = check_pack_config({"paged-can-fix": {"executionRoles": ["ok", 1, None, True]}})

    assert problems == [
        "`paged-can-fix.executionRoles` item 2 must be a string, not `1`",
        "`paged-can-fix.executionRoles` item 3 must be a string, not `null`",
        "`paged-can-fix.executionRoles` item 4 must be a string, not `true`",
    ]


def test_an_unknown_property_is_refused_with_a_suggestion() -> None:
    problems = check_pack_config(
        {"paged-can-fix": {"enforcementLevel": "mandatory", "executionRole": ["x"]}}
    )

    assert problems == [
        "`paged-can-fix` has no property `executionRole`; did you mean `executionRoles`?"
    ]


@pytest.mark.parametrize("level", ["strict", {"a": 1}, ["mandatory"], None, 1])
def test_a_level_must_be_one_pulumi_knows(level: object) -> None:
    problems = check_pack_config({"service-owner-staffed": {"enforcementLevel": level}})

    assert len(problems) == 1
    assert problems[0].startswith("`service-owner-staffed` has level `")
    assert problems[0].endswith("use one of advisory, mandatory, remediate, disabled")


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = json.dumps({"nope": "advisory", "all": "loud", "paged-can-fix": {"x": 1}})

    code, out = policy_with_config(tmp_path, text)

    assert code == 2
    assert out.count("teamcat: error: ") == 3


def test_valid_configs_pass_unchanged(tmp_path: Path) -> None:
    document = {
        "all": "advisory",
        "no-single-person-rotation": "mandatory",
        "paged-can-fix": {"enforcementLevel": "mandatory", "executionRoles": ["deployer"]},
    }
    path = write(tmp_path, "ok.json", json.dumps(document))

    assert check_pack_config(document) == []
    assert read_pack_config(path) == document


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    code, out = policy_with_config(tmp_path, b'\xef\xbb\xbf{"all": "disabled"}')

    assert code == 0, out
    assert "0 mandatory, 0 advisory" in out


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"all": "advisory", "all": "disabled"}', "`all` is given twice"),
        ("NaN", "`NaN` is not a JSON value"),
        ("[]", "must be a JSON object keyed by policy name"),
        ('{"all": ', "is not JSON"),
    ],
)
def test_malformed_files_are_refused_in_one_line(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, "bad.json", text)

    with pytest.raises(PackConfigError) as caught:
        read_pack_config(path)

    assert any(problem in p for p in caught.value.problems)
    assert "Traceback" not in str(caught.value)
