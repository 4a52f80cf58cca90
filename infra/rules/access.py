"""Paged means able to fix: whoever a service can page may run its pause and rollback pipelines.

A person can run a pipeline when one of their teams holds, in the service's Harness org and
project, a role that includes `core_pipeline_execute` (see `harness_roles`). Team roles are
assigned in the team's own project, so a role elsewhere does not count.
"""

from __future__ import annotations

from collections.abc import Iterable

from infra.core.state import DesiredState, ServiceState, reachable_people
from infra.rules.harness_roles import execution_roles
from infra.rules.violations import Violation
from infra.rules.where import CatalogPaths

PAGED_CAN_FIX = "paged-can-fix"
FIX_ACTIONS = ("pause", "rollback")
_LISTED = 4


def check_paged_can_fix(
    state: DesiredState, where: CatalogPaths, custom_roles: Iterable[str] = ()
) -> list[Violation]:
    """Everyone a service's escalation policy reaches can run its pause and rollback pipelines.

    `custom_roles` are custom Harness role identifiers that include `core_pipeline_execute`.
    Services without a Harness binding, without pause or rollback pipelines, or marked
    `decommissioned` have nothing to check.
    """
    allowed = execution_roles(custom_roles)
    violations = []
    for service in state.services.values():
        pipelines = _fix_pipelines(service)
        if service.harness is None or service.decommissioned or not pipelines:
            continue
        scope = (service.harness.org, service.harness.project)
        unable = sorted(
            email
            for email in reachable_people(state, service.policy_team)
            if not _can_execute(state, email, scope, allowed)
        )
        if unable:
            violations.append(_violation(service, pipelines, unable, where))
    return violations


def _fix_pipelines(service: ServiceState) -> list[str]:
    return sorted({a.pipeline for a in service.actions if a.action in FIX_ACTIONS})


def _can_execute(
    state: DesiredState, email: str, scope: tuple[str, str], allowed: frozenset[str]
) -> bool:
    access = state.access.get(email)
    if access is None:
        return False
    return any(
        (org, project) == scope and role in allowed for org, project, role in access.harness_roles
    )


def _violation(
    service: ServiceState, pipelines: list[str], unable: list[str], where: CatalogPaths
) -> Violation:
    assert service.harness is not None
    project = f"{service.harness.org}/{service.harness.project}"
    named = ", ".join(f"`{email}`" for email in unable[:_LISTED])
    if len(unable) > _LISTED:
        named += f" and {len(unable) - _LISTED} more"
    overridden = service.policy_team != service.owner
    message = (
        f"service `{service.key}` is paged through the escalation policy of team "
        f"`{service.policy_team}`, but {named} cannot run {', '.join(f'`{p}`' for p in pipelines)} "
        f"in Harness project `{project}`"
    )
    hint = (
        f"page through a team with a pipeline-executing role in `{project}`, or give "
        f"the people it reaches such a role there (`_pipeline_executor` or a custom role listed "
        f"in the pack's `executionRoles`)"
    )
    rest = ("escalation_policy",) if overridden else ("harness", "project")
    path = where.service(service.key, *rest)
    return where.violation(PAGED_CAN_FIX, message, path, hint)
