"""PagerDuty: teams, memberships, schedules, escalation policies, services and integrations.

Schedules, escalation policies and services are protected: removing them from the catalog makes
`pulumi up` stop instead of deleting on-call history (see `decommissioned` in the README).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_pagerduty as pagerduty

from infra.catalog.models import WEEKDAYS
from infra.core.layers import format_instant, virtual_start
from infra.core.names import person_slug, resource_name
from infra.core.state import (
    DesiredState,
    RestrictionState,
    RotationState,
    ScheduleState,
    ServiceState,
    TeamState,
)
from infra.program.options import renamed


@dataclass
class PagerDutyTeam:
    team: pagerduty.Team
    schedules: dict[str, pagerduty.Schedule] = field(default_factory=dict)
    escalation_policy: pagerduty.EscalationPolicy | None = None


@dataclass
class PagerDutyService:
    service: pagerduty.Service
    integration: pagerduty.ServiceIntegration

    @property
    def routing_key(self) -> pulumi.Output[str]:
        """The Events API v2 routing key, always as a Pulumi secret."""
        return pulumi.Output.secret(self.integration.integration_key)


@dataclass
class ElsewhereIds:
    """Ids that other stacks of a sliced organisation declare (docs/sharding.md), by key."""

    teams: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    escalation_policies: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    services: dict[str, pulumi.Input[str]] = field(default_factory=dict)


@dataclass
class PagerDutyDeclared:
    teams: dict[str, PagerDutyTeam]
    services: dict[str, PagerDutyService]


def declare_users(state: DesiredState) -> dict[str, pulumi.Output[str]]:
    """Declare a PagerDuty user per person, for stacks whose users teamcat manages."""
    users = {}
    for email, person in state.people.items():
        user = pagerduty.User(
            resource_name("pd-user", person_slug(email)),
            name=person.name,
            email=email,
            time_zone=person.time_zone,
            role=person.pagerduty_role or "user",
        )
        users[email] = user.id
    return users


def declare_pagerduty(
    state: DesiredState,
    user_ids: dict[str, pulumi.Input[str]],
    elsewhere: ElsewhereIds | None = None,
) -> PagerDutyDeclared:
    """Declare every team's and service's PagerDuty resources."""
    elsewhere = elsewhere or ElsewhereIds()
    teams: dict[str, PagerDutyTeam] = {}
    for key in _parents_first(state):
        teams[key] = _declare_team(state.teams[key], teams, user_ids, elsewhere)
    services = {
        key: _declare_service(service, teams, elsewhere) for key, service in state.services.items()
    }
    _declare_dependencies(state, services, elsewhere)
    return PagerDutyDeclared(teams, services)


def _parents_first(state: DesiredState) -> list[str]:
    ordered: list[str] = []

    def visit(key: str) -> None:
        if key in ordered:
            return
        parent = state.teams[key].parent
        if parent is not None and parent in state.teams:  # else declared by another stack
            visit(parent)
        ordered.append(key)

    for key in state.teams:
        visit(key)
    return ordered


def _declare_team(
    team: TeamState,
    declared: dict[str, PagerDutyTeam],
    user_ids: dict[str, pulumi.Input[str]],
    elsewhere: ElsewhereIds,
) -> PagerDutyTeam:
    parent: pulumi.Input[str] | None = None
    if team.parent is not None:
        known = declared.get(team.parent)
        parent = known.team.id if known else elsewhere.teams[team.parent]
    pd_team = pagerduty.Team(
        resource_name("pd-team", team.key),
        name=team.name,
        description=team.description or f"{team.name} (managed by teamcat)",
        parent=parent,
        opts=renamed("pd-team", team.renamed_from),
    )
    for email, role in team.members:
        slug = person_slug(email)
        pagerduty.TeamMembership(
            resource_name("pd-member", team.key, slug),
            team_id=pd_team.id,
            user_id=user_ids[email],
            role=role,
            opts=renamed("pd-member", team.renamed_from, slug),
        )
    result = PagerDutyTeam(pd_team)
    for schedule in team.schedules:
        result.schedules[schedule.key] = _declare_schedule(team, schedule, pd_team, user_ids)
    if team.escalation is not None:
        result.escalation_policy = _declare_escalation(team, result, user_ids)
    return result


def _declare_schedule(
    team: TeamState,
    schedule: ScheduleState,
    pd_team: pagerduty.Team,
    user_ids: dict[str, pulumi.Input[str]],
) -> pagerduty.Schedule:
    return pagerduty.Schedule(
        resource_name("pd-schedule", team.key, schedule.key),
        name=schedule.name,
        time_zone=schedule.time_zone,
        teams=[pd_team.id],
        layers=[_layer(r, schedule.time_zone, user_ids) for r in schedule.rotations],
        opts=renamed("pd-schedule", team.renamed_from, schedule.key, protect=True),
    )


def _layer(
    rotation: RotationState, time_zone: str, user_ids: dict[str, pulumi.Input[str]]
) -> pagerduty.ScheduleLayerArgs:
    start = format_instant(virtual_start(rotation.start, rotation.handoff, time_zone))
    return pagerduty.ScheduleLayerArgs(
        name=rotation.name,
        start=start,
        rotation_virtual_start=start,
        rotation_turn_length_seconds=rotation.length_seconds,
        users=[user_ids[email] for email in rotation.members],
        restrictions=[_restriction(r) for r in rotation.restrictions],
    )


def _restriction(restriction: RestrictionState) -> pagerduty.ScheduleLayerRestrictionArgs:
    day = WEEKDAYS.index(restriction.day) + 1 if restriction.day else None
    return pagerduty.ScheduleLayerRestrictionArgs(
        type=f"{restriction.type}_restriction",
        start_time_of_day=f"{restriction.start}:00",
        duration_seconds=restriction.duration_seconds,
        start_day_of_week=day,
    )


def _declare_escalation(
    team: TeamState, declared: PagerDutyTeam, user_ids: dict[str, pulumi.Input[str]]
) -> pagerduty.EscalationPolicy:
    assert team.escalation is not None
    rules = []
    for level in team.escalation.levels:
        targets = [
            pagerduty.EscalationPolicyRuleTargetArgs(
                type="schedule_reference", id=declared.schedules[t.ref].id
            )
            if t.kind == "schedule"
            else pagerduty.EscalationPolicyRuleTargetArgs(type="user_reference", id=user_ids[t.ref])
            for t in level.targets
        ]
        rules.append(
            pagerduty.EscalationPolicyRuleArgs(
                escalation_delay_in_minutes=level.delay_minutes, targets=targets
            )
        )
    return pagerduty.EscalationPolicy(
        resource_name("pd-escalation", team.key),
        name=f"{team.name} escalation",
        num_loops=team.escalation.loops,
        teams=declared.team.id,
        rules=rules,
        opts=renamed("pd-escalation", team.renamed_from, protect=True),
    )


def _declare_service(
    service: ServiceState, teams: dict[str, PagerDutyTeam], elsewhere: ElsewhereIds
) -> PagerDutyService:
    policy_id: pulumi.Input[str]
    if service.policy_team in teams:
        policy = teams[service.policy_team].escalation_policy
        assert policy is not None, "checked by the catalog: the paging team has a policy"
        policy_id = policy.id
    else:
        policy_id = elsewhere.escalation_policies[service.policy_team]
    pd_service = pagerduty.Service(
        resource_name("pd-service", service.key),
        name=service.name,
        description=service.description or f"{service.name} (owned by {service.owner})",
        escalation_policy=policy_id,
        alert_creation="create_alerts_and_incidents",
        incident_urgency_rule=pagerduty.ServiceIncidentUrgencyRuleArgs(
            type="constant", urgency=service.urgency
        ),
        # Removal takes two changes: `decommissioned: true` lifts the protection while the
        # service still exists, and only a later change that drops it lets Pulumi delete it.
        opts=renamed("pd-service", service.renamed_from, protect=not service.decommissioned),
    )
    integration = pagerduty.ServiceIntegration(
        resource_name("pd-events", service.key),
        name="Events API v2 (teamcat)",
        service=pd_service.id,
        type="events_api_v2_inbound_integration",
        opts=pulumi.ResourceOptions.merge(
            renamed("pd-events", service.renamed_from),
            pulumi.ResourceOptions(additional_secret_outputs=["integration_key"]),
        ),
    )
    return PagerDutyService(pd_service, integration)


def _declare_dependencies(
    state: DesiredState, services: dict[str, PagerDutyService], elsewhere: ElsewhereIds
) -> None:
    for key, service in state.services.items():
        for dependency in service.depends_on:
            # A supporting service of another slice is read from the stack that declares it.
            known = services.get(dependency)
            supporting = known.service.id if known else elsewhere.services[dependency]
            pagerduty.ServiceDependency(
                resource_name("pd-depends", key, "on", dependency),
                dependency=pagerduty.ServiceDependencyDependencyArgs(
                    dependent_services=[
                        pagerduty.ServiceDependencyDependencyDependentServiceArgs(
                            id=services[key].service.id, type="service"
                        )
                    ],
                    supporting_services=[
                        pagerduty.ServiceDependencyDependencySupportingServiceArgs(
                            id=supporting, type="service"
                        )
                    ],
                ),
            )
