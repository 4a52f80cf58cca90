"""`teamcat policy`: run the policy pack offline, as CrossGuard would, and point at the catalog.

The command imports the pack (`policies/__main__.py`) without serving it and runs its very
policy objects: resource policies on every resource `teamcat plan` records, with the
`ResourceValidationArgs` CrossGuard would build, and stack policies with `StackValidationArgs`
(the catalog rules among them read the catalog through the stack settings, as in a real run).
Each violation is mapped back to the catalog entry that caused it.

One difference from CrossGuard, on purpose: the arguments also say which inputs are Pulumi
secrets (`secret_inputs`), which CrossGuard's Python SDK strips before a policy runs. The
secret checks that need it are therefore complete here and skipped under `pulumi preview`.
"""

from __future__ import annotations

import asyncio
import importlib.util
import inspect
import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, cast

import pulumi
import typer

# protobuf ships no type stubs; it is the wire format CrossGuard's own arguments come through.
from google.protobuf import json_format, struct_pb2  # type: ignore[import-untyped]
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
)
from pulumi_policy.deserialize import deserialize_properties
from pulumi_policy.proxy import unknown_checking_proxy

from infra.catalog.findings import Position
from infra.cli import output
from infra.cli.output import EXIT_FINDINGS, EXIT_USAGE
from infra.cli.plan import PROJECT_ROOT, plan_catalog, stack_file
from infra.core.state import DEFAULT_HARNESS_ORG
from infra.program.offline import PROJECT, Plan, PlannedResource, read_stack_config
from infra.rules.lifecycle import DECOMMISSION_FIRST
from infra.rules.locate import locate_resource
from infra.rules.pack_config import check_pack_config
from infra.rules.registry import PREVIOUS_CATALOG
from infra.rules.subject import CatalogSubject, load_subject

PACK_DIR = PROJECT_ROOT / "policies"
PACK_MODULE = "teamcat_policy_pack"

_LOCATED = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>.*)$", re.DOTALL)


class PackConfigError(Exception):
    """The policy pack config file is unreadable or malformed; `problems` says how."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"policy config {path}: " + "; ".join(problems))
        self.path = path
        self.problems = problems


@dataclass(frozen=True)
class Reported:
    """One violation a policy reported, placed in the catalog."""

    policy: str
    level: str
    position: Position
    message: str
    resource: str | None = None

    def render(self) -> str:
        """`file:line:col: level policy: message`, hint lines kept below it."""
        return f"{self.position}: {self.level} {self.policy}: {self.message}"


@dataclass
class PolicyRun:
    """What one run of the pack found."""

    stack: str
    reported: list[Reported] = field(default_factory=list)
    policies: int = 0
    resources: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def blocking(self) -> list[Reported]:
        return [r for r in self.reported if r.level == "mandatory"]


def load_pack(directory: Path = PACK_DIR) -> ModuleType:
    """The policy pack module, imported once per process and never served."""
    loaded = sys.modules.get(PACK_MODULE)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(PACK_MODULE, directory / "__main__.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[PACK_MODULE] = module
    spec.loader.exec_module(module)
    return module


def read_pack_config(path: Path) -> dict[str, Any]:
    """A pack config file, in the JSON format of `pulumi preview --policy-pack-config`.

    Every policy name, level and property is checked against the pack, as Pulumi does; a
    byte order mark, which some editors write, is allowed.
    """
    try:
        # "utf-8-sig" reads a file with or without a byte order mark.
        text = path.read_text(encoding="utf-8-sig")
        document = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except OSError as exc:
        raise PackConfigError(path, [f"cannot be read: {exc.strerror or exc}"]) from None
    except ValueError as exc:
        raise PackConfigError(path, [f"is not JSON: {exc}"]) from None
    problems = check_pack_config(document)
    if problems:
        raise PackConfigError(path, problems)
    return cast(dict[str, Any], document)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            # JSON parsers keep one of the two silently; which one Pulumi keeps is not promised.
            raise ValueError(f"`{key}` is given twice")
        seen[key] = value
    return seen


def _no_constant(name: str) -> Any:
    raise ValueError(f"`{name}` is not a JSON value")


def policy_level(name: str, default: str, pack_config: Mapping[str, Any]) -> str:
    """A policy's level: its own config entry, else the `all` entry, else its default."""
    for key in (name, "all"):
        value = pack_config.get(key)
        level = value.get("enforcementLevel") if isinstance(value, dict) else value
        if isinstance(level, str):
            return level
    return default


def policy_properties(name: str, pack_config: Mapping[str, Any]) -> dict[str, Any]:
    """A policy's config properties (everything in its entry but the level)."""
    value = pack_config.get(name)
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if k != "enforcementLevel"}


def run_policies(
    catalog: Path,
    stack: str = "dev",
    previous: Path | None = None,
    pack_config: Mapping[str, Any] | None = None,
) -> PolicyRun:
    """Plan `catalog` for `stack` offline and run every enabled policy of the pack on it."""
    config, secret_keys = read_stack_config(stack_file(stack))
    config["teamcat:catalog"] = str(catalog)
    org = config.get("teamcat:harnessOrg") or DEFAULT_HARNESS_ORG
    subject = load_subject(catalog, str(catalog), org)
    plan = plan_catalog(str(catalog), stack)
    # The stack's settings, as the engine hands them to a pack; the catalog rules read them.
    pulumi.runtime.set_all_config(config, secret_keys)

    run = PolicyRun(stack, resources=len(plan.resources))
    placer = _Placer(subject, Position(str(catalog), 1, 1))
    for policy in load_pack().POLICIES:
        configured = _configure(policy, pack_config or {}, previous)
        if configured is None:
            if policy.name == DECOMMISSION_FIRST and previous is None:
                run.skipped.append(f"{policy.name} (no --previous catalog)")
            continue
        run.policies += 1
        run.reported.extend(_run_policy(policy, *configured, plan, placer))
    run.reported.sort(key=lambda r: (r.position, r.policy, r.message))
    return run


def _configure(
    policy: Any, pack_config: Mapping[str, Any], previous: Path | None
) -> tuple[str, dict[str, Any]] | None:
    """The policy's level and config properties, or None when it does not run."""
    level = policy_level(policy.name, policy.enforcement_level.value, pack_config)
    properties = policy_properties(policy.name, pack_config)
    if policy.name == DECOMMISSION_FIRST:
        if previous is None:
            return None
        properties[PREVIOUS_CATALOG] = str(previous)
    if level == "disabled":
        return None
    # No teamcat policy remediates; CrossGuard reports a remediate violation as mandatory.
    return ("mandatory" if level == "remediate" else level), properties


def _run_policy(
    policy: Any, level: str, properties: dict[str, Any], plan: Plan, placer: _Placer
) -> list[Reported]:
    reported = _Collector(policy.name, level, placer)
    if _is_resource_policy(policy):
        for resource in plan.resources:
            args = planned_resource_args(resource, plan.stack, properties)
            _validate(policy, args, reported.for_resource(resource.name))
    else:
        _validate(policy, planned_stack_args(plan, properties), reported.for_stack())
    return reported.items


def _is_resource_policy(policy: Any) -> bool:
    return isinstance(policy, ResourceValidationPolicy)


class PlannedValidationArgs(ResourceValidationArgs):
    """CrossGuard's arguments for one planned resource, plus which of its inputs are secrets."""

    def __init__(
        self, resource: PlannedResource, stack: str, config: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(
            resource.type,
            crossguard_props(resource.inputs),
            resource_urn(stack, resource.type, resource.name),
            resource.name,
            _options(resource, stack),
            None,
            config,
            {},
        )
        self.secret_inputs = frozenset(resource.secret_paths())


def planned_resource_args(
    resource: PlannedResource, stack: str, config: Mapping[str, Any] | None = None
) -> PlannedValidationArgs:
    """The arguments a resource validation policy gets for `resource`."""
    return PlannedValidationArgs(resource, stack, config)


def planned_stack_args(plan: Plan, config: Mapping[str, Any] | None = None) -> StackValidationArgs:
    """The arguments a stack validation policy gets for the whole plan.

    CrossGuard passes each resource's outputs; offline, the inputs stand in for them (the mock
    runtime echoes inputs back as outputs).
    """
    resources = [
        PolicyResource(
            r.type,
            crossguard_props(r.inputs),
            resource_urn(plan.stack, r.type, r.name),
            r.name,
            _options(r, plan.stack),
            None,
            None,
            [],
            {},
        )
        for r in plan.resources
    ]
    return StackValidationArgs(resources, config, {})


def crossguard_props(inputs: Mapping[str, Any]) -> Mapping[str, Any]:
    """`inputs` as a policy sees them: through the wire format, secrets unwrapped, proxied."""
    struct = struct_pb2.Struct()
    struct.update(dict(inputs))
    wire = json_format.MessageToDict(struct)
    return unknown_checking_proxy(deserialize_properties(wire))


def resource_urn(stack: str, type_: str, name: str) -> str:
    """The URN the engine gives a top-level resource of this project."""
    return f"urn:pulumi:{stack}::{PROJECT}::{type_}::{name}"


def _options(resource: PlannedResource, stack: str) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        resource.protect,
        list(resource.ignore_changes),
        None,
        [resource_urn(stack, resource.type, alias) for alias in resource.aliases],
        PolicyCustomTimeouts(0, 0, 0),
        list(resource.additional_secret_outputs),
        None,
    )


def _validate(policy: Any, args: Any, report: Any) -> None:
    result = policy.validate(args, report)
    if inspect.isawaitable(result):
        asyncio.run(_wait(result))


async def _wait(result: Any) -> None:
    await result


class _Placer:
    """Turns what a policy reported (a resource name or a located message) into a position."""

    def __init__(self, subject: CatalogSubject, fallback: Position) -> None:
        self.subject = subject
        self.fallback = fallback

    def resource(self, name: str) -> Position:
        where = self.subject.where
        path = locate_resource(name, self.subject.state, where)
        return where.at(path) if path else self.fallback

    def message(self, text: str) -> tuple[Position, str]:
        match = _LOCATED.match(text)
        if match is None:
            return self.fallback, text
        line, col = int(match["line"]), int(match["col"])
        return Position(match["file"], line, col), match["message"]


class _Collector:
    """The `report_violation` callbacks of one policy, collecting placed violations."""

    def __init__(self, policy: str, level: str, placer: _Placer) -> None:
        self.policy = policy
        self.level = level
        self.placer = placer
        self.items: list[Reported] = []

    def for_resource(self, name: str) -> Any:
        def report(message: str, urn: str | None = None) -> None:
            self._add(self.placer.resource(name), message, name)

        return report

    def for_stack(self) -> Any:
        def report(message: str, urn: str | None = None) -> None:
            if urn:
                name = urn.rsplit("::", 1)[-1]
                self._add(self.placer.resource(name), message, name)
            else:
                position, text = self.placer.message(message)
                self._add(position, text, None)

        return report

    def _add(self, position: Position, message: str, resource: str | None) -> None:
        self.items.append(Reported(self.policy, self.level, position, message, resource))


def render_run(run: PolicyRun, catalog: Path) -> list[str]:
    """Each violation in file order, then a short summary that fits a CI log line."""
    lines = [item.render() for item in run.reported]
    advisory = len(run.reported) - len(run.blocking)
    summary = [
        f"teamcat policy: {len(run.blocking)} mandatory, {advisory} advisory violation(s) "
        f"in {catalog}",
        f"  {run.policies} policies on {run.resources} resources of stack `{run.stack}`",
    ]
    summary += [f"  not run: {skipped}" for skipped in run.skipped]
    return [*lines, *summary]


CatalogArg = Annotated[Path, typer.Argument(help="The catalog file.", show_default=True)]
PreviousOpt = Annotated[
    Path | None,
    typer.Option(
        "--previous",
        help="The previous catalog (such as the base branch's), for two-step removal.",
    ),
]
StackOpt = Annotated[
    str,
    typer.Option(
        "--stack", "-s", help="The stack whose settings to use (stacks/Pulumi.<stack>.yaml)."
    ),
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Policy pack config (JSON, as for `pulumi preview --policy-pack-config`).",
    ),
]


def policy(
    catalog: CatalogArg = Path("catalog.yaml"),
    previous: PreviousOpt = None,
    stack: StackOpt = "dev",
    config: ConfigOpt = None,
) -> None:
    """Run the policy pack's rules on what `teamcat plan` declares, offline.

    Prints each violation as FILE:LINE:COL: LEVEL POLICY: MESSAGE, pointing at the catalog
    entry that caused it. Exit 0 when no mandatory policy is violated, 1 otherwise (or when
    the catalog has errors), 2 for a missing stack or a malformed policy config.
    """
    from infra.cli.app import load_or_exit
    from infra.cli.plan import StackFileError

    load_or_exit(catalog)
    if previous is not None:
        load_or_exit(previous)
    try:
        pack_config = read_pack_config(config) if config is not None else {}
        run = run_policies(catalog, stack, previous, pack_config)
    except PackConfigError as exc:
        for problem in exc.problems:
            output.stderr().print(f"teamcat: error: {exc.path}: {problem}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    except StackFileError as exc:
        output.stderr().print(f"teamcat: error: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    console = output.stdout()
    for line in render_run(run, catalog):
        console.print(line, markup=False)
    if run.blocking:
        raise typer.Exit(EXIT_FINDINGS)
