"""Deploy -> PagerDuty on the mock runtime: routing key secrets, step templates, failure pages."""

from __future__ import annotations

import json

import pytest
import yaml
from pulumi.runtime.sync_await import _sync_await

from infra.program.offline import Plan
from tests.handshake.conftest import BUNDLED, Captured, H, inputs, plan_of

EXPRESSION = '<+secrets.getValue("pd_routing_key_api")>'


@pytest.fixture(scope="module")
def plan() -> Plan:
    return plan_of()


def test_the_routing_key_is_an_inline_harness_secret_from_the_pulumi_secret(plan: Plan) -> None:
    secret = plan.named("harness-routing-key-api")

    assert secret.type == H + "secretText:SecretText"
    assert secret.secret_paths() == ["value"]
    assert inputs(secret) | {"value": "?"} == {
        "identifier": "pd_routing_key_api",
        "name": "PagerDuty routing key: api",
        "description": "Events API v2 routing key of PagerDuty service api; managed by teamcat",
        "orgId": "eng",
        "projectId": "core",
        "secretManagerIdentifier": "harnessSecretManager",
        "valueType": "Inline",
        "value": "?",
        "tags": ["managed-by:teamcat", "catalog-service:api"],
    }
    # The mock answers the integration's key with a placeholder; the secret holds exactly it.
    assert inputs(secret)["value"] == "placeholder-routing-key-pd-events-api"


def test_the_step_template_posts_a_change_event_reading_the_key_by_expression(
    plan: Plan,
) -> None:
    template = inputs(plan.named("harness-change-template-api"))
    document = yaml.safe_load(template["templateYaml"])["template"]
    http = document["spec"]["spec"]

    assert (template["identifier"], template["version"]) == ("pd_change_event_api", "1")
    assert (document["identifier"], document["versionLabel"]) == ("pd_change_event_api", "1")
    assert (document["type"], document["spec"]["type"]) == ("Step", "Http")
    assert (document["orgIdentifier"], document["projectIdentifier"]) == ("eng", "core")
    assert http["url"] == "https://events.pagerduty.com/v2/change/enqueue"
    assert http["method"] == "POST"
    assert http["assertion"] == "<+httpResponseCode> == 202"
    assert "secrets.getValue" not in http["url"]
    body = json.loads(http["requestBody"].replace(EXPRESSION, "KEY"))
    assert body["routing_key"] == "KEY"
    assert set(body["payload"]["custom_details"]) == {
        "service",
        "pipeline",
        "environment",
        "artifact",
        "execution",
        "catalog_service",
    }
    assert body["links"] == [{"href": "<+pipeline.execution.url>", "text": "Harness execution"}]
    assert "placeholder-routing-key" not in template["templateYaml"]
    assert plan.named("harness-change-template-api").secret_paths() == []


def test_a_failed_deploy_pages_through_the_service_key_as_a_secret_expression(
    plan: Plan,
) -> None:
    channel = plan.named("harness-pd-channel-api")
    rule = inputs(plan.named("harness-deploy-failed-api"))

    assert channel.type == H + "centralNotificationChannel:CentralNotificationChannel"
    assert channel.inputs["notificationChannelType"] == "PAGERDUTY"
    assert channel.inputs["channel"] == {"pagerDutyIntegrationKeys": [EXPRESSION]}
    assert (channel.inputs["org"], channel.inputs["project"]) == ("eng", "core")
    assert rule["notificationChannelRefs"] == ["pd_api"]
    [condition] = rule["notificationConditions"]
    [config] = condition["notificationEventConfigs"]
    assert config["notificationEntity"] == "PIPELINE"
    assert config["notificationEvent"] == "PIPELINE_FAILED"
    assert config["entityIdentifiers"] == ["deploy_api"]
    assert (rule["org"], rule["project"]) == ("eng", "core")


def test_services_without_change_events_get_none_of_it() -> None:
    plan = plan_of(BUNDLED)

    secrets = {r.inputs["identifier"] for r in plan.of_type(H + "secretText:SecretText")}
    templates = plan.of_type(H + "template:Template")
    rules = plan.of_type(H + "pipelineCentralNotificationRule:PipelineCentralNotificationRule")

    assert "pd_routing_key_build_cache" not in secrets  # change_events: false
    assert "pd_routing_key_warehouse_loader" not in secrets
    assert "pd_routing_key_payment_api" in secrets
    assert len(secrets) == len(templates) == len(rules) == 18


def test_a_vault_connector_makes_the_secret_a_reference_and_exports_the_keys(
    captured: Captured,
) -> None:
    plan = plan_of(settings={"harnessVaultConnector": "vault_prod"})

    secret = inputs(plan.named("harness-routing-key-api"))
    exported = captured.exports["pagerdutyRoutingKeys"]

    assert secret["valueType"] == "Reference"
    assert secret["secretManagerIdentifier"] == "vault_prod"
    assert secret["value"] == "teamcat/pagerduty/api#routing_key"
    assert _sync_await(exported.is_secret()) is True
    assert _sync_await(exported.future()) == {"api": "placeholder-routing-key-pd-events-api"}


def test_without_a_vault_connector_no_key_is_exported(captured: Captured) -> None:
    plan_of()

    assert "pagerdutyRoutingKeys" not in captured.exports


def test_an_eu_account_sends_to_the_eu_events_host() -> None:
    plan = plan_of(settings={"pagerdutyRegion": "eu"})

    document = yaml.safe_load(plan.named("harness-change-template-api").inputs["templateYaml"])

    assert document["template"]["spec"]["spec"]["url"] == (
        "https://events.eu.pagerduty.com/v2/change/enqueue"
    )
