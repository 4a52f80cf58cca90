"""The JSON output against the JSON Schema shipped in the package, and the schema's docs."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from infra.diff.render_json import diff_schema, diff_to_json, render_json
from tests.conftest import ROOT
from tests.diff.helpers import scenario_diff
from tests.diff.scenarios import SCENARIOS, Scenario


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = diff_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_json_output_validates_against_the_shipped_schema(
    scenario: Scenario, validator: jsonschema.protocols.Validator
) -> None:
    document = json.loads(render_json(scenario_diff(scenario.name)))

    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]
    assert errors == []


def test_the_schema_refuses_fields_it_does_not_define(
    validator: jsonschema.protocols.Validator,
) -> None:
    document = diff_to_json(scenario_diff("promotion"))
    document["people"][0]["surprise"] = True

    assert not validator.is_valid(document)


def test_the_schema_is_package_data_in_pyproject() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")

    assert re.search(r'"infra\.diff"\s*=\s*\[[^\]]*"diff\.schema\.json"', pyproject)


def test_every_top_level_field_is_documented() -> None:
    docs = (ROOT / "docs" / "diff.md").read_text(encoding="utf-8")

    for name in diff_schema()["properties"]:
        assert f"`{name}`" in docs, name
