"""Harness secrets holding each service's PagerDuty routing key.

By default the secret is created inline in the stack's Harness secret manager from the Pulumi
secret output of the service's Events API v2 integration. With `teamcat:harnessVaultConnector`
set, it is a reference into that vault connector instead, and the keys are exported as one
secret stack output for the job that writes them into the vault (docs/handshake.md).
"""

from __future__ import annotations

import pulumi
import pulumi_harness as harness

from infra.core.names import resource_name
from infra.program.options import renamed
from infra.program.pagerduty import PagerDutyService
from infra.program.settings import StackSettings
from infra.program.wiring import ChangeEventWiring

ROUTING_KEYS_OUTPUT = "pagerdutyRoutingKeys"


def declare_routing_key_secrets(
    wirings: list[ChangeEventWiring],
    services: dict[str, PagerDutyService],
    settings: StackSettings,
) -> dict[str, harness.platform.SecretText]:
    """One project-scope secret per service that sends change events."""
    secrets = {w.service: _declare_secret(w, services[w.service], settings) for w in wirings}
    if settings.harness_vault_connector and wirings:
        pulumi.export(
            ROUTING_KEYS_OUTPUT,
            pulumi.Output.secret(
                pulumi.Output.all(**{w.service: services[w.service].routing_key for w in wirings})
            ),
        )
    return secrets


def _declare_secret(
    wiring: ChangeEventWiring,
    service: PagerDutyService,
    settings: StackSettings,
) -> harness.platform.SecretText:
    if settings.harness_vault_connector:
        manager = settings.harness_vault_connector
        value_type = "Reference"
        value: pulumi.Input[str] = settings.harness_vault_path.replace("{service}", wiring.service)
    else:
        manager = settings.harness_secret_manager
        value_type = "Inline"
        value = service.routing_key
    return harness.platform.SecretText(
        resource_name("harness-routing-key", wiring.service),
        identifier=wiring.secret_id,
        name=f"PagerDuty routing key: {wiring.service}",
        description=(
            f"Events API v2 routing key of PagerDuty service {wiring.service}; managed by teamcat"
        ),
        org_id=wiring.org,
        project_id=wiring.project,
        secret_manager_identifier=manager,
        value_type=value_type,
        # The SDK marks `value` secret too; wrapping it here keeps that true on every runtime.
        value=pulumi.Output.secret(value),
        tags=["managed-by:teamcat", f"catalog-service:{wiring.service}"],
        opts=renamed("harness-routing-key", wiring.renamed_from),
    )
