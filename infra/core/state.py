"""The resolved desired state: what a valid catalog means, ready to declare or compare.

Resolution fills in defaults (Okta group names, the Harness org, which team's escalation policy
pages for a service), lower-cases e-mail addresses so case never matters again, and computes the
access each person holds. Nothing here imports Pulumi: the program, the access diff and the
policy rules all read this one structure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from infra.catalog.fields import duration_seconds, rotation_length_seconds
from infra.catalog.models import Catalog, Escalation, Schedule, Service, Team

DEFAULT_HARNESS_ORG = "default"


@dataclass(frozen=True)
class PersonState:
    email: str
    name: str
    time_zone: str
    pagerduty_role: str | None


@dataclass(frozen=True)
class RestrictionState:
    type: str
    start: str
    duration_seconds: int
    day: str | None


@dataclass(frozen=True)
class RotationState:
    name: str
    members: tuple[str, ...]
    length: str
    length_seconds: int
    handoff: str
    start: dt.date | dt.datetime
    restrictions: tuple[RestrictionState, ...]


@dataclass(frozen=True)
class ScheduleState:
    key: str
    name: str
    time_zone: str
    rotations: tuple[RotationState, ...]


@dataclass(frozen=True)
class TargetState:
    kind: str  # "schedule" or "person"
    ref: str
    external: bool = False


@dataclass(frozen=True)
class LevelState:
    delay_minutes: int
    targets: tuple[TargetState, ...]


@dataclass(frozen=True)
class EscalationState:
    loops: int
    levels: tuple[LevelState, ...]


@dataclass(frozen=True)
class HarnessScope:
    org: str
    project: str
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class TeamState:
    key: str
    name: str
    description: str
    parent: str | None
    renamed_from: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (email, role), sorted by e-mail
    okta_group: str
    harness: HarnessScope | None
    schedules: tuple[ScheduleState, ...]
    escalation: EscalationState | None

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(email for email, _ in self.members)

    @property
    def identity(self) -> str:
        """The key vendor identifiers derive from: the oldest key, so renames replace nothing."""
        return self.renamed_from[0] if self.renamed_from else self.key


@dataclass(frozen=True)
class ActionState:
    action: str
    pipeline: str
    mode: str
    events: tuple[str, ...]


@dataclass(frozen=True)
class ServiceHarnessState:
    org: str
    project: str
    service: str
    pipelines: tuple[str, ...]
    deploy_pipeline: str | None


@dataclass(frozen=True)
class ServiceState:
    key: str
    name: str
    description: str
    owner: str
    policy_team: str
    urgency: str
    change_events: bool
    harness: ServiceHarnessState | None
    actions: tuple[ActionState, ...]
    depends_on: tuple[str, ...]
    renamed_from: tuple[str, ...]
    decommissioned: bool


@dataclass(frozen=True)
class PersonAccess:
    """Everything one person holds or is reachable through, derived from team membership."""

    email: str
    okta_groups: tuple[str, ...] = ()
    pagerduty_roles: tuple[tuple[str, str], ...] = ()  # (team, role)
    harness_roles: tuple[tuple[str, str, str], ...] = ()  # (org, project, role)
    rotations: tuple[tuple[str, str, str], ...] = ()  # (team, schedule, rotation)
    escalation_levels: tuple[tuple[str, int], ...] = ()  # (team, level number from 1)


@dataclass(frozen=True)
class DesiredState:
    people: dict[str, PersonState]
    teams: dict[str, TeamState]
    services: dict[str, ServiceState]
    access: dict[str, PersonAccess] = field(default_factory=dict)


def resolve(catalog: Catalog, default_harness_org: str = DEFAULT_HARNESS_ORG) -> DesiredState:
    """The desired state of a catalog that passed its checks."""
    people = {
        p.email.lower(): PersonState(p.email.lower(), p.name, p.time_zone, p.pagerduty_role)
        for p in sorted(catalog.people, key=lambda p: p.email.lower())
    }
    teams = {
        t.key: _team(t, default_harness_org) for t in sorted(catalog.teams, key=lambda t: t.key)
    }
    services = {
        s.key: _service(s, default_harness_org, teams)
        for s in sorted(catalog.services, key=lambda s: s.key)
    }
    return DesiredState(people, teams, services, _access(people, teams))


def okta_group_name(team: Team) -> str:
    return team.okta_group or f"team-{team.key}"


def _team(team: Team, default_org: str) -> TeamState:
    on_call = team.on_call
    harness = None
    if team.harness is not None:
        harness = HarnessScope(
            team.harness.org or default_org, team.harness.project, tuple(team.harness.roles)
        )
    return TeamState(
        key=team.key,
        name=team.name,
        description=team.description,
        parent=team.parent,
        renamed_from=tuple(team.renamed_from),
        members=tuple(sorted((m.email.lower(), m.role) for m in team.members)),
        okta_group=okta_group_name(team),
        harness=harness,
        schedules=tuple(_schedule(s) for s in on_call.schedules) if on_call else (),
        escalation=_escalation(on_call.escalation) if on_call and on_call.escalation else None,
    )


def _schedule(schedule: Schedule) -> ScheduleState:
    rotations = tuple(
        RotationState(
            name=r.name,
            members=tuple(e.lower() for e in r.members),
            length=r.length,
            length_seconds=rotation_length_seconds(r.length),
            handoff=r.handoff,
            start=r.start,
            restrictions=tuple(
                RestrictionState(x.type, x.start, duration_seconds(x.duration), x.day)
                for x in r.restrictions
            ),
        )
        for r in schedule.rotations
    )
    return ScheduleState(schedule.key, schedule.name, schedule.time_zone, rotations)


def _escalation(escalation: Escalation) -> EscalationState:
    levels = tuple(
        LevelState(
            level.delay_minutes,
            tuple(
                TargetState("schedule", t.schedule)
                if t.schedule is not None
                else TargetState("person", (t.person or "").lower(), t.external)
                for t in level.targets
            ),
        )
        for level in escalation.levels
    )
    return EscalationState(escalation.loops, levels)


def _service(service: Service, default_org: str, teams: dict[str, TeamState]) -> ServiceState:
    harness = None
    if service.harness is not None:
        owner = teams.get(service.owner)
        org = service.harness.org or (owner.harness.org if owner and owner.harness else default_org)
        harness = ServiceHarnessState(
            org,
            service.harness.project,
            service.harness.service,
            tuple(service.harness.pipelines),
            service.harness.deploy_pipeline,
        )
    return ServiceState(
        key=service.key,
        name=service.name,
        description=service.description,
        owner=service.owner,
        policy_team=service.escalation_policy or service.owner,
        urgency=service.urgency,
        change_events=service.change_events,
        harness=harness,
        actions=tuple(
            ActionState(a.action, a.pipeline, a.mode, tuple(a.events))
            for a in service.incident_actions
        ),
        depends_on=tuple(service.depends_on),
        renamed_from=tuple(service.renamed_from),
        decommissioned=service.decommissioned,
    )


def _access(people: dict[str, PersonState], teams: dict[str, TeamState]) -> dict[str, PersonAccess]:
    groups: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, list[tuple[str, str]]] = defaultdict(list)
    harness: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    rotations: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    levels: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for team in teams.values():
        for email, role in team.members:
            groups[email].append(team.okta_group)
            roles[email].append((team.key, role))
            if team.harness:
                for harness_role in team.harness.roles:
                    harness[email].add((team.harness.org, team.harness.project, harness_role))
        for schedule in team.schedules:
            for rotation in schedule.rotations:
                for email in rotation.members:
                    rotations[email].append((team.key, schedule.key, rotation.name))
        for number, email in _reachable_by_level(team):
            levels[email].add((team.key, number))
    return {
        email: PersonAccess(
            email=email,
            okta_groups=tuple(sorted(groups[email])),
            pagerduty_roles=tuple(sorted(roles[email])),
            harness_roles=tuple(sorted(harness[email])),
            rotations=tuple(sorted(rotations[email])),
            escalation_levels=tuple(sorted(levels[email])),
        )
        for email in people
    }


def _reachable_by_level(team: TeamState) -> list[tuple[int, str]]:
    """(level number, e-mail) for everyone each escalation level of the team can notify."""
    if team.escalation is None:
        return []
    schedules = {s.key: s for s in team.schedules}
    reached = []
    for number, level in enumerate(team.escalation.levels, start=1):
        for target in level.targets:
            if target.kind == "person":
                reached.append((number, target.ref))
            elif target.ref in schedules:
                for rotation in schedules[target.ref].rotations:
                    reached.extend((number, email) for email in rotation.members)
    return reached


def reachable_people(state: DesiredState, team_key: str) -> set[str]:
    """Everyone the escalation policy of `team_key` can notify."""
    team = state.teams.get(team_key)
    return {email for _, email in _reachable_by_level(team)} if team else set()
