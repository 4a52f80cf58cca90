"""`teamcat plan`: run the program offline for a stack and summarise what it declares."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

from infra.catalog.loader import load_catalog
from infra.core.budget import ITEM_FIELDS, Usage, VendorBudget, estimate
from infra.core.slices import Slice, SliceError, select_slice, slice_counts
from infra.core.state import DesiredState
from infra.program.offline import (
    Plan,
    PlannedResource,
    catalog_people,
    catalog_stack_outputs,
    read_stack_config,
    run_offline,
)
from infra.program.settings import SettingsError, StackSettings, parse_settings

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
    # Read the catalog once, for the offline lookups, the other stacks' outputs and the program.
    loaded = load_catalog(catalog)
    return run_offline(
        lambda: run(catalog, loaded),
        people=catalog_people(loaded),
        stack=stack,
        config=config,
        secret_keys=secrets,
        stack_outputs=catalog_stack_outputs(loaded),
    )


def stack_settings(stack: str) -> StackSettings | None:
    """The stack's teamcat settings as the program reads them; None when they are incomplete."""
    config, _ = read_stack_config(stack_file(stack))
    try:
        return parse_settings(lambda key: config.get(f"teamcat:{key}"))
    except SettingsError:
        return None


def plan_budget(plan: Plan, people: int) -> list[VendorBudget]:
    """The API budget of `plan`; lookups page through `people` users."""
    counts = Counter(r.type for r in plan.resources)
    items: Counter[str] = Counter()
    for resource in plan.resources:
        listed = resource.inputs.get(ITEM_FIELDS.get(resource.type, ""))
        if isinstance(listed, list):
            items[resource.type] += len(listed)
    lookups = Counter(i.token for i in plan.invokes)
    return estimate(
        [Usage(t, n, items[t]) for t, n in sorted(counts.items())],
        [Usage(t, n, n * people) for t, n in sorted(lookups.items())],
    )


def render_budget(budgets: list[VendorBudget]) -> list[str]:
    """The budget table: calls and minimum minutes of a first `pulumi up` and of a refresh."""
    lines = [
        "API budget (estimates, see docs/performance.md):",
        f"  {'vendor':<10} {'up calls':>10} {'minutes':>8} {'refresh calls':>14} {'minutes':>8}"
        "   slowest limit",
    ]
    for b in budgets:
        limit = f"{b.binding.bucket}: {b.binding.per_minute}/min" if b.binding else ""
        lines.append(
            f"  {b.vendor:<10} {b.up_calls:>10,} {b.up_minutes:>8.1f} {b.refresh_calls:>14,} "
            f"{b.refresh_minutes:>8.1f}   {limit}"
        )
    defaulted = {t for b in budgets for t in b.estimated_by_default}
    if defaulted:
        lines.append(
            f"  {len(defaulted)} resource types without a specific estimate count 2 calls to "
            "create and 1 to read"
        )
    return lines


def render_slices(state: DesiredState, settings: StackSettings, stack: str) -> list[str]:
    """Per-stack counts of a sliced organisation, and what this stack reads from the others."""
    assert settings.slice is not None
    try:
        counts = slice_counts(state, settings.slices)
        mine: Slice = select_slice(state, settings.slices, settings.slice)
    except SliceError as exc:
        return ["Slices: they do not fit the catalog:", *(f"  {p}" for p in exc.problems)]
    lines = [
        f"Slices (stack `{stack}` declares `{settings.slice}`):",
        f"  {'slice':<20} {'teams':>6} {'services':>9}  stack",
    ]
    for spec in settings.slices:
        teams, services = counts[spec.name]
        marker = "*" if spec.name == settings.slice else " "
        lines.append(f"  {spec.name:<18} {marker} {teams:>6} {services:>9}  {spec.stack}")
    where = mine.elsewhere
    summary = (
        f"cross-stack references: {where.count()} ({len(where.teams)} parent teams, "
        f"{len(where.escalation_policies)} escalation policies, {len(where.services)} "
        f"supporting services, {len(where.users)} users) from "
        f"{', '.join(sorted(where.slices())) or 'no other slice'}"
    )
    lines.extend(textwrap.wrap(summary, width=96, initial_indent="  ", subsequent_indent="    "))
    return lines


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
    lines.extend(_safety_lines(plan))
    lines.append("")
    tokens = Counter(i.token for i in plan.invokes)
    listed = ", ".join(f"{token} x{n}" for token, n in sorted(tokens.items())) or "none"
    lines.append(f"Lookups: {len(plan.invokes)} ({listed})")
    lines.append("")
    settings = stack_settings(plan.stack)
    shown = state
    if settings is not None and settings.slice is not None:
        lines.extend(render_slices(state, settings, plan.stack))
        lines.append("")
        try:
            shown = select_slice(state, settings.slices, settings.slice).state
        except SliceError:
            shown = state
    lines.extend(render_budget(plan_budget(plan, len(shown.people))))
    lines.append("")
    lines.append("Teams:")
    by_team = attribute(plan.resources, state)
    for key, team in shown.teams.items():
        owned = by_team.get(key, [])
        services = sorted(s.key for s in state.services.values() if s.owner == key)
        lines.append(f"  {key} ({team.name}): {len(owned)} resources, {len(team.members)} members")
        kinds = Counter(short_type(r.type) for r in owned)
        # Non-breaking spaces keep each "Kind xN" on one line when the list wraps.
        listed = ", ".join(f"{kind}\u00a0x{n}" for kind, n in sorted(kinds.items()))
        wrapped = textwrap.wrap(listed, width=96, initial_indent="    ", subsequent_indent="    ")
        lines.extend(line.replace("\u00a0", " ") for line in wrapped)
        if services:
            lines.append(f"    services: {', '.join(services)}")
    if plan.warnings:
        lines.append("")
        lines.append("Warnings:")
        lines.extend(f"  {w}" for w in plan.warnings)
    return lines


def _safety_lines(plan: Plan) -> list[str]:
    """How many resources are protected, and which carry aliases from a key rename."""
    protected = sum(1 for r in plan.resources if r.protect)
    lines = [f"  protected from deletion: {protected}"]
    renamed = [r for r in plan.resources if r.aliases]
    if renamed:
        lines.append(f"  renamed, kept through aliases: {len(renamed)}")
        for resource in renamed[:10]:
            lines.append(f"    {resource.name} (was {', '.join(resource.aliases)})")
        if len(renamed) > 10:
            lines.append(f"    and {len(renamed) - 10} more")
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
