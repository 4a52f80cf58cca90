"""No Harness secret carries an inline literal value that is not a Pulumi secret.

An `Inline` Harness text secret stores its value in Harness's secret manager, so the value
passes through Pulumi: it must be a Pulumi secret, or it sits in plain text in state and
previews. A `Reference` secret holds only a path into a vault. Pipelines and templates must
read keys with `<+secrets.getValue("...")>`, never hold them as literals in their YAML.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import yaml

from infra.rules.callbacks import AUTH_HEADERS
from infra.rules.resources import (
    HARNESS_NOTIFICATION_CHANNEL,
    HARNESS_PIPELINE,
    HARNESS_SECRET_TEXT,
    HARNESS_TEMPLATE,
    HARNESS_TRIGGERS,
    NO_OPTIONS,
    DeclaredOptions,
    items,
    mapping,
    text,
)
from infra.rules.violations import Violation

HARNESS_SECRETS = "harness-secrets-encrypted"

# YAML fields that hold a credential: PagerDuty routing keys and API keys.
CREDENTIAL_FIELDS = frozenset({"integrationKey", "routingKey", "routing_key", "apiKey"})
_YAML_INPUTS = {
    HARNESS_PIPELINE: "yaml",
    HARNESS_TEMPLATE: "templateYaml",
    HARNESS_TRIGGERS: "yaml",
}
_JSON_CREDENTIAL = re.compile(r'"(routing_key|routingKey|integrationKey)"\s*:\s*"([^"]*)"')
_HINT_INLINE = (
    "pass a Pulumi secret (a secret output or `pulumi config secret`), or use "
    "`value_type: Reference` with a path into the vault"
)
_HINT_YAML = 'store the key as a Harness secret and write `<+secrets.getValue("<id>")>`'


def check_harness_secrets(
    resource_type: str,
    props: Mapping[str, Any],
    name: str,
    options: DeclaredOptions = NO_OPTIONS,
) -> list[Violation]:
    """Inline Harness text secrets are Pulumi secrets; Harness YAML holds no literal key."""
    if resource_type == HARNESS_SECRET_TEXT:
        found = list(_secret_text(props, name, options))
    elif resource_type == HARNESS_NOTIFICATION_CHANNEL:
        found = list(_channel(props, name, options))
    elif resource_type in _YAML_INPUTS:
        document = text(props.get(_YAML_INPUTS[resource_type]))
        found = [
            (f"`{name}` holds a literal {field} in its YAML", _HINT_YAML)
            for field in _literal_credentials(document)
        ]
    else:
        return []
    return [
        Violation(HARNESS_SECRETS, message, resource=name, hint=hint) for message, hint in found
    ]


def is_harness_expression(value: str) -> bool:
    """Whether `value` is resolved by Harness at run time (`<+...>`) rather than a literal."""
    return value.strip().startswith("<+")


def _secret_text(
    props: Mapping[str, Any], name: str, options: DeclaredOptions
) -> Iterator[tuple[str, str]]:
    value_type = text(props.get("valueType"))
    if value_type != "Inline":
        return
    # The SDK marks `value` as a secret output; a registration without it would store the
    # value in plain text. Whether the input itself is secret is known outside CrossGuard only.
    kept_secret = "value" in options.additional_secret_outputs
    if not kept_secret or options.is_secret("value") is False:
        yield (
            f"Harness secret `{name}` carries an inline value that is not a Pulumi secret",
            (_HINT_INLINE),
        )


def _channel(
    props: Mapping[str, Any], name: str, options: DeclaredOptions
) -> Iterator[tuple[str, str]]:
    """A notification channel's PagerDuty keys and API key: expressions or Pulumi secrets."""
    channel = mapping(props.get("channel"))
    values = [
        (f"channel.pagerDutyIntegrationKeys[{index}]", key)
        for index, key in enumerate(items(channel.get("pagerDutyIntegrationKeys")))
    ]
    values.append(("channel.apiKey", channel.get("apiKey")))
    for path, value in values:
        if _literal(value) and options.is_secret(path) is False:
            field = path.split(".")[-1]
            yield (
                f"notification channel `{name}` holds a literal `{field}` in plain text",
                _HINT_YAML,
            )


def _literal_credentials(document: str) -> list[str]:
    """Names of credential fields in Harness YAML whose value is a literal."""
    if not document.strip():
        return []
    try:
        data = yaml.safe_load(document)
    except yaml.YAMLError:
        data = document  # scan the raw text below instead
    return sorted(set(_walk(data)))


def _walk(node: Any) -> Iterator[str]:
    if isinstance(node, Mapping):
        header = text(node.get("key")) or text(node.get("name"))
        if header.lower() in AUTH_HEADERS and _literal(node.get("value")):
            yield f"`{header}` header"
        for key, value in node.items():
            if key in CREDENTIAL_FIELDS and _literal(value):
                yield f"`{key}`"
            else:
                yield from _walk(value)
    elif isinstance(node, str):
        for match in _JSON_CREDENTIAL.finditer(node):
            if _literal(match.group(2)):
                yield f"`{match.group(1)}`"
    else:
        for element in items(node):
            yield from _walk(element)


def _literal(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not is_harness_expression(value)
