"""Who can be paged for a service, and whether they hold a Harness role to act on it.

"Paged means able to fix": everyone a service's escalation policy can notify should hold, in
the service's Harness project, a role that runs its pause and rollback pipelines. The role
table and the services the promise applies to come from `infra.rules` (the `paged-can-fix`
policy), so the diff and the policy pack agree; the diff only asks which gaps a change opens.
"""

from __future__ import annotations

from infra.core.state import DesiredState, PersonAccess, ServiceState, reachable_people
from infra.rules.access import FIX_ACTIONS
from infra.rules.harness_roles import ADMIN_ROLES, execution_roles

# Custom roles that run pipelines are declared in the policy pack's config, which the diff
# does not read: only built-in roles count here.
ACTING_ROLES = execution_roles()
# PagerDuty account roles that administer the whole account.
ADMIN_ACCOUNT_ROLES = frozenset({"admin", "owner"})


def is_admin_like(role: str) -> bool:
    """A Harness role that administers: a built-in admin role, or a custom one named so."""
    return role in ADMIN_ROLES or "admin" in role.lower()


def can_act(access: PersonAccess | None, org: str, project: str) -> bool:
    """Whether the person holds a role that runs pipelines in `org`/`project`."""
    if access is None:
        return False
    return any(
        (o, p) == (org, project) and role in ACTING_ROLES for o, p, role in access.harness_roles
    )


def paged_for(state: DesiredState, service: ServiceState) -> set[str]:
    """Everyone the escalation policy that pages for `service` can notify."""
    return reachable_people(state, service.policy_team)


def paged_without_role(state: DesiredState, service: ServiceState) -> set[str]:
    """People who can be paged for `service` but cannot run its pause or rollback pipelines.

    Empty for a service with no Harness binding, no pause or rollback action, or one being
    decommissioned: there is nothing in Harness for the responder to run.
    """
    has_fix = any(a.action in FIX_ACTIONS for a in service.actions)
    if service.harness is None or service.decommissioned or not has_fix:
        return set()
    org, project = service.harness.org, service.harness.project
    return {
        email
        for email in paged_for(state, service)
        if not can_act(state.access.get(email), org, project)
    }
