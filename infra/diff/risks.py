"""Risky changes, each with the reason a reviewer should look twice.

Only what the change introduces is reported: a gap that the base already had is the policy
pack's business, not the diff's. Both states must use the same keys (see `renames`).
"""

from __future__ import annotations

from infra.core.state import DesiredState, PersonAccess
from infra.diff.model import RISK_ORDER, Risk
from infra.diff.paging import (
    ADMIN_ACCOUNT_ROLES,
    is_admin_like,
    paged_for,
    paged_without_role,
)

# How many e-mail addresses a risk message names before it says "and N more".
_NAMED = 5


def find_risks(base: DesiredState, head: DesiredState, threshold: float) -> tuple[Risk, ...]:
    """Every risky change from `base` to `head`, most urgent kind first, then by subject."""
    risks = [
        *_privilege_increases(base, head),
        *_unreachable_services(base, head),
        *_paged_without_role(base, head),
        *_mass_removals(base, head, threshold),
    ]
    return tuple(sorted(risks, key=lambda r: (RISK_ORDER.index(r.code), r.subject, r.message)))


def _privilege_increases(base: DesiredState, head: DesiredState) -> list[Risk]:
    risks = []
    for email, after in head.access.items():
        before = base.access.get(email) or PersonAccess(email)
        risks.extend(_manager_roles(email, before, after))
        risks.extend(_admin_harness_roles(email, before, after))
    for email, person in head.people.items():
        was = base.people.get(email)
        role = person.pagerduty_role
        if role in ADMIN_ACCOUNT_ROLES and (was is None or was.pagerduty_role != role):
            risks.append(
                Risk(
                    "privilege-increase",
                    "person",
                    email,
                    (email,),
                    f"`{email}` becomes a PagerDuty account {role}",
                    "an account admin or owner can change every team, schedule, escalation "
                    "policy, service and user in PagerDuty",
                )
            )
    return risks


def _manager_roles(email: str, before: PersonAccess, after: PersonAccess) -> list[Risk]:
    managed = {team for team, role in before.pagerduty_roles if role == "manager"}
    return [
        Risk(
            "privilege-increase",
            "person",
            email,
            (email,),
            f"`{email}` becomes manager of PagerDuty team `{team}`",
            "a team manager can change the team's members, schedules and escalation policy "
            "in PagerDuty",
        )
        for team, role in after.pagerduty_roles
        if role == "manager" and team not in managed
    ]


def _admin_harness_roles(email: str, before: PersonAccess, after: PersonAccess) -> list[Risk]:
    held = set(before.harness_roles)
    return [
        Risk(
            "privilege-increase",
            "person",
            email,
            (email,),
            f"`{email}` gains Harness role `{role}` in `{org}/{project}`",
            "an admin-like role changes pipelines, secrets and access, not only runs them",
        )
        for org, project, role in after.harness_roles
        if is_admin_like(role) and (org, project, role) not in held
    ]


def _unreachable_services(base: DesiredState, head: DesiredState) -> list[Risk]:
    risks = []
    for key, service in head.services.items():
        if service.decommissioned or paged_for(head, service):
            continue
        before = base.services.get(key)
        if before is not None and not paged_for(base, before):
            continue
        risks.append(
            Risk(
                "service-unreachable",
                "service",
                key,
                (),
                f"nobody can be paged for `{key}`: the escalation policy of "
                f"`{service.policy_team}` reaches no one",
                "an incident on the service would page nobody; add a schedule or a person to "
                "the policy, or point the service at a team that is on call",
            )
        )
    return risks


def _paged_without_role(base: DesiredState, head: DesiredState) -> list[Risk]:
    risks = []
    for key, service in head.services.items():
        before = base.services.get(key)
        earlier = paged_without_role(base, before) if before is not None else set()
        new = sorted(paged_without_role(head, service) - earlier)
        if not new or service.harness is None:
            continue
        scope = f"{service.harness.org}/{service.harness.project}"
        risks.append(
            Risk(
                "paged-without-harness-role",
                "service",
                key,
                tuple(new),
                f"{_count(new, 'person', 'people')} can be paged for `{key}` without a Harness "
                f"role to act on it in `{scope}`: {_named(new)}",
                f"paged means able to fix: give them a role that runs pipelines in `{scope}` "
                "(such as `_pipeline_executor`) through their team, or stop paging them",
            )
        )
    return risks


def _mass_removals(base: DesiredState, head: DesiredState, threshold: float) -> list[Risk]:
    risks = []
    for key, team in base.teams.items():
        members = set(team.emails)
        after = head.teams.get(key)
        removed = sorted(members - set(after.emails if after else ()))
        share = len(removed) / len(members) if members else 0.0
        if share <= threshold:
            continue
        what = (
            f"team `{key}` is removed with all {len(members)} members"
            if after is None
            else f"{len(removed)} of {len(members)} members of `{key}` ({share:.0%}) are removed"
        )
        risks.append(
            Risk(
                "mass-removal",
                "team",
                key,
                tuple(removed),
                f"{what}: {_named(removed)}",
                f"the change removes more than {threshold:.0%} of the team at once; a bulk "
                "removal is often a merge mistake, so confirm each person",
            )
        )
    return risks


def _count(items: list[str], one: str, many: str) -> str:
    return f"{len(items)} {one if len(items) == 1 else many}"


def _named(emails: list[str]) -> str:
    shown = ", ".join(f"`{e}`" for e in emails[:_NAMED])
    more = len(emails) - _NAMED
    return f"{shown} and {more} more" if more > 0 else shown
