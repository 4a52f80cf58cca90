"""Okta: a group per team, its direct memberships, and its app assignments.

Memberships are one `GroupMemberships` resource per group (one API call pattern per group, not
per person). App assignments are declared one group at a time with `app.GroupAssignment`, never
with the authoritative `AppGroupAssignments`, which would remove assignments it does not know.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi_okta as okta

from infra.core.names import resource_name
from infra.core.state import DesiredState, TeamState
from infra.program.options import renamed
from infra.program.settings import StackSettings


@dataclass(frozen=True)
class OktaTeam:
    group: okta.group.Group


def declare_okta(
    state: DesiredState, settings: StackSettings, user_ids: dict[str, str]
) -> dict[str, OktaTeam]:
    """Declare every team's group, memberships and app assignments."""
    return {key: _declare_team(team, settings, user_ids) for key, team in state.teams.items()}


def _declare_team(team: TeamState, settings: StackSettings, user_ids: dict[str, str]) -> OktaTeam:
    group = okta.group.Group(
        resource_name("okta-group", team.key),
        name=team.okta_group,
        description=f"teamcat: members of {team.name}",
        opts=renamed("okta-group", team.renamed_from),
    )
    okta.GroupMemberships(
        resource_name("okta-members", team.key),
        group_id=group.id,
        users=[user_ids[email] for email in team.emails],
        track_all_users=True,
        opts=renamed("okta-members", team.renamed_from),
    )
    apps = (
        ("pagerduty", settings.okta_pagerduty_app_id),
        ("harness", settings.okta_harness_app_id),
    )
    for app, app_id in apps:
        okta.app.GroupAssignment(
            resource_name("okta-app", app, team.key),
            app_id=app_id,
            group_id=group.id,
            opts=renamed(f"okta-app-{app}", team.renamed_from),
        )
    return OktaTeam(group)
