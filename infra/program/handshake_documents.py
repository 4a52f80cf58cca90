"""The documents the handshake hands to vendors: Harness YAML and the button's request body.

Pure: no Pulumi import. Every document names secrets by Harness expression or leaves them to
a header the caller adds; none holds a routing key or an API key, so these strings are safe in
plan output, state and logs.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from infra.program.wiring import ActionWiring, ChangeEventWiring

TEMPLATE_VERSION = "1"
TAGS = {"managed-by": "teamcat"}

# What a deployment's change event says. Harness fills the `<+...>` expressions in at run time.
_CHANGE_SUMMARY = "Deployed <+service.name> to <+env.name> (<+pipeline.name>)"
_CHANGE_DETAILS = {
    "service": "<+service.identifier>",
    "pipeline": "<+pipeline.identifier>",
    "environment": "<+env.identifier>",
    "artifact": "<+artifacts.primary.image>:<+artifacts.primary.tag>",
    "execution": "<+pipeline.executionId>",
}
_ROUTING_KEY_SLOT = "@routing-key@"


def change_event_body(wiring: ChangeEventWiring) -> str:
    """The Events API v2 change event, with the routing key read from the Harness secret.

    Built as text rather than `json.dumps` of the final value: the secret expression holds
    double quotes that must reach Harness verbatim, and Harness replaces the whole expression
    with the key before the body is sent, which leaves valid JSON.
    """
    body = {
        "routing_key": _ROUTING_KEY_SLOT,
        "payload": {
            "summary": _CHANGE_SUMMARY,
            "source": "harness",
            "custom_details": {**_CHANGE_DETAILS, "catalog_service": wiring.service},
        },
        "links": [{"href": "<+pipeline.execution.url>", "text": "Harness execution"}],
    }
    return json.dumps(body, indent=2).replace(_ROUTING_KEY_SLOT, wiring.secret_expression)


def step_template_yaml(wiring: ChangeEventWiring, events_url: str) -> str:
    """A reusable Step template: an Http step that posts the change event to PagerDuty.

    The routing key goes in the body: Harness refuses secret expressions in an Http step's URL.
    """
    document = {
        "template": {
            "name": f"PagerDuty change event: {wiring.service}",
            "identifier": wiring.template_id,
            "versionLabel": TEMPLATE_VERSION,
            "type": "Step",
            "projectIdentifier": wiring.project,
            "orgIdentifier": wiring.org,
            "tags": {**TAGS, "catalog-service": wiring.service},
            "spec": {
                "type": "Http",
                "timeout": "30s",
                "spec": {
                    "url": f"{events_url}/v2/change/enqueue",
                    "method": "POST",
                    "headers": [{"key": "Content-Type", "value": "application/json"}],
                    "requestBody": change_event_body(wiring),
                    "assertion": "<+httpResponseCode> == 202",
                    "inputVariables": [],
                    "outputVariables": [],
                },
            },
        }
    }
    return dump_yaml(document)


def trigger_yaml(wiring: ActionWiring) -> str:
    """A Custom webhook trigger that runs the action's pipeline when called."""
    document = {
        "trigger": {
            "name": f"PagerDuty {wiring.action}: {wiring.service}",
            "identifier": wiring.trigger_id,
            "enabled": True,
            "description": (
                f"Started from PagerDuty incidents of {wiring.service} "
                f"({_mode_words(wiring)}); managed by teamcat"
            ),
            "tags": {**TAGS, "catalog-service": wiring.service},
            "orgIdentifier": wiring.org,
            "projectIdentifier": wiring.project,
            "pipelineIdentifier": wiring.pipeline,
            "source": {
                "type": "Webhook",
                "spec": {
                    "type": "Custom",
                    "spec": {"payloadConditions": [], "headerConditions": []},
                },
            },
            "inputYaml": dump_yaml({"pipeline": {"identifier": wiring.pipeline}}),
        }
    }
    return dump_yaml(document)


def button_request_body(wiring: ActionWiring) -> str:
    """What the incident workflow posts to the trigger when a responder clicks the action.

    It mirrors the envelope of a v3 webhook (`event.data` is the incident), so a pipeline reads
    `<+trigger.payload.event.data.id>` the same way whichever mode started it.
    """
    body = {
        "event": {
            "event_type": f"incident.workflow.{wiring.action}",
            "resource_type": "incident",
            "data": {
                "id": "{{incident.id}}",
                "title": "{{incident.title}}",
                "html_url": "{{incident.html_url}}",
            },
        },
        "teamcat": {"service": wiring.service, "action": wiring.action},
    }
    return json.dumps(body, indent=2)


def _mode_words(wiring: ActionWiring) -> str:
    if wiring.mode == "automatic":
        return "automatically on " + ", ".join(wiring.events)
    return "a responder's click"


def _block_strings(dumper: yaml.representer.SafeRepresenter, value: str) -> yaml.ScalarNode:
    """Multi-line strings (request bodies, input YAML) as readable `|` blocks."""
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _with_block_strings(base: type[Any]) -> type[Any]:
    dumper: type[Any] = type(f"Block{base.__name__}", (base,), {})
    dumper.add_representer(str, _block_strings)
    return dumper


# libyaml's emitter writes the same bytes as PyYAML's own (a test compares them), six times
# faster on the handshake's documents; PyYAML built without libyaml has no CSafeDumper.
PURE_DUMPER = _with_block_strings(yaml.SafeDumper)
FAST_DUMPER = _with_block_strings(getattr(yaml, "CSafeDumper", yaml.SafeDumper))


def dump_yaml(document: object, dumper: type[Any] = FAST_DUMPER) -> str:
    """A document as the block-style YAML Harness reads, keys in the order given."""
    text: str = yaml.dump(
        document, Dumper=dumper, sort_keys=False, default_flow_style=False, width=100
    )
    return text
