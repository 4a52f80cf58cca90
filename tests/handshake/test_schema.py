"""What the program declares for PagerDuty, checked against the provider's published schema.

Reads ../shared/vendor/pulumi-pagerduty.schema.json (kept outside the project); skips when it
is absent. Every input must be a property the schema knows, of its type and, where the schema
has one, of its enum; every required input must be present.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.program.offline import Plan
from tests.conftest import SHARED
from tests.handshake.conftest import BUNDLED, plan_of, unwrap

SCHEMA = SHARED / "vendor" / "pulumi-pagerduty.schema.json"
_PRIMITIVES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "number": (int, float),
}

pytestmark = pytest.mark.skipif(not SCHEMA.is_file(), reason="../shared is not available")


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


@pytest.fixture(scope="module", params=["dev", "prod"])
def plan(request: pytest.FixtureRequest) -> Plan:
    return plan_of(BUNDLED, stack=request.param)


def _problems(value: Any, spec: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    if "$ref" in spec:
        spec = schema["types"][spec["$ref"].removeprefix("#/types/")]
    if "enum" in spec and value not in [e["value"] for e in spec["enum"]]:
        return [f"{where}: {value!r} is not one of the schema's enum values"]
    kind = spec.get("type")
    if kind == "integer" and isinstance(value, float) and value.is_integer():
        return []  # the wire format carries every number as a float
    if kind in _PRIMITIVES:
        ok = isinstance(value, _PRIMITIVES[kind]) and not (kind != "boolean" and value is True)
        return [] if ok else [f"{where}: {value!r} is not a {kind}"]
    if kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [
            p
            for i, v in enumerate(value)
            for p in _problems(v, spec["items"], schema, f"{where}[{i}]")
        ]
    if kind == "object":
        return _object_problems(value, spec, schema, where)
    return []


def _object_problems(
    value: Any, spec: dict[str, Any], schema: dict[str, Any], where: str
) -> list[str]:
    if not isinstance(value, dict):
        return [f"{where}: expected an object"]
    known = spec.get("properties") or spec.get("inputProperties") or {}
    problems = [
        f"{where}: `{name}` is required" for name in spec.get("required", []) if name not in value
    ]
    for name, item in value.items():
        if name not in known:
            problems.append(f"{where}: `{name}` is not in the schema")
        else:
            problems += _problems(item, known[name], schema, f"{where}.{name}")
    return problems


def test_every_pagerduty_resource_matches_the_provider_schema(
    plan: Plan, schema: dict[str, Any]
) -> None:
    problems = []
    declared = [r for r in plan.resources if r.provider == "pagerduty"]
    for resource in declared:
        spec = schema["resources"].get(resource.type)
        if spec is None:
            problems.append(f"{resource.name}: {resource.type} is not in the schema")
            continue
        spec = {**spec, "type": "object", "required": spec.get("requiredInputs", [])}
        problems += _object_problems(unwrap(resource.inputs), spec, schema, resource.name)

    assert declared
    assert problems == []


def test_the_handshake_resources_are_among_those_checked(plan: Plan) -> None:
    types = {r.type for r in plan.resources}

    assert {
        "pagerduty:index/webhookSubscription:WebhookSubscription",
        "pagerduty:index/incidentWorkflow:IncidentWorkflow",
        "pagerduty:index/incidentWorkflowTrigger:IncidentWorkflowTrigger",
        "pagerduty:index/serviceIntegration:ServiceIntegration",
    } <= types
