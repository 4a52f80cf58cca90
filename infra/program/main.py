"""The program `pulumi up` runs: load the catalog, resolve it, declare each enabled provider.

A catalog with errors stops the program with `CatalogError` before anything is declared, so a
broken catalog never reaches a provider.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi

from infra.catalog.findings import has_errors
from infra.catalog.loader import load_catalog
from infra.core.state import DesiredState, resolve
from infra.program import harness, lookups, okta, pagerduty
from infra.program.settings import StackSettings, read_settings


class CatalogError(pulumi.RunError):
    """The catalog has errors; the message lists them with their places."""


@dataclass
class Declared:
    """Handles on what the program declared, for the modules that wire providers together."""

    okta: dict[str, okta.OktaTeam]
    pagerduty: pagerduty.PagerDutyDeclared | None
    harness: dict[str, object]


def run(catalog_path: str | None = None) -> Declared:
    """Run the whole program for the current stack."""
    settings = read_settings()
    state = load_state(catalog_path or settings.catalog, settings)
    return declare(state, settings)


def load_state(path: str, settings: StackSettings) -> DesiredState:
    """The catalog's desired state, or CatalogError listing every finding."""
    result = load_catalog(path)
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
    if settings.enabled("okta"):
        okta_ids = lookups.okta_user_ids(state.people)
        declared.okta = okta.declare_okta(state, settings, okta_ids)
    if settings.enabled("pagerduty"):
        user_ids: dict[str, pulumi.Input[str]]
        if settings.pagerduty_users == "managed":
            user_ids = dict(pagerduty.declare_users(state))
        else:
            user_ids = dict(lookups.pagerduty_user_ids(state.people))
        declared.pagerduty = pagerduty.declare_pagerduty(state, user_ids)
    if settings.enabled("harness"):
        declared.harness = dict(harness.declare_harness(state, settings))
    pulumi.export("teams", sorted(state.teams))
    pulumi.export("services", sorted(state.services))
    return declared
