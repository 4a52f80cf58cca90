"""The Pulumi program on the mock runtime: what it declares for a small catalog."""

from __future__ import annotations

import pulumi
import pytest

from infra.program.lookups import MissingUsersError
from infra.program.main import CatalogError
from infra.program.settings import SettingsError
from tests.conftest import DATA, PlanRunner

PD = "pagerduty:index/"


def test_declares_resources_of_all_three_providers(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog()

    providers = {r.provider for r in plan.resources}

    assert providers == {"okta", "pagerduty", "harness"}
    assert len({r.name for r in plan.resources}) == len(plan.resources)


def test_escalation_rules_target_the_team_schedule_then_the_person(
    plan_catalog: PlanRunner,
) -> None:
    plan = plan_catalog()

    policy = plan.named("pd-escalation-core").inputs

    assert policy["numLoops"] == 1
    first, second = policy["rules"]
    assert first["targets"] == [
        {"type": "schedule_reference", "id": "placeholder-pd-schedule-core-primary"}
    ]
    assert second["targets"] == [
        {"type": "user_reference", "id": "placeholder-pd-user-ada-at-example-com"}
    ]
    assert policy["teams"] == "placeholder-pd-team-core"


def test_team_memberships_carry_explicit_roles(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog()

    roles = {
        r.name: (r.inputs["userId"], r.inputs["role"])
        for r in plan.of_type(PD + "teamMembership:TeamMembership")
    }

    assert roles == {
        "pd-member-core-ada-at-example-com": ("placeholder-pd-user-ada-at-example-com", "manager"),
        "pd-member-core-bo-at-example-com": ("placeholder-pd-user-bo-at-example-com", "responder"),
    }


def test_one_okta_membership_resource_per_group_lists_the_members(
    plan_catalog: PlanRunner,
) -> None:
    plan = plan_catalog()

    memberships = plan.of_type("okta:index/groupMemberships:GroupMemberships")

    assert len(memberships) == 1
    assert memberships[0].inputs["groupId"] == "placeholder-okta-group-core"
    assert memberships[0].inputs["users"] == [
        "placeholder-okta-user-ada-at-example-com",
        "placeholder-okta-user-bo-at-example-com",
    ]


def test_group_is_assigned_to_both_apps_one_by_one(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog()

    assignments = {
        r.inputs["appId"] for r in plan.of_type("okta:app/groupAssignment:GroupAssignment")
    }

    assert assignments == {"0oaDEVPAGERDUTY00000", "0oaDEVHARNESS0000000"}
    assert not [r for r in plan.resources if r.type.endswith("AppGroupAssignments")]


def test_harness_user_group_is_linked_to_the_okta_group_and_lists_no_users(
    plan_catalog: PlanRunner,
) -> None:
    plan = plan_catalog()

    group = plan.named("harness-group-core")

    assert group.inputs["ssoLinked"] is True
    assert group.inputs["linkedSsoType"] == "SAML"
    assert group.inputs["linkedSsoId"] == "okta_saml_dev"
    assert group.inputs["ssoGroupId"] == group.inputs["ssoGroupName"] == "team-core"
    assert "users" not in group.inputs and "userEmails" not in group.inputs
    assert set(group.ignore_changes) == {"users", "userEmails"}


def test_role_assignment_grants_the_team_role_in_its_project(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog()

    assignment = plan.named("harness-role-core-pipeline_executor").inputs

    assert assignment["roleIdentifier"] == "_pipeline_executor"
    assert (assignment["orgId"], assignment["projectId"]) == ("eng", "core")
    assert assignment["principals"] == [
        {"identifier": "team_core", "type": "USER_GROUP", "scopeLevel": "project"}
    ]


def test_schedules_policies_and_services_are_protected(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog()

    protected = {r.name for r in plan.resources if r.protect}

    assert protected == {"pd-schedule-core-primary", "pd-escalation-core", "pd-service-api"}


def test_service_gets_an_events_v2_integration_whose_key_is_secret(
    plan_catalog: PlanRunner,
) -> None:
    plan = plan_catalog()

    integration = plan.named("pd-events-api")
    service = plan.named("pd-service-api").inputs

    assert integration.inputs["type"] == "events_api_v2_inbound_integration"
    assert integration.inputs["service"] == "placeholder-pd-service-api"
    assert "integrationKey" in integration.additional_secret_outputs
    assert service["escalationPolicy"] == "placeholder-pd-escalation-core"
    assert service["alertCreation"] == "create_alerts_and_incidents"


def test_scim_stack_looks_people_up_once_per_provider(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog(stack="prod")

    tokens = sorted(i.token for i in plan.invokes)

    assert tokens == ["okta:user/getUsers:getUsers", "pagerduty:index/getUsers:getUsers"]
    assert not plan.of_type(PD + "user:User")


def test_managed_stack_declares_pagerduty_users(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog(stack="dev")

    users = {r.inputs["email"]: r.inputs["timeZone"] for r in plan.of_type(PD + "user:User")}

    assert users == {"ada@example.com": "Europe/London", "bo@example.com": "America/New_York"}
    assert [i.token for i in plan.invokes] == ["okta:user/getUsers:getUsers"]


def test_providers_setting_limits_what_is_declared(plan_catalog: PlanRunner) -> None:
    plan = plan_catalog(settings={"providers": "pagerduty"})

    assert {r.provider for r in plan.resources} == {"pagerduty"}


def test_missing_settings_are_all_named_with_the_command_that_fixes_them(
    plan_catalog: PlanRunner,
) -> None:
    with pytest.raises(SettingsError) as caught:
        plan_catalog(settings={"oktaHarnessAppId": None, "harnessSsoId": None})

    message = str(caught.value)
    assert "pulumi config set teamcat:oktaHarnessAppId" in message
    assert "pulumi config set teamcat:harnessSsoId" in message
    assert isinstance(caught.value, pulumi.RunError)


def test_catalog_errors_stop_the_program_before_anything_is_declared(
    plan_catalog: PlanRunner,
) -> None:
    broken = DATA / "invalid" / "unknown-owner.yaml"

    with pytest.raises(CatalogError, match=r"unknown-owner\.yaml:\d+:\d+: unknown-owner"):
        plan_catalog(catalog=broken, people={})


def test_people_missing_at_the_provider_are_named_together(plan_catalog: PlanRunner) -> None:
    with pytest.raises(MissingUsersError) as caught:
        plan_catalog(stack="prod", people={"someone@example.com": "Someone Else"})

    assert "ada@example.com, bo@example.com" in str(caught.value)
    assert "Okta has no user" in str(caught.value)
