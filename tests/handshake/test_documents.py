"""The pure parts: which services get wired, their identifiers, and the documents sent."""

from __future__ import annotations

import json

import yaml

from infra.catalog.loader import load_catalog
from infra.core.state import DesiredState, resolve
from infra.program.handshake_documents import (
    button_request_body,
    change_event_body,
    step_template_yaml,
    trigger_yaml,
)
from infra.program.wiring import action_wirings, change_event_wirings
from tests.handshake.conftest import BUNDLED


def _bundled() -> DesiredState:
    loaded = load_catalog(BUNDLED)
    assert loaded.catalog is not None
    return resolve(loaded.catalog, "engineering")


def test_change_events_are_wired_for_harness_services_that_keep_them_on() -> None:
    wirings = {w.service: w for w in change_event_wirings(_bundled())}

    assert "build-cache" not in wirings and "warehouse-loader" not in wirings
    payment = wirings["payment-api"]
    assert (payment.org, payment.project, payment.deploy_pipeline) == (
        "eng",
        "payments",
        "deploy_payment_api",
    )
    assert (payment.secret_id, payment.template_id, payment.channel_id, payment.rule_id) == (
        "pd_routing_key_payment_api",
        "pd_change_event_payment_api",
        "pd_payment_api",
        "deploy_failed_payment_api",
    )
    assert payment.secret_expression == '<+secrets.getValue("pd_routing_key_payment_api")>'


def test_actions_keep_the_catalog_mode_and_events_and_get_a_stack_marker() -> None:
    actions = {(a.service, a.action): a for a in action_wirings(_bundled(), "prod")}

    pause = actions[("payment-api", "pause")]
    assert (pause.mode, pause.events, pause.pipeline) == (
        "automatic",
        ("incident.triggered",),
        "pause_payment_api",
    )
    assert pause.trigger_id == "pagerduty_pause_payment_api"
    assert pause.description == (
        "teamcat/prod: pause payment-api through Harness pipeline pause_payment_api"
    )
    rollback = actions[("payment-api", "rollback")]
    assert (rollback.mode, rollback.events, rollback.policy_team) == ("button", (), "payments")
    assert len(actions) == 25


def test_the_change_event_is_valid_json_once_harness_fills_in_the_key() -> None:
    [wiring] = [w for w in change_event_wirings(_bundled()) if w.service == "ledger"]

    body = change_event_body(wiring)
    event = json.loads(body.replace(wiring.secret_expression, "K" * 32))

    assert wiring.secret_expression in body  # verbatim, quotes unescaped
    assert event["routing_key"] == "K" * 32
    assert event["payload"]["summary"].startswith("Deployed <+service.name> to <+env.name>")
    assert event["payload"]["custom_details"]["catalog_service"] == "ledger"
    assert "links" in event and "images" not in event


def test_the_template_keeps_its_identifier_and_version_in_step() -> None:
    [wiring] = [w for w in change_event_wirings(_bundled()) if w.service == "ledger"]

    document = yaml.safe_load(step_template_yaml(wiring, "https://events.example.invalid"))

    template = document["template"]
    assert template["identifier"] == wiring.template_id
    assert template["versionLabel"] == "1"
    assert template["spec"]["spec"]["url"] == "https://events.example.invalid/v2/change/enqueue"
    assert template["spec"]["spec"]["requestBody"] == change_event_body(wiring)


def test_a_button_body_mirrors_the_v3_webhook_envelope() -> None:
    actions = action_wirings(_bundled(), "dev")
    rollback = next(a for a in actions if (a.service, a.action) == ("ledger", "rollback"))

    body = json.loads(button_request_body(rollback))
    trigger = yaml.safe_load(trigger_yaml(rollback))["trigger"]

    assert body["event"]["data"]["id"] == "{{incident.id}}"
    assert body["teamcat"] == {"service": "ledger", "action": "rollback"}
    assert trigger["description"] == (
        "Started from PagerDuty incidents of ledger (a responder's click); managed by teamcat"
    )
