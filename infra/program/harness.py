"""Harness: a user group per team linked to its Okta (SAML) group, and its role assignments.

The user group never lists users: membership is owned by the identity provider and synchronised
by Harness at SAML sign-in, so `users` and `user_emails` are ignored on refresh
(harness/terraform-provider-harness#1261 shows plans that would otherwise empty linked groups).
"""

from __future__ import annotations

import pulumi
import pulumi_harness as harness

from infra.core.names import harness_identifier, resource_name
from infra.core.state import DesiredState, TeamState
from infra.program.options import renamed
from infra.program.settings import StackSettings

# Every resource in the team's project; a narrower resource group is a later refinement.
PROJECT_RESOURCES = "_all_project_level_resources"


def declare_harness(
    state: DesiredState, settings: StackSettings
) -> dict[str, harness.platform.Usergroup]:
    """Declare the user group and role assignments of every team that works in Harness."""
    return {
        key: _declare_team(team, settings)
        for key, team in state.teams.items()
        if team.harness is not None
    }


def _declare_team(team: TeamState, settings: StackSettings) -> harness.platform.Usergroup:
    assert team.harness is not None
    scope = team.harness
    group_id = harness_identifier(f"team-{team.identity}")
    group = harness.platform.Usergroup(
        resource_name("harness-group", team.key),
        identifier=group_id,
        name=team.name,
        description=f"{team.name}: membership comes from Okta group {team.okta_group}",
        org_id=scope.org,
        project_id=scope.project,
        linked_sso_id=settings.harness_sso_id,
        linked_sso_display_name=settings.harness_sso_display_name,
        linked_sso_type="SAML",
        sso_linked=True,
        sso_group_id=team.okta_group,
        sso_group_name=team.okta_group,
        externally_managed=False,
        opts=pulumi.ResourceOptions.merge(
            renamed("harness-group", team.renamed_from),
            pulumi.ResourceOptions(ignore_changes=["users", "userEmails"]),
        ),
    )
    for role in scope.roles:
        harness.platform.RoleAssignments(
            resource_name("harness-role", team.key, role.strip("_")),
            identifier=harness_identifier(f"teamcat-{team.identity}-{role.strip('_')}"),
            org_id=scope.org,
            project_id=scope.project,
            resource_group_identifier=PROJECT_RESOURCES,
            role_identifier=role,
            principals=[
                harness.platform.RoleAssignmentsPrincipalArgs(
                    identifier=group.identifier, type="USER_GROUP", scope_level="project"
                )
            ],
            opts=renamed("harness-role", team.renamed_from, role.strip("_")),
        )
    return group
