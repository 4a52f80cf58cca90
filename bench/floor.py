"""The floor: the Pulumi SDK's own cost of registering a plan's resources, with no program logic.

`replay` registers, on the same mock runtime and through the same recording monitor as
`teamcat plan`, one plain `pulumi.CustomResource` per resource of a recorded plan, with the
same type token, name and inputs (secrets stay secrets) but no catalog, no desired state, no
provider SDK classes and no dependencies between resources. Timed the same way as the plan, it
is what any program declaring the same resources would pay at least; plan/floor is then the
cost of teamcat's own logic relative to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
from pulumi.runtime import rpc

from infra.program.offline import Plan, PlannedResource, run_offline

Registration = tuple[str, str, dict[str, Any]]


def registrations(plan: Plan) -> list[Registration]:
    """The (type, name, inputs) of every resource of `plan`, detached from the plan object."""
    return [(r.type, r.name, _unwrap(r.inputs)) for r in plan.resources]


def replay(items: Sequence[Registration], stack: str) -> Plan:
    """Register `items` as bare resources on the mock runtime; return what was recorded."""
    return run_offline(lambda: _register(items), people={}, stack=stack, config={})


def _register(items: Sequence[Registration]) -> None:
    for type_, name, inputs in items:
        pulumi.CustomResource(type_, name, props=dict(inputs))


def _unwrap(value: Any) -> Any:
    """Recorded inputs back into values a program passes: secrets become secret outputs."""
    if rpc.is_rpc_secret(value):
        return pulumi.Output.secret(_unwrap(value["value"]))
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unwrap(v) for v in value]
    return value


__all__ = ["PlannedResource", "Registration", "registrations", "replay"]
