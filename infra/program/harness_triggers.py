"""Incident -> Harness on the Harness side: a custom webhook trigger per incident action.

Every project with such a trigger also gets the setting that makes Harness refuse a call to a
custom trigger without an API key (`mandate_custom_webhook_authorization`). It is set per
project, not for the whole account, so triggers teamcat does not manage keep working as before.
"""

from __future__ import annotations

import pulumi
import pulumi_harness as harness

from infra.core.names import resource_name
from infra.program.handshake_documents import trigger_yaml
from infra.program.options import renamed
from infra.program.wiring import ActionWiring

MANDATE_AUTHORIZATION = "mandate_custom_webhook_authorization"


def declare_triggers(actions: list[ActionWiring]) -> dict[ActionWiring, pulumi.Output[str]]:
    """Each action's trigger; answers the URL to call it at, as a Pulumi secret."""
    settings = {
        (org, project): _mandate_api_key(org, project)
        for org, project in sorted({(a.org, a.project) for a in actions})
    }
    urls: dict[ActionWiring, pulumi.Output[str]] = {}
    for action in actions:
        trigger = harness.platform.Triggers(
            resource_name("harness-trigger", action.service, action.action),
            identifier=action.trigger_id,
            name=f"PagerDuty {action.action}: {action.service}",
            org_id=action.org,
            project_id=action.project,
            target_id=action.pipeline,
            yaml=trigger_yaml(action),
            tags=["managed-by:teamcat", f"catalog-service:{action.service}"],
            opts=pulumi.ResourceOptions.merge(
                renamed("harness-trigger", action.renamed_from, action.action),
                pulumi.ResourceOptions(
                    # The URL carries the trigger's own token, so it is handled like a key.
                    additional_secret_outputs=["webhook_url"],
                    depends_on=[settings[(action.org, action.project)]],
                ),
            ),
        )
        url: pulumi.Output[str] = pulumi.Output.secret(trigger.webhook_url)
        urls[action] = url
    return urls


def _mandate_api_key(org: str, project: str) -> harness.platform.Setting:
    return harness.platform.Setting(
        resource_name("harness-trigger-auth", org, project),
        identifier=MANDATE_AUTHORIZATION,
        org_id=org,
        project_id=project,
        value="true",
    )
