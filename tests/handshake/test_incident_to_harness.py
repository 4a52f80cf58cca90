"""Incident -> Harness on the mock runtime: triggers, the key that opens them, and their callers."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pulumi.runtime import rpc
from pulumi.runtime.sync_await import _sync_await

from infra.program.main import CatalogError
from infra.program.offline import Plan
from infra.program.settings import SettingsError
from tests.conftest import DATA
from tests.handshake.conftest import (
    BUNDLED,
    PD,
    TWO_ACTIONS,
    Captured,
    H,
    inputs,
    plan_of,
    unwrap,
)

TOKEN_VALUE = "placeholder-harness-api-key-harness-trigger-token-1"
PAUSE_URL = "https://placeholder.invalid/webhook/harness-trigger-api-pause"
ROLLBACK_URL = "https://placeholder.invalid/webhook/harness-trigger-api-rollback"


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_of()


def test_each_action_gets_a_custom_webhook_trigger_on_its_pipeline(plan: Plan) -> None:
    triggers = {r.name: r for r in plan.of_type(H + "triggers:Triggers")}

    assert set(triggers) == {"harness-trigger-api-pause", "harness-trigger-api-rollback"}
    pause = triggers["harness-trigger-api-pause"]
    document = yaml.safe_load(pause.inputs["yaml"])["trigger"]
    assert (pause.inputs["targetId"], pause.inputs["identifier"]) == (
        "pause_api",
        "pagerduty_pause_api",
    )
    assert (pause.inputs["orgId"], pause.inputs["projectId"]) == ("eng", "core")
    assert document["identifier"] == "pagerduty_pause_api"
    assert document["pipelineIdentifier"] == "pause_api"
    assert document["source"] == {
        "type": "Webhook",
        "spec": {"type": "Custom", "spec": {"payloadConditions": [], "headerConditions": []}},
    }
    assert yaml.safe_load(document["inputYaml"]) == {"pipeline": {"identifier": "pause_api"}}
    assert "webhookUrl" in pause.additional_secret_outputs


def test_the_project_requires_an_api_key_on_custom_triggers(plan: Plan) -> None:
    [setting] = plan.of_type(H + "setting:Setting")

    assert setting.inputs == {
        "identifier": "mandate_custom_webhook_authorization",
        "orgId": "eng",
        "projectId": "core",
        "value": "true",
    }


def test_the_api_key_is_a_service_account_token_allowed_to_run_the_pipelines(
    captured: Captured,
) -> None:
    plan = plan_of()
    account = plan.named("harness-trigger-account").inputs
    api_key = plan.named("harness-trigger-apikey").inputs
    token = plan.named("harness-trigger-token-1")
    role = plan.named("harness-trigger-role-eng-core").inputs
    exported = captured.exports["harnessTriggerApiKey"]

    assert account["identifier"] == "teamcat_pagerduty_dev"
    assert account["accountId"] == "exampleDevAccount00001"
    assert (api_key["apikeyType"], api_key["parentId"]) == (
        "SERVICE_ACCOUNT",
        "teamcat_pagerduty_dev",
    )
    assert token.inputs["apikeyId"] == "teamcat_pagerduty_dev"
    assert "value" in token.additional_secret_outputs
    assert role["roleIdentifier"] == "_pipeline_executor"
    assert role["principals"] == [
        {"identifier": "teamcat_pagerduty_dev", "type": "SERVICE_ACCOUNT", "scopeLevel": "account"}
    ]
    assert _sync_await(exported.is_secret()) is True
    assert _sync_await(exported.future()) == TOKEN_VALUE


def test_an_automatic_action_is_a_v3_subscription_sending_the_key_in_a_header(
    captured: Captured,
) -> None:
    plan = plan_of()
    subscription = plan.named("pd-webhook-api-pause")
    values = inputs(subscription)
    [method] = values["deliveryMethods"]

    assert subscription.type == PD + "webhookSubscription:WebhookSubscription"
    assert subscription.secret_paths() == ["deliveryMethods"]
    assert values["events"] == ["incident.triggered", "incident.escalated"]
    assert values["filters"] == [{"type": "service_reference", "id": "placeholder-pd-service-api"}]
    assert values["description"] == "teamcat/dev: pause api through Harness pipeline pause_api"
    assert (values["active"], values["type"]) == (True, "webhook_subscription")
    assert method["url"] == PAUSE_URL
    assert method["customHeaders"] == [{"name": "X-Api-Key", "value": TOKEN_VALUE}]
    assert TOKEN_VALUE not in method["url"]
    assert "deliveryMethods" in subscription.additional_secret_outputs
    # A new key replaces the subscription: PagerDuty hides header values, so no diff shows.
    trigger = captured.replacement_triggers["pd-webhook-api-pause"]
    assert rpc.is_rpc_secret(trigger)
    assert unwrap(trigger) == TOKEN_VALUE


def test_a_button_action_is_a_manual_incident_workflow_restricted_to_the_paging_team(
    plan: Plan,
) -> None:
    workflow = plan.named("pd-workflow-api-rollback")
    trigger = plan.named("pd-workflow-trigger-api-rollback").inputs
    [step] = inputs(workflow)["steps"]
    step_inputs = {i["name"]: i["value"] for i in step["inputs"]}

    assert workflow.secret_paths() == ["steps"]  # the step holds the trigger URL
    assert workflow.inputs["team"] == "placeholder-pd-team-core"
    assert step["action"] == "pagerduty.com:incident-workflows:send-webhook:1"
    assert step_inputs["URL"] == ROLLBACK_URL
    assert step_inputs["Authentication Headers"] == "PDEVWAPI"
    assert TOKEN_VALUE not in str(step_inputs)
    assert '"action": "rollback"' in step_inputs["Body"]
    assert trigger == {
        "type": "manual",
        "workflow": "placeholder-pd-workflow-api-rollback",
        "services": ["placeholder-pd-service-api"],
        "subscribedToAllServices": False,
        "permissions": {"restricted": True, "teamId": "placeholder-pd-team-core"},
    }


def test_the_bundled_catalog_declares_callbacks_for_every_action() -> None:
    plan = plan_of(BUNDLED)

    triggers = plan.of_type(H + "triggers:Triggers")
    subscriptions = plan.of_type(PD + "webhookSubscription:WebhookSubscription")
    workflows = plan.of_type(PD + "incidentWorkflow:IncidentWorkflow")
    manual = plan.of_type(PD + "incidentWorkflowTrigger:IncidentWorkflowTrigger")

    assert len(triggers) == 25
    assert len(subscriptions) == 3  # payment-api and checkout-web pause, search-api tag
    assert len(workflows) == len(manual) == 22
    projects = {
        (s.inputs["orgId"], s.inputs["projectId"]) for s in plan.of_type(H + "setting:Setting")
    }
    assert projects == {(t.inputs["orgId"], t.inputs["projectId"]) for t in triggers}


def test_missing_handshake_settings_are_named_together() -> None:
    with pytest.raises(SettingsError) as caught:
        plan_of(
            settings={
                "harnessAccountId": None,
                "pagerdutyWebhookAction": None,
                "pagerdutyWebhookConnection": None,
            }
        )

    message = str(caught.value)
    for key in ("harnessAccountId", "pagerdutyWebhookAction", "pagerdutyWebhookConnection"):
        assert f"pulumi config set teamcat:{key}" in message


def test_bad_handshake_settings_are_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        plan_of(
            settings={
                "pagerdutyRegion": "mars",
                "harnessVaultPath": "one/path#key",
                "triggerKeyGeneration": "2/3",
            }
        )

    assert "teamcat:pagerdutyRegion is `mars`" in str(caught.value)
    assert "has no `{service}`" in str(caught.value)
    assert "teamcat:triggerKeyGeneration is `2/3`" in str(caught.value)


def test_a_stack_without_harness_declares_no_handshake() -> None:
    plan = plan_of(settings={"providers": "okta,pagerduty"})

    assert not plan.of_type(PD + "webhookSubscription:WebhookSubscription")
    assert not plan.of_type(PD + "incidentWorkflow:IncidentWorkflow")


def test_raising_the_key_generation_rotates_the_token_and_the_subscription(
    captured: Captured,
) -> None:
    plan = plan_of(settings={"triggerKeyGeneration": "2"})

    token = plan.named("harness-trigger-token-2")
    assert token.inputs["identifier"] == "teamcat_pagerduty_dev_2"
    assert not [r for r in plan.resources if r.name == "harness-trigger-token-1"]
    new_key = "placeholder-harness-api-key-harness-trigger-token-2"
    assert unwrap(captured.replacement_triggers["pd-webhook-api-pause"]) == new_key


def test_a_service_rename_keeps_identifiers_and_aliases_the_resources(tmp_path: Path) -> None:
    text = TWO_ACTIONS.read_text(encoding="utf-8").replace(
        "  - key: api\n", "  - key: core-api\n    renamed_from: [api]\n"
    )
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(text, encoding="utf-8")

    plan = plan_of(renamed)

    trigger = plan.named("harness-trigger-core-api-pause")
    assert trigger.inputs["identifier"] == "pagerduty_pause_api"
    assert trigger.aliases == ("harness-trigger-api-pause",)
    assert plan.named("harness-routing-key-core-api").inputs["identifier"] == "pd_routing_key_api"
    assert plan.named("pd-webhook-core-api-pause").aliases == ("pd-webhook-api-pause",)


def test_an_action_on_a_pipeline_outside_the_service_stops_the_program() -> None:
    with pytest.raises(CatalogError, match="unknown-pipeline"):
        plan_of(DATA / "invalid" / "unknown-pipeline.yaml")


def test_the_same_action_twice_on_a_service_is_a_located_finding(tmp_path: Path) -> None:
    text = TWO_ACTIONS.read_text(encoding="utf-8").replace(
        "        pipeline: rollback_api\n",
        "        pipeline: rollback_api\n      - action: rollback\n        pipeline: deploy_api\n",
    )
    twice = tmp_path / "twice.yaml"
    twice.write_text(text, encoding="utf-8")

    with pytest.raises(CatalogError, match=r"twice\.yaml:\d+:\d+: duplicate-action"):
        plan_of(twice)
