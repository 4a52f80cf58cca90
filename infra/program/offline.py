"""Run the real program on Pulumi's mock runtime: no engine, no credentials, no network.

This is how `teamcat plan`, `teamcat policy` and the tests see what the program declares. The
program and the provider SDK classes run unchanged; only the resource monitor is Pulumi's mock,
which records every registration and answers the people lookups from the catalog itself with
ids that are plainly placeholders.
"""

from __future__ import annotations

import contextlib
import gc
import inspect
import json
import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import pulumi.runtime
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc
from pulumi.runtime.settings import SETTINGS, set_root_resource
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from infra.catalog.loader import LoadResult, load_catalog
from infra.catalog.yamlsource import YamlError, read_yaml_file
from infra.core.names import person_slug

REDACTED = "[secret]"
PROJECT = "teamcat"

# Outputs a real provider computes, answered with placeholders so the program can wire them on.
_COMPUTED: dict[str, dict[str, str]] = {
    "pagerduty:index/serviceIntegration:ServiceIntegration": {
        "integrationKey": "placeholder-routing-key-{name}"
    },
    "harness:platform/triggers:Triggers": {
        "webhookUrl": "https://placeholder.invalid/webhook/{name}"
    },
    "harness:platform/token:Token": {"value": "placeholder-harness-api-key-{name}"},
}


@dataclass(frozen=True)
class PlannedResource:
    """One resource the program registered, with its inputs and the options that matter."""

    type: str
    name: str
    inputs: dict[str, Any]
    protect: bool = False
    aliases: tuple[str, ...] = ()
    ignore_changes: tuple[str, ...] = ()
    additional_secret_outputs: tuple[str, ...] = ()

    @property
    def provider(self) -> str:
        return self.type.split(":", 1)[0]

    def redacted_inputs(self) -> dict[str, Any]:
        return redact(self.inputs)  # type: ignore[no-any-return]

    def secret_paths(self) -> list[str]:
        """Dotted paths of the inputs that are Pulumi secrets."""
        return _secret_paths(self.inputs, "")


@dataclass(frozen=True)
class PlannedInvoke:
    token: str
    args: dict[str, Any]


@dataclass
class Plan:
    """Everything one offline run of the program declared and looked up."""

    stack: str
    resources: list[PlannedResource] = field(default_factory=list)
    invokes: list[PlannedInvoke] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_]

    def named(self, name: str) -> PlannedResource:
        for resource in self.resources:
            if resource.name == name:
                return resource
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        """The documented `plan --json` shape, with secret values redacted."""
        return {
            "resources": [
                {"type": r.type, "name": r.name, "inputs": r.redacted_inputs()}
                for r in self.resources
            ],
            "invokes": [{"token": i.token, "args": redact(i.args)} for i in self.invokes],
        }


def redact(value: Any) -> Any:
    """`value` with every Pulumi secret replaced by a marker."""
    if rpc.is_rpc_secret(value):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [redact(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire format carries every number as a float
    return value


def _secret_paths(value: Any, prefix: str) -> list[str]:
    if rpc.is_rpc_secret(value):
        return [prefix or "."]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _secret_paths(v, f"{prefix}.{k}".lstrip("."))]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _secret_paths(v, f"{prefix}[{i}]")]
    return []


def _display(path: Path) -> str:
    """`path` relative to the working directory when it is below it, for messages."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


class StackConfigError(pulumi.RunError):
    """A stack settings file cannot be read; the message names the place."""


def read_stack_config(path: Path) -> tuple[dict[str, str], list[str]]:
    """A stack file's config as the engine would pass it, secrets replaced by placeholders."""
    try:
        document = read_yaml_file(path, _display(path))
    except YamlError as exc:
        raise StackConfigError(
            "the stack settings cannot be read:\n" + "\n".join(f.render() for f in exc.findings)
        ) from None
    data = document.data if isinstance(document.data, dict) else None
    if data is None or not isinstance(data.get("config") or {}, dict):
        where = document.source.at(("config",) if data is not None else ())
        raise StackConfigError(
            f"{where}: the stack settings must be a mapping with a `config:` mapping of "
            "`namespace:key: value` settings"
        )
    config: dict[str, str] = {}
    secrets: list[str] = []
    for key, value in (data.get("config") or {}).items():
        if isinstance(value, dict) and "secure" in value:
            config[key] = f"placeholder-secret-{key.replace(':', '-')}"
            secrets.append(key)
        elif isinstance(value, str):
            config[key] = value
        else:
            config[key] = json.dumps(value)
    return config, secrets


StackOutputs = Callable[[str], dict[str, Any]]
_STACK_REFERENCE = "pulumi:pulumi:StackReference"


class _Mocks(pulumi.runtime.Mocks):
    def __init__(
        self, plan: Plan, people: Mapping[str, str], stack_outputs: StackOutputs | None = None
    ) -> None:
        self.plan = plan
        self.people = people  # lower-cased e-mail -> name
        self.stack_outputs = stack_outputs

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        if args.typ == _STACK_REFERENCE:
            return self._stack_reference(args)
        state = dict(args.inputs)
        for output, template in _COMPUTED.get(args.typ, {}).items():
            state.setdefault(output, template.format(name=args.name))
        return f"placeholder-{args.name}", state

    def _stack_reference(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        """Another stack's outputs (sharding), answered with placeholder ids offline."""
        stack = str(args.inputs.get("name") or args.resource_id)
        outputs = self.stack_outputs(stack) if self.stack_outputs else {}
        return stack, {"name": stack, "outputs": outputs, "secretOutputNames": []}

    def call(
        self, args: pulumi_mocks.MockCallArgs
    ) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        self.plan.invokes.append(PlannedInvoke(args.token, dict(args.args)))
        answer = _LOOKUPS.get(args.token)
        if answer is None:
            raise NotImplementedError(f"teamcat plan has no offline answer for {args.token}")
        return answer(self.people), []


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """Pulumi's mock monitor, also keeping the resource options that the mocks API hides."""

    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self.plan = mocks.plan

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type != "pulumi:pulumi:Stack":
            inputs = rpc.deserialize_properties(request.object)
            self.plan.resources.append(
                PlannedResource(
                    type=request.type,
                    name=request.name,
                    inputs=inputs,
                    protect=bool(request.protect),
                    aliases=tuple(a.spec.name for a in request.aliases if a.spec.name),
                    ignore_changes=tuple(request.ignoreChanges),
                    additional_secret_outputs=tuple(request.additionalSecretOutputs),
                )
            )
        return response


def _pagerduty_users(people: Mapping[str, str]) -> dict[str, Any]:
    return {
        "id": "placeholder-pagerduty-users",
        "users": [
            {
                "id": f"placeholder-pd-user-{person_slug(email)}",
                "email": email,
                "name": name,
                "description": "",
                "jobTitle": "",
                "role": "user",
                "timeZone": "Etc/UTC",
                "type": "user",
            }
            for email, name in sorted(people.items())
        ],
    }


def _okta_users(people: Mapping[str, str]) -> dict[str, Any]:
    import pulumi_okta.user.outputs as okta_outputs

    # The SDK's result type requires every field; fill the ones a lookup does not use.
    fields = inspect.signature(okta_outputs.GetUsersUserResult.__init__).parameters
    blank = {_camel(f): "" for f in fields if f != "__self__"}
    users = []
    for email, name in sorted(people.items()):
        user = {**blank, "adminRoles": [], "groupMemberships": [], "roles": []}
        user.update(
            id=f"placeholder-okta-user-{person_slug(email)}",
            email=email,
            login=email,
            displayName=name,
            status="ACTIVE",
        )
        users.append(user)
    return {"id": "placeholder-okta-users", "users": users}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


_LOOKUPS: dict[str, Callable[[Mapping[str, str]], dict[str, Any]]] = {
    "pagerduty:index/getUsers:getUsers": _pagerduty_users,
    "okta:user/getUsers:getUsers": _okta_users,
}


class _LogCollector(logging.Handler):
    def __init__(self, plan: Plan) -> None:
        super().__init__(logging.WARNING)
        self.plan = plan

    def emit(self, record: logging.LogRecord) -> None:
        self.plan.warnings.append(record.getMessage())


def run_offline(
    program: Callable[[], object],
    *,
    people: Mapping[str, str],
    stack: str = "dev",
    config: Mapping[str, str] | None = None,
    secret_keys: list[str] | None = None,
    stack_outputs: StackOutputs | None = None,
) -> Plan:
    """Run `program` on the mock runtime and return what it declared.

    `people` (lower-cased e-mail to name) are the users the offline lookups know;
    `stack_outputs(stack)` answers a StackReference to another stack (sharding). Exceptions
    from the program (a `pulumi.RunError` for bad settings or a bad catalog) propagate unchanged.
    """
    plan = Plan(stack)
    mocks = _Mocks(plan, people, stack_outputs)
    logger = logging.getLogger("teamcat.offline")
    logger.propagate = False
    collector = _LogCollector(plan)
    logger.addHandler(collector)
    pulumi.runtime.set_all_config(dict(config or {}), secret_keys or [])
    SETTINGS.rpc_manager.clear()
    SETTINGS.outputs.clear()
    set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_mocks(
        mocks,
        project=PROJECT,
        stack=stack,
        preview=False,
        logger=logger,
        monitor=_RecordingMonitor(mocks),
    )
    try:
        with _collecting_rarely():
            _sync_await(run_pulumi_func(lambda: _run(program)))
    finally:
        logger.removeHandler(collector)
    plan.resources.sort(key=lambda r: (r.type, r.name))
    plan.invokes.sort(key=lambda i: (i.token, json.dumps(redact(i.args), sort_keys=True)))
    return plan


@contextlib.contextmanager
def _collecting_rarely() -> Iterator[None]:
    """Run with the cyclic garbage collector mostly idle, as it was before afterwards.

    The mock runtime allocates millions of small objects (outputs, futures, tasks) that nearly
    all stay alive until the run ends, so at the default thresholds the collector scans the
    growing heap again and again for little garbage: 40% of a 5,000-resource plan, and a share
    that grows with the plan (docs/performance.md). Objects from before the run (the catalog,
    the modules) are frozen out of the scans; young collections wait for 50,000 allocations.
    """
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def catalog_people(catalog_path: str | LoadResult) -> dict[str, str]:
    """The people of a catalog (a file, or one already read) for the offline lookups.

    Empty when the catalog does not load.
    """
    loaded = load_catalog(catalog_path) if isinstance(catalog_path, str) else catalog_path
    if loaded.catalog is None:
        return {}
    return {p.email.lower(): p.name for p in loaded.catalog.people}


def catalog_stack_outputs(loaded: LoadResult) -> StackOutputs:
    """Offline outputs of the other stacks of a sliced organisation (docs/sharding.md).

    A placeholder id for every team, escalation policy, service and person of the catalog,
    under the output names those stacks export.
    """
    catalog = loaded.catalog
    teams = sorted(t.key for t in catalog.teams) if catalog else []
    services = sorted(s.key for s in catalog.services) if catalog else []
    people = sorted(p.email.lower() for p in catalog.people) if catalog else []

    def outputs(stack: str) -> dict[str, Any]:
        def ids(kind: str, keys: list[str]) -> dict[str, str]:
            return {key: f"placeholder-{stack}-{kind}-{key}" for key in keys}

        return {
            "pagerdutyTeamIds": ids("pd-team", teams),
            "pagerdutyEscalationPolicyIds": ids("pd-escalation", teams),
            "pagerdutyServiceIds": ids("pd-service", services),
            "pagerdutyUserIds": ids("pd-user", people),
        }

    return outputs


def _run(program: Callable[[], object]) -> None:
    program()
