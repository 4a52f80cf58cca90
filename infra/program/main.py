"""The program `pulumi up` runs: load the catalog, resolve it, declare each enabled provider.

A catalog with errors stops the program with `CatalogError` before anything is declared, so a
broken catalog never reaches a provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.catalog.findings import has_errors
from infra.catalog.loader import LoadResult, load_catalog
from infra.core.state import DesiredState, resolve
from infra.program import harness, lookups, okta, pagerduty, sharding
from infra.program.handshake import declare_handshake
from infra.program.settings import StackSettings, read_settings


class CatalogError(pulumi.RunError):
    """The catalog has errors; the message lists them with their places."""


@dataclass
class Declared:
    """Handles on what the program declared, for the modules that wire providers together."""

    okta: dict[str, okta.OktaTeam]
    pagerduty: pagerduty.PagerDutyDeclared | None
    harness: dict[str, object]


def run(catalog_path: str | None = None, loaded: LoadResult | None = None) -> Declared:
    """Run the whole program for the current stack.

    `loaded` is the catalog at `catalog_path` when the caller has already read it (`teamcat
    plan` does, for the offline lookups), so a large catalog is not read twice.
    """
    settings = read_settings()
    state = load_state(catalog_path or settings.catalog, settings, loaded)
    return declare(state, settings)


def load_state(
    path: str, settings: StackSettings, loaded: LoadResult | None = None
) -> DesiredState:
    """The catalog's desired state, or CatalogError listing every finding."""
    result = loaded or load_catalog(path)
    for finding in result.findings:
        if finding.severity == "warning":
            pulumi.log.warn(finding.render())
    if result.catalog is None or has_errors(result.findings):
        rendered = "\n".join(f.render() for f in result.findings if f.severity == "error")
        raise CatalogError(
            f"the catalog has errors; nothing was declared:\n{rendered}\n"
            f"run `teamcat validate {path}` to check it locally"
        )
    return resolve(result.catalog, settings.harness_org)


def declare(state: DesiredState, settings: StackSettings) -> Declared:
    """Declare the resources of every provider the stack enables."""
    declared = Declared(okta={}, pagerduty=None, harness={})
    sliced = sharding.select(state, settings)  # docs/sharding.md: this stack's part only
    state = sliced.state if sliced else state
    references = sharding.References(settings)
    if settings.enabled("okta"):
        okta_ids = lookups.okta_user_ids(state.people)
        declared.okta = okta.declare_okta(state, settings, okta_ids)
    if settings.enabled("pagerduty"):
        user_ids: dict[str, pulumi.Input[str]]
        if settings.pagerduty_users == "managed":
            user_ids = dict(pagerduty.declare_users(sharding.own_users(state, sliced)))
            user_ids.update(references.users(sliced))
        else:
            user_ids = dict(lookups.pagerduty_user_ids(state.people))
        declared.pagerduty = pagerduty.declare_pagerduty(
            state, user_ids, references.pagerduty(sliced)
        )
        if sliced is not None:
            sharding.export_ids(declared.pagerduty, user_ids, sliced)
    if settings.enabled("harness"):
        declared.harness = dict(harness.declare_harness(state, settings))
    if declared.pagerduty is not None and settings.enabled("harness"):
        declare_handshake(state, settings, declared.pagerduty, pulumi.get_stack())
    pulumi.export("teams", sorted(state.teams))
    pulumi.export("services", sorted(state.services))
    return declared
