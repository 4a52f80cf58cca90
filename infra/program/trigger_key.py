"""The Harness API key PagerDuty presents to the custom webhook triggers.

A service account of the stack holds an API key and one token; the token's value is the key
PagerDuty sends in the `X-Api-Key` header. It exists only as a Pulumi secret output (and the
stack output `harnessTriggerApiKey`, for the PagerDuty Web API connection the incident
workflows use). The service account may run pipelines only in the projects that have triggers.

Rotation: raise `teamcat:triggerKeyGeneration`. The token's logical name carries the
generation, so `pulumi up` creates the new token, replaces every webhook subscription that
sends it, then deletes the old token.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_harness as harness

from infra.core.names import resource_name
from infra.program.settings import StackSettings
from infra.program.wiring import ActionWiring, stack_identifier

API_KEY_OUTPUT = "harnessTriggerApiKey"
PROJECT_RESOURCES = "_all_project_level_resources"
EXECUTOR_ROLE = "_pipeline_executor"


@dataclass(frozen=True)
class TriggerKey:
    """The key as a Pulumi secret, and the token it comes from (for dependencies)."""

    value: pulumi.Output[str]
    token: harness.platform.Token


def declare_trigger_key(
    actions: list[ActionWiring], settings: StackSettings, account_id: str
) -> TriggerKey:
    """The service account, its API key and token, and its executor role in each project."""
    ident = f"teamcat_pagerduty_{stack_identifier(pulumi.get_stack())}"
    account = harness.platform.ServiceAccount(
        resource_name("harness-trigger-account"),
        identifier=ident,
        name=f"teamcat PagerDuty callbacks ({pulumi.get_stack()})",
        email=f"{ident}@service.harness.io",
        account_id=account_id,
        description="PagerDuty starts incident-action pipelines as this account (teamcat)",
        tags=["managed-by:teamcat"],
    )
    api_key = harness.PlatformApiKey(
        resource_name("harness-trigger-apikey"),
        identifier=ident,
        name=f"teamcat PagerDuty callbacks ({pulumi.get_stack()})",
        account_id=account_id,
        apikey_type="SERVICE_ACCOUNT",
        parent_id=account.identifier,
    )
    generation = settings.trigger_key_generation
    token = harness.platform.Token(
        resource_name("harness-trigger-token", generation),
        identifier=f"{ident}_{generation}",
        name=f"PagerDuty callbacks, generation {generation}",
        account_id=account_id,
        apikey_id=api_key.identifier,
        apikey_type="SERVICE_ACCOUNT",
        parent_id=account.identifier,
    )
    for org, project in sorted({(a.org, a.project) for a in actions}):
        _grant_executor(account, org, project)
    # The SDK flags `value` secret, but only a real engine applies that flag; wrap it so the
    # key stays secret on every runtime, the mock one included.
    value: pulumi.Output[str] = pulumi.Output.secret(token.value)
    pulumi.export(API_KEY_OUTPUT, value)
    return TriggerKey(value, token)


def _grant_executor(account: harness.platform.ServiceAccount, org: str, project: str) -> None:
    harness.platform.RoleAssignments(
        resource_name("harness-trigger-role", org, project),
        identifier=f"teamcat_pagerduty_{stack_identifier(pulumi.get_stack())}_executor",
        org_id=org,
        project_id=project,
        resource_group_identifier=PROJECT_RESOURCES,
        role_identifier=EXECUTOR_ROLE,
        principals=[
            harness.platform.RoleAssignmentsPrincipalArgs(
                identifier=account.identifier, type="SERVICE_ACCOUNT", scope_level="account"
            )
        ],
    )
