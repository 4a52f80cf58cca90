"""teamcat's CrossGuard policy pack, built from the shared rules in `infra.rules`.

`pulumi preview --policy-pack policies` runs this file as `__main__`, which serves the pack.
Importing it under another name (as `teamcat policy` and the tests do) only builds `POLICIES`,
the very objects the pack serves, so the offline command and CrossGuard run the same code.

Catalog rules run as stack validation policies. CrossGuard shows a policy resources, not the
catalog, so each of them reads the catalog the program read (the stack setting
`teamcat:catalog`, from the project root) and reports every violation with the catalog's
`file:line:col`. Resource rules run as resource validation policies on each declared resource;
stack rules, which compare resources, as stack validation policies over all of them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyPack,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra.core.state import DEFAULT_HARNESS_ORG
from infra.rules.registry import PREVIOUS_CATALOG, RULES, CatalogInput, Rule
from infra.rules.resources import DeclaredOptions, DeclaredResource
from infra.rules.subject import CatalogSubject, CatalogUnusable, find_catalog, load_subject

PACK_NAME = "teamcat"
# CrossGuard starts the pack inside this directory; catalog paths are relative to the project.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def declared_options(args: ResourceValidationArgs) -> DeclaredOptions:
    """The resource options the rules read, from CrossGuard's arguments.

    CrossGuard's arguments do not say which inputs are secrets (the SDK unwraps them), so
    `secret_inputs` stays unknown unless the caller adds it, as `teamcat policy` does.
    """
    return DeclaredOptions(
        protect=bool(args.opts.protect),
        additional_secret_outputs=tuple(args.opts.additional_secret_outputs or ()),
        secret_inputs=getattr(args, "secret_inputs", None),
    )


def resource_policy(rule: Rule) -> ResourceValidationPolicy:
    """A resource validation policy that runs `rule` on each declared resource."""
    check = rule.resource_check
    assert check is not None

    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        for violation in check(args.resource_type, args.props, args.name, declared_options(args)):
            report_violation(violation.render(), None)

    return ResourceValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=EnforcementLevel(rule.level),
        config_schema=_schema(rule),
    )


def catalog_policy(rule: Rule) -> StackValidationPolicy:
    """A stack validation policy that runs `rule` on the stack's catalog."""
    check = rule.catalog_check
    assert check is not None

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        config = dict(args.get_config() or {})
        try:
            given = CatalogInput(_current_catalog(), _previous_catalog(config), config)
        except CatalogUnusable as exc:
            report_violation(str(exc), None)
            return
        for violation in check(given):
            report_violation(violation.render(), None)

    return StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=EnforcementLevel(rule.level),
        config_schema=_schema(rule),
    )


def stack_policy(rule: Rule) -> StackValidationPolicy:
    """A stack validation policy that runs `rule` on every resource of the stack at once."""
    check = rule.stack_check
    assert check is not None

    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [DeclaredResource(r.resource_type, r.props, r.name) for r in args.resources]
        urns = {r.name: r.urn for r in args.resources}
        for violation in check(resources):
            report_violation(violation.render(), urns.get(violation.resource or ""))

    return StackValidationPolicy(
        name=rule.name,
        description=rule.description,
        validate=validate,
        enforcement_level=EnforcementLevel(rule.level),
        config_schema=_schema(rule),
    )


def build_policies() -> list[Policy]:
    """One CrossGuard policy per rule of `infra.rules.registry.RULES`, in that order."""
    policies: list[Policy] = []
    for rule in RULES:
        if rule.catalog_check is not None:
            policies.append(catalog_policy(rule))
        elif rule.stack_check is not None:
            policies.append(stack_policy(rule))
        else:
            policies.append(resource_policy(rule))
    return policies


def _schema(rule: Rule) -> PolicyConfigSchema | None:
    return PolicyConfigSchema(properties=dict(rule.config)) if rule.config else None


def _current_catalog() -> CatalogSubject:
    settings = pulumi.Config("teamcat")
    value = settings.get("catalog") or "catalog.yaml"
    org = settings.get("harnessOrg") or DEFAULT_HARNESS_ORG
    return _load(value, org)


def _previous_catalog(config: Mapping[str, Any]) -> CatalogSubject | None:
    value = config.get(PREVIOUS_CATALOG)
    if not isinstance(value, str) or not value:
        return None
    org = pulumi.Config("teamcat").get("harnessOrg") or DEFAULT_HARNESS_ORG
    return _load(value, org)


def _load(value: str, org: str) -> CatalogSubject:
    path = find_catalog(value, (Path.cwd(), PROJECT_ROOT))
    stamp = path.stat().st_mtime_ns if path.is_file() else 0
    return _load_once(str(path), value, org, stamp)


@functools.lru_cache(maxsize=8)
def _load_once(path: str, display: str, org: str, stamp: int) -> CatalogSubject:
    # Every catalog policy reads the same file in one run; `stamp` makes an edit reload it.
    return load_subject(Path(path), display, org)


POLICIES: list[Policy] = build_policies()


def serve() -> None:
    """Serve the pack to the Pulumi engine; blocks until the engine stops it."""
    PolicyPack(
        name=PACK_NAME,
        policies=POLICIES,
        description="Ownership and access rules for teamcat's catalog.",
    )


if __name__ == "__main__":
    serve()
