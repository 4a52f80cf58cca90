"""Callbacks are HTTPS and authenticated by a header that comes from a secret.

A PagerDuty v3 webhook subscription, an incident workflow's "Send a Webhook POST" step and a
custom incident action all call a Harness custom webhook trigger. Harness authenticates those
calls only by the `X-Api-Key` header, so a callback without it (or over plain HTTP) lets anyone
who learns the URL pause or roll back a service. The header's value is a Harness API token: it
must reach PagerDuty as a Pulumi secret, never a literal in state or previews.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from infra.rules.resources import (
    HARNESS_TRIGGERS,
    NO_OPTIONS,
    PD_EXTENSION,
    PD_INCIDENT_WORKFLOW,
    PD_WEBHOOK_SUBSCRIPTION,
    DeclaredOptions,
    items,
    mapping,
    text,
)
from infra.rules.violations import Violation

CALLBACKS_AUTHENTICATED = "callbacks-authenticated"

AUTH_HEADERS = frozenset({"x-api-key", "authorization"})
_AUTH_LINE = re.compile(r"^\s*(x-api-key|authorization)\s*:", re.IGNORECASE | re.MULTILINE)
_HINT_HTTPS = "use the https:// URL the Harness trigger reports (`webhook_url`)"
_HINT_HEADER = (
    "send the Harness API token in an `X-Api-Key` header whose value is a Pulumi secret "
    "(a secret output or `pulumi config set --secret`)"
)


def check_callbacks(
    resource_type: str,
    props: Mapping[str, Any],
    name: str,
    options: DeclaredOptions = NO_OPTIONS,
) -> list[Violation]:
    """Webhook and trigger URLs are HTTPS and carry an authentication header from a secret."""
    checks = {
        PD_WEBHOOK_SUBSCRIPTION: _webhook_subscription,
        PD_INCIDENT_WORKFLOW: _incident_workflow,
        PD_EXTENSION: _extension,
        HARNESS_TRIGGERS: _trigger,
    }
    check = checks.get(resource_type)
    if check is None:
        return []
    return [
        Violation(CALLBACKS_AUTHENTICATED, message, resource=name, hint=hint)
        for message, hint in check(props, name, options)
    ]


def is_https(url: str) -> bool:
    """Whether `url` is an absolute https:// URL with a host."""
    parts = urlsplit(url.strip())
    return parts.scheme.lower() == "https" and bool(parts.hostname)


def _webhook_subscription(
    props: Mapping[str, Any], name: str, options: DeclaredOptions
) -> Iterator[tuple[str, str]]:
    for index, method in enumerate(items(props.get("deliveryMethods"))):
        method = mapping(method)
        url = text(method.get("url"))
        where = f"webhook subscription `{name}`"
        if not is_https(url):
            yield f"{where} delivers to `{url or '(no URL)'}`, which is not HTTPS", _HINT_HTTPS
        headers = items(method.get("customHeaders"))
        found = _auth_header(headers)
        if found is None:
            yield f"{where} sends no `X-Api-Key` or `Authorization` header", _HINT_HEADER
            continue
        header_index, header_name = found
        path = f"deliveryMethods[{index}].customHeaders[{header_index}].value"
        if options.is_secret(path) is False:
            yield (
                f"{where} sends header `{header_name}` as a plain value, not a secret",
                _HINT_HEADER,
            )


def _auth_header(headers: list[Any]) -> tuple[int, str] | None:
    for index, header in enumerate(headers):
        header = mapping(header)
        header_name = text(header.get("name"))
        if header_name.strip().lower() in AUTH_HEADERS and text(header.get("value")).strip():
            return index, header_name
    return None


def _incident_workflow(
    props: Mapping[str, Any], name: str, options: DeclaredOptions
) -> Iterator[tuple[str, str]]:
    for step in items(props.get("steps")):
        step = mapping(step)
        if "webhook" not in text(step.get("action")).lower():
            continue
        inputs = {
            text(mapping(i).get("name")).strip().lower(): text(mapping(i).get("value"))
            for i in items(step.get("inputs"))
        }
        where = f"incident workflow `{name}`, step `{text(step.get('name'))}`"
        url = next((v for k, v in inputs.items() if "url" in k), "")
        if not is_https(url):
            yield f"{where} posts to `{url or '(no URL)'}`, which is not HTTPS", _HINT_HTTPS
        if not any("auth" in k and v.strip() for k, v in inputs.items()):
            yield (
                f"{where} names no authentication headers connection",
                "keep the API key in a Web API connection and pass its id as the step's "
                "Authentication Headers input",
            )
        if any(k == "headers" and _AUTH_LINE.search(v) for k, v in inputs.items()):
            yield (
                f"{where} puts an authentication header in its plain Headers input",
                "move it to the Authentication Headers connection; plain headers are not secret",
            )


def _extension(
    props: Mapping[str, Any], name: str, options: DeclaredOptions
) -> Iterator[tuple[str, str]]:
    url = text(props.get("endpointUrl"))
    where = f"custom incident action `{name}`"
    if not is_https(url):
        yield f"{where} posts to `{url or '(no URL)'}`, which is not HTTPS", _HINT_HTTPS
    if not _extension_has_auth(text(props.get("config"))):
        yield f"{where} sends no `X-Api-Key` or `Authorization` header", _HINT_HEADER


def _extension_has_auth(config: str) -> bool:
    """Whether the extension's JSON config lists an authentication header.

    PagerDuty does not document how custom headers appear in `config`; both a list of
    `{name, value}` and a `{name: value}` mapping under `headers` are accepted.
    """
    try:
        document = json.loads(config) if config.strip() else {}
    except ValueError:
        return False
    headers = mapping(document).get("headers")
    if isinstance(headers, Mapping):
        return any(str(k).lower() in AUTH_HEADERS and v for k, v in headers.items())
    return _auth_header(items(headers)) is not None


def _trigger(
    props: Mapping[str, Any], name: str, options: DeclaredOptions
) -> Iterator[tuple[str, str]]:
    # The URL is normally computed by Harness; an input value overrides what callers are given.
    url = text(props.get("webhookUrl"))
    if url and not is_https(url):
        yield f"Harness trigger `{name}` has webhook URL `{url}`, which is not HTTPS", _HINT_HTTPS
