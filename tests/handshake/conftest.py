"""Helpers for the handshake's program tests: plans of the bundled and two-action catalogs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pytest
from google.protobuf import json_format
from pulumi.runtime import rpc

from infra.program import offline
from infra.program.main import run
from infra.program.offline import Plan, PlannedResource, catalog_people, run_offline
from tests.conftest import ROOT, stack_config

BUNDLED = ROOT / "catalog.yaml"
TWO_ACTIONS = ROOT / "tests" / "doctor" / "data" / "two-actions.yaml"
H = "harness:platform/"
PD = "pagerduty:index/"


@dataclass
class Captured:
    """What the plan records leave out: stack outputs and replacement triggers."""

    exports: dict[str, Any] = field(default_factory=dict)
    replacement_triggers: dict[str, Any] = field(default_factory=dict)


def plan_of(
    catalog: Path = TWO_ACTIONS,
    stack: str = "dev",
    settings: Mapping[str, str | None] | None = None,
    config: Mapping[str, str] | None = None,
    secret_keys: tuple[str, ...] = (),
) -> Plan:
    """Run the program offline for a catalog, with `teamcat:` overrides and extra config."""
    values, secrets = stack_config(stack, **dict(settings or {}))  # type: ignore[arg-type]
    values.update(config or {})
    return run_offline(
        lambda: run(str(catalog)),
        people=catalog_people(str(catalog)),
        stack=stack,
        config=values,
        secret_keys=[*secrets, *secret_keys],
    )


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[Captured]:
    """Record every `pulumi.export` and every resource's replacement trigger."""
    record = Captured()

    def export(name: str, value: Any) -> None:
        record.exports[name] = value

    original = offline._RecordingMonitor.RegisterResource

    def register(self: Any, request: Any) -> Any:
        if request.HasField("replacement_trigger"):
            record.replacement_triggers[request.name] = json_format.MessageToDict(
                request.replacement_trigger
            )
        return original(self, request)

    monkeypatch.setattr(pulumi, "export", export)
    monkeypatch.setattr(offline._RecordingMonitor, "RegisterResource", register)
    yield record


def unwrap(value: Any) -> Any:
    """A secret's plain value (the test may look; the plan output never shows it)."""
    if rpc.is_rpc_secret(value):
        return unwrap(rpc.unwrap_rpc_secret(value))
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


def inputs(resource: PlannedResource) -> dict[str, Any]:
    return unwrap(resource.inputs)  # type: ignore[no-any-return]
