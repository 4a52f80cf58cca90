"""Harness refuses unauthenticated calls to every custom webhook trigger the stack declares.

Without the setting `mandate_custom_webhook_authorization`, Harness accepts a call to a custom
webhook trigger with no API key at all, so the header PagerDuty sends would be decoration. The
setting counts for the project it names, or for every project below the org or account it is
set on (vendor notes, B4).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import yaml

from infra.rules.resources import HARNESS_SETTING, HARNESS_TRIGGERS, DeclaredResource, mapping, text
from infra.rules.violations import Violation

TRIGGER_AUTH_MANDATED = "trigger-auth-mandated"
MANDATE_SETTING = "mandate_custom_webhook_authorization"

Scope = tuple[str, str]  # (org, project); empty strings for a wider scope


def check_trigger_auth(resources: Sequence[DeclaredResource]) -> list[Violation]:
    """Every custom webhook trigger sits below a setting that mandates an API key."""
    mandated = _mandated_scopes(resources)
    violations = []
    for resource in resources:
        if resource.type != HARNESS_TRIGGERS or not _is_custom_webhook(resource.props):
            continue
        scope = (text(resource.props.get("orgId")), text(resource.props.get("projectId")))
        if _covered(scope, mandated):
            continue
        message = (
            f"Harness trigger `{resource.name}` in `{scope[0]}/{scope[1]}` accepts calls without "
            f"an API key: no `{MANDATE_SETTING}` setting covers its project"
        )
        hint = f"declare harness.platform.Setting `{MANDATE_SETTING}` = true for the project"
        violations.append(
            Violation(TRIGGER_AUTH_MANDATED, message, resource=resource.name, hint=hint)
        )
    return violations


def _mandated_scopes(resources: Iterable[DeclaredResource]) -> set[Scope]:
    return {
        (text(r.props.get("orgId")), text(r.props.get("projectId")))
        for r in resources
        if r.type == HARNESS_SETTING
        and text(r.props.get("identifier")) == MANDATE_SETTING
        and text(r.props.get("value")).strip().lower() == "true"
    }


def _covered(scope: Scope, mandated: set[Scope]) -> bool:
    org, project = scope
    return bool({("", ""), (org, ""), (org, project)} & mandated)


def _is_custom_webhook(props: Mapping[str, Any]) -> bool:
    try:
        document = yaml.safe_load(text(props.get("yaml"))) or {}
    except yaml.YAMLError:
        return False
    source = mapping(mapping(mapping(document).get("trigger")).get("source"))
    return text(source.get("type")) == "Webhook" and (
        text(mapping(source.get("spec")).get("type")) == "Custom"
    )
