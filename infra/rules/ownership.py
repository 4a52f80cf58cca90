"""Ownership rules: owners are staffed, escalation reaches enough people, rotations are shared."""

from __future__ import annotations

from infra.core.state import DesiredState, TeamState, reachable_people
from infra.rules.violations import Violation
from infra.rules.where import CatalogPaths

OWNER_STAFFED = "service-owner-staffed"
ESCALATION_REACH = "escalation-reaches-two"
SINGLE_PERSON_ROTATION = "no-single-person-rotation"


def check_service_owners(state: DesiredState, where: CatalogPaths) -> list[Violation]:
    """Every service's owner is a team with at least one manager and an on-call schedule."""
    violations = []
    for key, service in state.services.items():
        path = where.service(key, "owner")
        team = state.teams.get(service.owner)
        if team is None:
            message = f"service `{key}` names owner `{service.owner}`, which is not a team"
            violations.append(
                where.violation(OWNER_STAFFED, message, path, "name an existing team")
            )
            continue
        missing = _missing_staff(team)
        if missing:
            message = f"service `{key}` is owned by team `{team.key}`, which has {missing}"
            hint = f"give team `{team.key}` a member with `role: manager` and an on-call schedule"
            violations.append(where.violation(OWNER_STAFFED, message, path, hint))
    return violations


def check_escalation_reach(state: DesiredState, where: CatalogPaths) -> list[Violation]:
    """Every escalation policy reaches two people, through two levels or a loop."""
    violations = []
    for key, team in state.teams.items():
        if team.escalation is None:
            continue
        problems = []
        people = sorted(reachable_people(state, key))
        if len(people) < 2:
            reached = ", ".join(f"`{p}`" for p in people) or "nobody"
            problems.append(f"reaches only {reached}")
        if len(team.escalation.levels) < 2 and team.escalation.loops == 0:
            problems.append("has one level and no loop, so an unanswered page stops there")
        if problems:
            message = f"the escalation policy of team `{key}` " + " and ".join(problems)
            hint = "add a second level (a secondary schedule or the manager) or set `loops: 1`"
            path = where.team(key, "on_call", "escalation")
            violations.append(where.violation(ESCALATION_REACH, message, path, hint, key=True))
    return violations


def check_single_person_rotations(state: DesiredState, where: CatalogPaths) -> list[Violation]:
    """No rotation consists of one person, who would be on call for every turn."""
    violations = []
    for key, team in state.teams.items():
        for s_index, schedule in enumerate(team.schedules):
            for r_index, rotation in enumerate(schedule.rotations):
                if len(rotation.members) != 1:
                    continue
                message = (
                    f"rotation `{rotation.name}` of schedule `{schedule.key}` (team `{key}`) "
                    f"has one member, `{rotation.members[0]}`, who is on call for every turn"
                )
                path = where.team(
                    key, "on_call", "schedules", s_index, "rotations", r_index, "members"
                )
                hint = "add a second member so leave and sick days are covered"
                violations.append(where.violation(SINGLE_PERSON_ROTATION, message, path, hint))
    return violations


def _missing_staff(team: TeamState) -> str:
    missing = []
    if not any(role == "manager" for _, role in team.members):
        missing.append("no manager")
    if not team.schedules:
        missing.append("no on-call schedule")
    return " and ".join(missing)
