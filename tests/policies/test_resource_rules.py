"""Resource rules on inputs shaped as CrossGuard passes them: camelCase, as the SDKs send them."""

from __future__ import annotations

from typing import Any

import pytest

from infra.rules.admin import check_no_harness_admin
from infra.rules.callbacks import check_callbacks
from infra.rules.protection import check_protected
from infra.rules.resources import (
    HARNESS_NOTIFICATION_CHANNEL,
    HARNESS_PIPELINE,
    HARNESS_ROLE_ASSIGNMENTS,
    HARNESS_SECRET_TEXT,
    HARNESS_SETTING,
    HARNESS_TEMPLATE,
    HARNESS_TRIGGERS,
    HARNESS_USERGROUP,
    PD_ESCALATION_POLICY,
    PD_EXTENSION,
    PD_INCIDENT_WORKFLOW,
    PD_SCHEDULE,
    PD_SERVICE,
    PD_WEBHOOK_SUBSCRIPTION,
    DeclaredOptions,
    DeclaredResource,
)
from infra.rules.secrets import check_harness_secrets
from infra.rules.triggers import check_trigger_auth

TRIGGER_URL = (
    "https://app.harness.io/gateway/pipeline/api/webhook/custom/abc/v3?accountIdentifier=x"
)
ROUTING_EXPRESSION = '<+secrets.getValue("pd_routing_key_api")>'


def messages(violations: list[Any]) -> list[str]:
    return [v.message for v in violations]


# -- pagerduty-protected ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_type", "kind"),
    [
        (PD_SERVICE, "service"),
        (PD_ESCALATION_POLICY, "escalation policy"),
        (PD_SCHEDULE, "schedule"),
    ],
)
def test_unprotected_pagerduty_on_call_resources_fail(resource_type: str, kind: str) -> None:
    unprotected = check_protected(resource_type, {"name": "Core"}, "pd-thing-core")
    protected = check_protected(
        resource_type, {"name": "Core"}, "pd-thing-core", DeclaredOptions(protect=True)
    )

    assert messages(unprotected) == [
        f"PagerDuty {kind} `pd-thing-core` is not protected, so `pulumi up` could delete it"
    ]
    assert unprotected[0].resource == "pd-thing-core"
    assert protected == []


def test_other_resources_need_no_protection() -> None:
    assert check_protected("pagerduty:index/team:Team", {}, "pd-team-core") == []


# -- no-harness-admin ---------------------------------------------------------------------------


def _assignment(
    role: str, org: str = "eng", group: str = "_all_project_level_resources"
) -> dict[str, Any]:
    return {
        "identifier": "teamcat_core_x",
        "orgId": org,
        "projectId": "core" if org else "",
        "resourceGroupIdentifier": group,
        "roleIdentifier": role,
        "principals": [{"identifier": "team_core", "type": "USER_GROUP", "scopeLevel": "project"}],
    }


def test_a_project_role_assignment_for_pipeline_execution_passes() -> None:
    props = _assignment("_pipeline_executor")

    assert check_no_harness_admin(HARNESS_ROLE_ASSIGNMENTS, props, "harness-role-core-x") == []


def test_granting_the_account_admin_role_fails_wherever_it_is_assigned() -> None:
    violations = check_no_harness_admin(
        HARNESS_ROLE_ASSIGNMENTS, _assignment("_account_admin"), "harness-role-core-account_admin"
    )

    assert messages(violations) == [
        "role assignment `harness-role-core-account_admin` grants the account-level admin role "
        "`_account_admin`"
    ]


def test_an_admin_role_over_account_level_resources_fails() -> None:
    at_account = _assignment("_organization_admin", org="")
    over_all = _assignment("_project_admin", group="_all_account_level_resources")
    in_project = _assignment("_project_admin")

    assert messages(check_no_harness_admin(HARNESS_ROLE_ASSIGNMENTS, at_account, "r")) == [
        "role assignment `r` grants admin role `_organization_admin` at account level"
    ]
    assert len(check_no_harness_admin(HARNESS_ROLE_ASSIGNMENTS, over_all, "r")) == 1
    assert check_no_harness_admin(HARNESS_ROLE_ASSIGNMENTS, in_project, "r") == []


def test_a_role_reference_is_read_like_a_role_identifier() -> None:
    props = {**_assignment(""), "roleReference": {"identifier": "_account_admin"}}

    assert len(check_no_harness_admin(HARNESS_ROLE_ASSIGNMENTS, props, "r")) == 1


def _group(identifier: str, name: str) -> dict[str, Any]:
    return {
        "identifier": identifier,
        "name": name,
        "ssoLinked": True,
        "linkedSsoType": "SAML",
        "ssoGroupId": "team-core",
        "ssoGroupName": "team-core",
    }


def test_linking_an_sso_group_to_a_built_in_group_fails() -> None:
    by_identifier = check_no_harness_admin(
        HARNESS_USERGROUP, _group("_account_admin_group", "Admins"), "harness-group-core"
    )
    by_name = check_no_harness_admin(
        HARNESS_USERGROUP, _group("admins", "Account Administrator"), "harness-group-core"
    )
    own_group = check_no_harness_admin(
        HARNESS_USERGROUP, _group("team_core", "Core"), "harness-group-core"
    )

    assert messages(by_identifier) == [
        "user group `harness-group-core` links SSO group `team-core` to Harness's built-in group "
        "`_account_admin_group`"
    ]
    assert len(by_name) == 1
    assert own_group == []


# -- callbacks-authenticated --------------------------------------------------------------------


def _subscription(url: str, headers: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "type": "webhook_subscription",
        "active": True,
        "events": ["incident.triggered"],
        "filters": [{"type": "service_reference", "id": "PSERVICE"}],
        "deliveryMethods": [{"type": "http_delivery_method", "url": url, "customHeaders": headers}],
    }


API_KEY = [{"name": "X-Api-Key", "value": "sat.example.token"}]
SECRET_HEADERS = DeclaredOptions(secret_inputs=frozenset({"deliveryMethods"}))


def test_an_https_subscription_with_a_secret_api_key_header_passes() -> None:
    props = _subscription(TRIGGER_URL, API_KEY)

    assert (
        check_callbacks(PD_WEBHOOK_SUBSCRIPTION, props, "pd-webhook-api-pause", SECRET_HEADERS)
        == []
    )
    # Under CrossGuard secretness is unknown, and only what can be seen is checked.
    assert check_callbacks(PD_WEBHOOK_SUBSCRIPTION, props, "pd-webhook-api-pause") == []


def test_a_subscription_over_http_or_without_an_api_key_fails() -> None:
    plain_http = _subscription("http://app.harness.io/hook", API_KEY)
    no_header = _subscription(TRIGGER_URL, [{"name": "X-Team", "value": "core"}])

    assert messages(check_callbacks(PD_WEBHOOK_SUBSCRIPTION, plain_http, "w", SECRET_HEADERS)) == [
        "webhook subscription `w` delivers to `http://app.harness.io/hook`, which is not HTTPS"
    ]
    assert messages(check_callbacks(PD_WEBHOOK_SUBSCRIPTION, no_header, "w", SECRET_HEADERS)) == [
        "webhook subscription `w` sends no `X-Api-Key` or `Authorization` header"
    ]


def test_an_api_key_header_that_is_not_a_pulumi_secret_fails() -> None:
    props = _subscription(TRIGGER_URL, API_KEY)
    known_plain = DeclaredOptions(secret_inputs=frozenset({"description"}))
    header_secret = DeclaredOptions(
        secret_inputs=frozenset({"deliveryMethods[0].customHeaders[0].value"})
    )

    assert messages(check_callbacks(PD_WEBHOOK_SUBSCRIPTION, props, "w", known_plain)) == [
        "webhook subscription `w` sends header `X-Api-Key` as a plain value, not a secret"
    ]
    assert check_callbacks(PD_WEBHOOK_SUBSCRIPTION, props, "w", header_secret) == []


def _workflow(
    url: str, *, auth: str = "PWEBAPI", headers: str = "Content-Type: application/json"
) -> dict[str, Any]:
    inputs = [{"name": "URL", "value": url}, {"name": "Headers", "value": headers}]
    if auth:
        inputs.append({"name": "Authentication Headers", "value": auth})
    return {
        "name": "api: rollback in Harness",
        "team": "PTEAM",
        "steps": [
            {
                "name": "Start rollback_api",
                "action": "pagerduty.com:incident-workflows:send-webhook:1",
                "inputs": inputs,
            },
            {"name": "Status", "action": "pagerduty.com:incident-workflows:send-status-update:1"},
        ],
    }


def test_an_incident_workflow_posting_over_https_through_a_connection_passes() -> None:
    assert check_callbacks(PD_INCIDENT_WORKFLOW, _workflow(TRIGGER_URL), "pd-workflow-api") == []


def test_an_incident_workflow_without_https_or_connection_or_with_a_plain_key_fails() -> None:
    where = "incident workflow `wf`, step `Start rollback_api`"

    assert messages(
        check_callbacks(PD_INCIDENT_WORKFLOW, _workflow("http://x.example.com"), "wf")
    ) == [f"{where} posts to `http://x.example.com`, which is not HTTPS"]
    assert messages(
        check_callbacks(PD_INCIDENT_WORKFLOW, _workflow(TRIGGER_URL, auth=""), "wf")
    ) == [f"{where} names no authentication headers connection"]
    leaked = _workflow(TRIGGER_URL, headers="Content-Type: application/json\nX-Api-Key: sat.x")
    assert messages(check_callbacks(PD_INCIDENT_WORKFLOW, leaked, "wf")) == [
        f"{where} puts an authentication header in its plain Headers input"
    ]


def test_a_custom_incident_action_needs_https_and_an_auth_header() -> None:
    good = {
        "endpointUrl": TRIGGER_URL,
        "config": '{"headers": [{"name": "X-Api-Key", "value": "k"}]}',
    }
    bad = {"endpointUrl": "http://x.example.com", "config": "{}"}

    assert check_callbacks(PD_EXTENSION, good, "pd-action-api") == []
    assert messages(check_callbacks(PD_EXTENSION, bad, "a")) == [
        "custom incident action `a` posts to `http://x.example.com`, which is not HTTPS",
        "custom incident action `a` sends no `X-Api-Key` or `Authorization` header",
    ]


def test_a_trigger_url_given_as_input_must_be_https() -> None:
    assert check_callbacks(HARNESS_TRIGGERS, {"identifier": "t"}, "t") == []
    assert check_callbacks(HARNESS_TRIGGERS, {"webhookUrl": TRIGGER_URL}, "t") == []
    assert messages(
        check_callbacks(HARNESS_TRIGGERS, {"webhookUrl": "http://h.example.com"}, "t")
    ) == ["Harness trigger `t` has webhook URL `http://h.example.com`, which is not HTTPS"]


# -- trigger-auth-mandated ------------------------------------------------------------------------

CUSTOM_TRIGGER_YAML = """trigger:
  name: PagerDuty rollback
  identifier: pagerduty_rollback_api
  orgIdentifier: eng
  projectIdentifier: core
  pipelineIdentifier: rollback_api
  source:
    type: Webhook
    spec:
      type: Custom
      spec: {payloadConditions: [], headerConditions: []}
"""


def _trigger(yaml_text: str = CUSTOM_TRIGGER_YAML) -> DeclaredResource:
    props = {
        "identifier": "pagerduty_rollback_api",
        "orgId": "eng",
        "projectId": "core",
        "yaml": yaml_text,
    }
    return DeclaredResource(HARNESS_TRIGGERS, props, "harness-trigger-api-rollback")


def _mandate(org: str = "eng", project: str = "core", value: str = "true") -> DeclaredResource:
    props = {"identifier": "mandate_custom_webhook_authorization", "value": value}
    props |= {"orgId": org} if org else {}
    props |= {"projectId": project} if project else {}
    return DeclaredResource(HARNESS_SETTING, props, "harness-trigger-auth")


def test_a_custom_trigger_below_the_mandate_setting_passes() -> None:
    assert check_trigger_auth([_trigger(), _mandate()]) == []
    assert check_trigger_auth([_trigger(), _mandate(project="")]) == []
    assert check_trigger_auth([_mandate(org="", project=""), _trigger()]) == []


def test_a_custom_trigger_that_accepts_calls_without_a_key_fails() -> None:
    expected = [
        "Harness trigger `harness-trigger-api-rollback` in `eng/core` accepts calls without an "
        "API key: no `mandate_custom_webhook_authorization` setting covers its project"
    ]

    assert messages(check_trigger_auth([_trigger()])) == expected
    assert messages(check_trigger_auth([_trigger(), _mandate(value="false")])) == expected
    assert messages(check_trigger_auth([_trigger(), _mandate(project="other")])) == expected
    assert check_trigger_auth([_trigger()])[0].resource == "harness-trigger-api-rollback"


def test_triggers_of_other_sources_are_not_this_rules_business() -> None:
    github = CUSTOM_TRIGGER_YAML.replace("type: Custom", "type: Github")

    assert check_trigger_auth([_trigger(github)]) == []


# -- harness-secrets-encrypted ------------------------------------------------------------------

SECRET_TEXT = {
    "identifier": "pd_routing_key_api",
    "name": "PagerDuty routing key: api",
    "orgId": "eng",
    "projectId": "core",
    "secretManagerIdentifier": "harnessSecretManager",
    "valueType": "Inline",
    "value": "R0UT1NGKEY",
}
SDK_OPTIONS = DeclaredOptions(additional_secret_outputs=("value",))


def test_an_inline_secret_passed_as_a_pulumi_secret_passes() -> None:
    known = DeclaredOptions(
        additional_secret_outputs=("value",), secret_inputs=frozenset({"value"})
    )

    assert check_harness_secrets(HARNESS_SECRET_TEXT, SECRET_TEXT, "s", known) == []
    assert check_harness_secrets(HARNESS_SECRET_TEXT, SECRET_TEXT, "s", SDK_OPTIONS) == []


def test_an_inline_secret_that_is_not_a_pulumi_secret_fails() -> None:
    expected = ["Harness secret `s` carries an inline value that is not a Pulumi secret"]
    plain_input = DeclaredOptions(additional_secret_outputs=("value",), secret_inputs=frozenset())

    assert messages(check_harness_secrets(HARNESS_SECRET_TEXT, SECRET_TEXT, "s")) == expected
    assert (
        messages(check_harness_secrets(HARNESS_SECRET_TEXT, SECRET_TEXT, "s", plain_input))
        == expected
    )


def test_a_reference_secret_holds_only_a_vault_path() -> None:
    props = {**SECRET_TEXT, "valueType": "Reference", "value": "pagerduty/routing#api"}

    assert check_harness_secrets(HARNESS_SECRET_TEXT, props, "s") == []


TEMPLATE_YAML = """template:
  name: PagerDuty change event
  identifier: pd_change_event_api
  versionLabel: '1'
  type: Step
  spec:
    type: Http
    timeout: 30s
    spec:
      url: https://events.pagerduty.com/v2/change/enqueue
      method: POST
      headers:
      - key: Content-Type
        value: application/json
      requestBody: |-
        {"routing_key": "%s", "payload": {"summary": "Deployed", "source": "harness"}}
"""


def test_harness_yaml_reading_keys_from_harness_secrets_passes() -> None:
    props = {"identifier": "t", "templateYaml": TEMPLATE_YAML % ROUTING_EXPRESSION}

    assert check_harness_secrets(HARNESS_TEMPLATE, props, "harness-change-template-api") == []


def test_harness_yaml_holding_a_literal_key_fails() -> None:
    template = {"templateYaml": TEMPLATE_YAML % "R0UT1NGKEY"}
    pipeline = {
        "yaml": "pipeline:\n  notificationRules:\n  - name: page\n    notificationMethod:\n"
        "      type: PagerDuty\n      spec: {integrationKey: R0UT1NGKEY, userGroups: []}\n"
    }
    header = {"yaml": "pipeline:\n  headers:\n  - {key: X-Api-Key, value: sat.abc}\n"}

    assert messages(check_harness_secrets(HARNESS_TEMPLATE, template, "t")) == [
        "`t` holds a literal `routing_key` in its YAML"
    ]
    assert messages(check_harness_secrets(HARNESS_PIPELINE, pipeline, "p")) == [
        "`p` holds a literal `integrationKey` in its YAML"
    ]
    assert messages(check_harness_secrets(HARNESS_PIPELINE, header, "p")) == [
        "`p` holds a literal `X-Api-Key` header in its YAML"
    ]


def test_a_notification_channel_key_is_an_expression_or_a_pulumi_secret() -> None:
    expression = {"channel": {"pagerDutyIntegrationKeys": [ROUTING_EXPRESSION]}}
    literal = {"channel": {"pagerDutyIntegrationKeys": ["R0UT1NGKEY"]}}
    plain = DeclaredOptions(secret_inputs=frozenset())
    secret = DeclaredOptions(secret_inputs=frozenset({"channel"}))

    assert check_harness_secrets(HARNESS_NOTIFICATION_CHANNEL, expression, "c", plain) == []
    assert check_harness_secrets(HARNESS_NOTIFICATION_CHANNEL, literal, "c", secret) == []
    assert messages(check_harness_secrets(HARNESS_NOTIFICATION_CHANNEL, literal, "c", plain)) == [
        "notification channel `c` holds a literal `pagerDutyIntegrationKeys[0]` in plain text"
    ]
