"""Every rule with its policy name, one-sentence description and default enforcement level.

This is the one list the policy pack (`policies/__main__.py`) and `teamcat policy` build from.
Catalog rules read the whole catalog (and the previous one, for two-step removal); resource
rules read one declared resource at a time; stack rules read every declared resource at once.
`config` gives a rule's pack config properties as JSON Schema, beside the `enforcementLevel`
that every policy accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from infra.rules.access import PAGED_CAN_FIX, check_paged_can_fix
from infra.rules.admin import NO_HARNESS_ADMIN, check_no_harness_admin
from infra.rules.callbacks import CALLBACKS_AUTHENTICATED, check_callbacks
from infra.rules.lifecycle import DECOMMISSION_FIRST, check_decommission
from infra.rules.ownership import (
    ESCALATION_REACH,
    OWNER_STAFFED,
    SINGLE_PERSON_ROTATION,
    check_escalation_reach,
    check_service_owners,
    check_single_person_rotations,
)
from infra.rules.protection import PAGERDUTY_PROTECTED, check_protected
from infra.rules.resources import DeclaredOptions, DeclaredResource
from infra.rules.secrets import HARNESS_SECRETS, check_harness_secrets
from infra.rules.subject import CatalogSubject
from infra.rules.triggers import TRIGGER_AUTH_MANDATED, check_trigger_auth
from infra.rules.violations import Level, Violation

EXECUTION_ROLES = "executionRoles"
PREVIOUS_CATALOG = "previousCatalog"


@dataclass(frozen=True)
class CatalogInput:
    """What a catalog rule reads: the catalog, the previous one if given, the rule's config."""

    current: CatalogSubject
    previous: CatalogSubject | None = None
    config: Mapping[str, Any] = field(default_factory=dict)


CatalogCheck = Callable[[CatalogInput], list[Violation]]
ResourceCheck = Callable[[str, Mapping[str, Any], str, DeclaredOptions], list[Violation]]
StackCheck = Callable[[Sequence[DeclaredResource]], list[Violation]]


@dataclass(frozen=True)
class Rule:
    """One policy: its name, description, default level and the one check that implements it."""

    name: str
    description: str
    level: Level
    catalog_check: CatalogCheck | None = None
    resource_check: ResourceCheck | None = None
    stack_check: StackCheck | None = None
    config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def _owners(given: CatalogInput) -> list[Violation]:
    return check_service_owners(given.current.state, given.current.where)


def _escalation(given: CatalogInput) -> list[Violation]:
    return check_escalation_reach(given.current.state, given.current.where)


def _rotations(given: CatalogInput) -> list[Violation]:
    return check_single_person_rotations(given.current.state, given.current.where)


def _paged(given: CatalogInput) -> list[Violation]:
    roles = _strings(given.config.get(EXECUTION_ROLES))
    return check_paged_can_fix(given.current.state, given.current.where, roles)


def _decommission(given: CatalogInput) -> list[Violation]:
    if given.previous is None:
        return []
    return check_decommission(
        given.current.state, given.current.where, given.previous.state, given.previous.where
    )


RULES: tuple[Rule, ...] = (
    Rule(
        OWNER_STAFFED,
        "Every service has an owner team with at least one manager and an on-call schedule.",
        "mandatory",
        catalog_check=_owners,
    ),
    Rule(
        ESCALATION_REACH,
        "Every escalation policy reaches at least two people through two levels or a loop.",
        "mandatory",
        catalog_check=_escalation,
    ),
    Rule(
        SINGLE_PERSON_ROTATION,
        "No on-call rotation consists of a single person.",
        "advisory",
        catalog_check=_rotations,
    ),
    Rule(
        PAGED_CAN_FIX,
        "Everyone a service's escalation policy can reach may run its pause and rollback "
        "pipelines in its Harness project.",
        "mandatory",
        catalog_check=_paged,
        config={
            EXECUTION_ROLES: {
                "type": "array",
                "items": {"type": "string"},
                "description": "Custom Harness roles that include core_pipeline_execute.",
            }
        },
    ),
    Rule(
        NO_HARNESS_ADMIN,
        "No account-level Harness admin role is granted and no SSO group is linked to a "
        "built-in Harness group.",
        "mandatory",
        resource_check=check_no_harness_admin,
    ),
    Rule(
        CALLBACKS_AUTHENTICATED,
        "Webhook and trigger URLs are HTTPS and carry an authentication header from a secret.",
        "mandatory",
        resource_check=check_callbacks,
    ),
    Rule(
        TRIGGER_AUTH_MANDATED,
        "Harness refuses calls without an API key to every custom webhook trigger declared.",
        "mandatory",
        stack_check=check_trigger_auth,
    ),
    Rule(
        HARNESS_SECRETS,
        "No Harness secret or pipeline carries an inline credential that is not a Pulumi secret.",
        "mandatory",
        resource_check=check_harness_secrets,
    ),
    Rule(
        PAGERDUTY_PROTECTED,
        "PagerDuty services, escalation policies and schedules are protected from deletion.",
        "mandatory",
        resource_check=check_protected,
    ),
    Rule(
        DECOMMISSION_FIRST,
        "A service leaves the catalog only after a version that marked it decommissioned.",
        "mandatory",
        catalog_check=_decommission,
        config={
            PREVIOUS_CATALOG: {
                "type": "string",
                "description": "Path of the previous catalog (such as the base branch's).",
            }
        },
    ),
)


def rule(name: str) -> Rule:
    """The rule called `name`."""
    for candidate in RULES:
        if candidate.name == name:
            return candidate
    raise KeyError(name)
