"""Incident -> Harness on the PagerDuty side: what calls each incident action's trigger.

- A **button** action is an incident workflow with a *manual* trigger on the service, whose one
  step is PagerDuty's "Send a Webhook POST" action. Incident workflows are PagerDuty's current
  mechanism for responder-started automation (Response Plays ended in 2024, and Custom Incident
  Actions are an extension-era feature whose custom headers have no documented API form, so
  the key could not be declared for them). A manual trigger can be restricted to the team
  that is paged for the service, and the workflow keeps the API key in a Web API connection's
  authentication headers, outside the step.
- An **automatic** action is a v3 webhook subscription filtered to the service and the
  catalog's incident events. The API key travels in its `X-Api-Key` custom header, set from the
  Pulumi secret; PagerDuty redacts header values on read, so a changed key would never show as
  a diff (PagerDuty/terraform-provider-pagerduty#923): the key is the subscription's
  replacement trigger, and a new key replaces the subscription.
"""

from __future__ import annotations

import pulumi
import pulumi_pagerduty as pagerduty

from infra.core.names import resource_name
from infra.program.handshake_documents import button_request_body
from infra.program.options import renamed
from infra.program.pagerduty import PagerDutyDeclared
from infra.program.settings import StackSettings
from infra.program.wiring import TRIGGER_API_KEY_HEADER, ActionWiring

# The inputs of the "Send a Webhook POST" action, as PagerDuty's action page names them.
# TODO(when `GET /incident_workflows/actions` has been read for the account): confirm the input
# names and how the Web API connection is referenced (handshake-facts open question 5).
URL_INPUT = "URL"
CONNECTION_INPUT = "Authentication Headers"
HEADERS_INPUT = "Headers"
BODY_INPUT = "Body"


def declare_button(
    action: ActionWiring,
    url: pulumi.Output[str],
    pagerduty_declared: PagerDutyDeclared,
    settings: StackSettings,
) -> pagerduty.IncidentWorkflowTrigger:
    """An incident workflow that posts to the trigger, started by hand on the service."""
    assert settings.pagerduty_webhook_action and settings.pagerduty_webhook_connection
    team = _paging_team(action, pagerduty_declared)
    workflow = pagerduty.IncidentWorkflow(
        resource_name("pd-workflow", action.service, action.action),
        name=f"{action.service}: {action.action} in Harness",
        description=(
            f"Runs Harness pipeline {action.pipeline} ({action.org}/{action.project}) for this "
            "incident; managed by teamcat"
        ),
        team=team.id,
        steps=[
            pagerduty.IncidentWorkflowStepArgs(
                name=f"Start {action.pipeline}",
                action=settings.pagerduty_webhook_action,
                inputs=[
                    pagerduty.IncidentWorkflowStepInputArgs(name=URL_INPUT, value=url),
                    pagerduty.IncidentWorkflowStepInputArgs(
                        name=CONNECTION_INPUT, value=settings.pagerduty_webhook_connection
                    ),
                    pagerduty.IncidentWorkflowStepInputArgs(
                        name=HEADERS_INPUT, value="Content-Type: application/json"
                    ),
                    pagerduty.IncidentWorkflowStepInputArgs(
                        name=BODY_INPUT, value=button_request_body(action)
                    ),
                ],
            )
        ],
        opts=renamed("pd-workflow", action.renamed_from, action.action),
    )
    return pagerduty.IncidentWorkflowTrigger(
        resource_name("pd-workflow-trigger", action.service, action.action),
        type="manual",
        workflow=workflow.id,
        services=[pagerduty_declared.services[action.service].service.id],
        subscribed_to_all_services=False,
        # Only the team that is paged for the service may start it.
        permissions=pagerduty.IncidentWorkflowTriggerPermissionsArgs(
            restricted=True, team_id=team.id
        ),
        opts=renamed("pd-workflow-trigger", action.renamed_from, action.action),
    )


def _paging_team(action: ActionWiring, pagerduty_declared: PagerDutyDeclared) -> pagerduty.Team:
    """The team whose escalation policy pages for the service, or else the owning team.

    In a sliced organisation (docs/sharding.md) the paging team may be declared by another
    stack; a service always lives in its owner's stack.
    """
    declared = pagerduty_declared.teams.get(action.policy_team)
    return (declared or pagerduty_declared.teams[action.owner]).team


def declare_automatic(
    action: ActionWiring,
    url: pulumi.Output[str],
    api_key: pulumi.Output[str],
    pagerduty_declared: PagerDutyDeclared,
) -> pagerduty.WebhookSubscription:
    """A v3 webhook subscription on the service's incident events that posts to the trigger."""
    return pagerduty.WebhookSubscription(
        resource_name("pd-webhook", action.service, action.action),
        type="webhook_subscription",
        active=True,
        description=action.description,
        events=list(action.events),
        filters=[
            pagerduty.WebhookSubscriptionFilterArgs(
                type="service_reference",
                id=pagerduty_declared.services[action.service].service.id,
            )
        ],
        delivery_methods=[
            pagerduty.WebhookSubscriptionDeliveryMethodArgs(
                type="http_delivery_method",
                url=url,
                custom_headers=[
                    pagerduty.WebhookSubscriptionDeliveryMethodCustomHeaderArgs(
                        name=TRIGGER_API_KEY_HEADER, value=api_key
                    )
                ],
            )
        ],
        opts=pulumi.ResourceOptions.merge(
            renamed("pd-webhook", action.renamed_from, action.action),
            pulumi.ResourceOptions(
                # The signing secret, the URL and the header all come back in this output.
                additional_secret_outputs=["delivery_methods"],
                replacement_trigger=api_key,
            ),
        ),
    )
