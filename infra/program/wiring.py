"""What the handshake wires for each service, as plain data: names, identifiers and markers.

Pure: no Pulumi import. The program declares resources from these records and `teamcat
doctor` finds the same resources at the vendors by the same identifiers, so the two can never
disagree about a name. Vendor identifiers derive from a service's oldest key (its identity),
so a key rename through `renamed_from` replaces nothing; display strings use the current key,
never the service's `name`, so renaming a service's display name changes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass

from infra.core.names import harness_identifier
from infra.core.state import ActionState, DesiredState, ServiceState

EVENTS_HOSTS = {"us": "https://events.pagerduty.com", "eu": "https://events.eu.pagerduty.com"}
TRIGGER_API_KEY_HEADER = "X-Api-Key"


@dataclass(frozen=True)
class ChangeEventWiring:
    """Deploy -> PagerDuty for one service: its routing key secret, step template and rule."""

    service: str
    renamed_from: tuple[str, ...]
    org: str
    project: str
    deploy_pipeline: str | None
    secret_id: str
    template_id: str
    channel_id: str
    rule_id: str

    @property
    def secret_expression(self) -> str:
        """How Harness YAML reads the routing key: the project-scope secret, never its value."""
        return f'<+secrets.getValue("{self.secret_id}")>'


@dataclass(frozen=True)
class ActionWiring:
    """Incident -> Harness for one incident action: a custom trigger and its PagerDuty caller."""

    service: str
    renamed_from: tuple[str, ...]
    owner: str
    policy_team: str
    action: str
    mode: str
    events: tuple[str, ...]
    org: str
    project: str
    pipeline: str
    trigger_id: str
    description: str


def service_identity(service: ServiceState) -> str:
    """The key vendor identifiers derive from: the oldest key, so renames replace nothing."""
    return service.renamed_from[0] if service.renamed_from else service.key


def change_event_wirings(state: DesiredState) -> list[ChangeEventWiring]:
    """One record per service that sends change events and deploys through Harness."""
    wirings = []
    for service in state.services.values():
        if not service.change_events or service.harness is None:
            continue
        ident = harness_identifier(service_identity(service))
        wirings.append(
            ChangeEventWiring(
                service=service.key,
                renamed_from=service.renamed_from,
                org=service.harness.org,
                project=service.harness.project,
                deploy_pipeline=service.harness.deploy_pipeline,
                secret_id=f"pd_routing_key_{ident}",
                template_id=f"pd_change_event_{ident}",
                channel_id=f"pd_{ident}",
                rule_id=f"deploy_failed_{ident}",
            )
        )
    return wirings


def action_wirings(state: DesiredState, stack: str) -> list[ActionWiring]:
    """One record per incident action of every service bound to Harness."""
    wirings = []
    for service in state.services.values():
        if service.harness is None:
            continue
        for action in service.actions:
            wirings.append(_action(service, action, stack))
    return wirings


def subscription_description(stack: str, service: str, action: str, pipeline: str) -> str:
    """The description a v3 webhook subscription carries; doctor finds the subscription by it."""
    return f"teamcat/{stack}: {action} {service} through Harness pipeline {pipeline}"


def stack_identifier(stack: str) -> str:
    """A stack name as a Harness identifier fragment."""
    return harness_identifier(stack).replace(".", "_")


def _action(service: ServiceState, action: ActionState, stack: str) -> ActionWiring:
    assert service.harness is not None
    ident = harness_identifier(service_identity(service))
    return ActionWiring(
        service=service.key,
        renamed_from=service.renamed_from,
        owner=service.owner,
        policy_team=service.policy_team,
        action=action.action,
        mode=action.mode,
        events=action.events,
        org=service.harness.org,
        project=service.harness.project,
        pipeline=action.pipeline,
        trigger_id=f"pagerduty_{action.action}_{ident}",
        description=subscription_description(stack, service.key, action.action, action.pipeline),
    )
