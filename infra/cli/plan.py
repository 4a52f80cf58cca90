"""`teamcat plan`: run the program offline for a stack and summarise what it declares."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

from infra.core.state import DesiredState
from infra.program.offline import (
    Plan,
    PlannedResource,
    catalog_people,
    read_stack_config,
    run_offline,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


class StackFileError(Exception):
    """The stack's settings file is missing or unreadable."""


def stack_file(stack: str, search_from: Path | None = None) -> Path:
    """`stacks/Pulumi.<stack>.yaml`, looked up from the working directory, then the project."""
    for root in (search_from or Path.cwd(), PROJECT_ROOT):
        candidate = root / "stacks" / f"Pulumi.{stack}.yaml"
        if candidate.is_file():
            return candidate
    known = sorted(
        p.name[len("Pulumi.") : -len(".yaml")]
        for p in (PROJECT_ROOT / "stacks").glob("Pulumi.*.yaml")
    )
    raise StackFileError(
        f"no settings for stack `{stack}`: stacks/Pulumi.{stack}.yaml does not exist"
        + (f" (known stacks: {', '.join(known)})" if known else "")
    )


def plan_catalog(catalog: str, stack: str) -> Plan:
    """Run the real program for `stack` on the mock runtime against `catalog`."""
    from infra.program.main import run

    config, secrets = read_stack_config(stack_file(stack))
    config["teamcat:catalog"] = catalog
    return run_offline(
        lambda: run(catalog),
        people=catalog_people(catalog),
        stack=stack,
        config=config,
        secret_keys=secrets,
    )


def render_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2, sort_keys=True, ensure_ascii=False)


def short_type(type_: str) -> str:
    """`pagerduty:index/teamMembership:TeamMembership` -> `TeamMembership`."""
    return type_.rsplit(":", 1)[-1]


def render_summary(plan: Plan, state: DesiredState, catalog: str) -> list[str]:
    """The plain-text summary: counts per provider and type, then each team's resources."""
    lines = [
        f"teamcat plan: {catalog}, stack `{plan.stack}` "
        "(offline: Pulumi mock runtime, no credentials, no network)",
        "",
        "Resources by provider and type:",
    ]
    counts = Counter((r.provider, short_type(r.type)) for r in plan.resources)
    for provider in sorted({p for p, _ in counts}):
        total = sum(n for (p, _), n in counts.items() if p == provider)
        lines.append(f"  {provider} ({total})")
        for (p, kind), number in sorted(counts.items()):
            if p == provider:
                lines.append(f"    {kind:<34} {number:>5}")
    lines.append(f"  total {len(plan.resources)} resources")
    lines.append("")
    tokens = Counter(i.token for i in plan.invokes)
    listed = ", ".join(f"{token} x{n}" for token, n in sorted(tokens.items())) or "none"
    lines.append(f"Lookups: {len(plan.invokes)} ({listed})")
    lines.append("")
    lines.append("Teams:")
    by_team = attribute(plan.resources, state)
    for key, team in state.teams.items():
        owned = by_team.get(key, [])
        services = sorted(s.key for s in state.services.values() if s.owner == key)
        lines.append(f"  {key} ({team.name}): {len(owned)} resources, {len(team.members)} members")
        kinds = Counter(short_type(r.type) for r in owned)
        listed = ", ".join(f"{kind} x{n}" for kind, n in sorted(kinds.items()))
        lines.extend(
            textwrap.wrap(listed, width=96, initial_indent="    ", subsequent_indent="    ")
        )
        if services:
            lines.append(f"    services: {', '.join(services)}")
    if plan.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  {w}" for w in plan.warnings)
    return lines


def attribute(
    resources: list[PlannedResource], state: DesiredState
) -> dict[str, list[PlannedResource]]:
    """Resources per owning team, read from their names (which derive from catalog keys).

    A service's resources belong to its owner. Where keys nest (`core` and `core-api`), the
    longest key that appears as a whole name segment wins.
    """
    owners = {key: key for key in state.teams}
    service_owner = {key: s.owner for key, s in state.services.items()}
    result: dict[str, list[PlannedResource]] = {}
    for resource in resources:
        team = _owner_of(resource.name, owners, service_owner)
        if team:
            result.setdefault(team, []).append(resource)
    return result


def _owner_of(name: str, teams: dict[str, str], services: dict[str, str]) -> str | None:
    parts = name.split("-")
    best: tuple[int, str] | None = None
    for start in range(1, len(parts)):
        for end in range(len(parts), start, -1):
            candidate = "-".join(parts[start:end])
            owner = services.get(candidate) if _is_service_kind(parts) else None
            owner = owner or teams.get(candidate)
            if owner and (best is None or end - start > best[0]):
                best = (end - start, owner)
        if best:
            return best[1]
    return None


def _is_service_kind(parts: list[str]) -> bool:
    return "-".join(parts[:2]) in {"pd-service", "pd-events", "pd-depends"} or parts[0] in {
        "harness",
        "pd",
    }
