"""Two-step removal: a service leaves the catalog only after a version marked it decommissioned.

PagerDuty services are protected, so removing one in a single step makes `pulumi up` stop
half-way; marking it `decommissioned: true` first lets people move their integrations and
gives reviewers one change to approve the removal itself.
"""

from __future__ import annotations

from infra.core.state import DesiredState
from infra.rules.violations import Violation
from infra.rules.where import CatalogPaths

DECOMMISSION_FIRST = "decommission-before-removal"


def check_decommission(
    state: DesiredState,
    where: CatalogPaths,
    previous: DesiredState,
    previous_where: CatalogPaths,
) -> list[Violation]:
    """Services of `previous` missing now were marked `decommissioned` there (or renamed)."""
    renamed = {old for service in state.services.values() for old in service.renamed_from}
    violations = []
    for key, before in previous.services.items():
        if key in state.services or key in renamed or before.decommissioned:
            continue
        was = previous_where.at(previous_where.service(key))
        message = (
            f"service `{key}` (at {was}) was removed without a previous version marking it "
            "`decommissioned: true`"
        )
        hint = "restore it with `decommissioned: true`, apply that, and remove it in a later change"
        violations.append(
            where.violation(DECOMMISSION_FIRST, message, ("services",), hint, key=True)
        )
    return violations
