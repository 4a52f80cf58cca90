"""Credential-like literals in a catalog: PagerDuty, Harness and Okta keys pasted as plain text.

The catalog lives in git and is read in CI logs and pull requests, so a key written into it is
leaked the moment it is pushed. The loader scans every string of the raw document (mapping
keys too, before the model sees it) and reports each credential-shaped one as an error at the
node that holds it. Findings never repeat the value: they name where it is and what it looks
like, and the hint says where such a credential belongs instead.

Each kind is recognised by its shape, not by the field it sits in, so ordinary values (catalog
keys, names, e-mail addresses, Harness identifiers, Okta app ids) never match: the patterns
need a vendor prefix or a length and alphabet that these values do not have, and the
20-character PagerDuty REST key must also look random (mixed case in short runs).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from infra.catalog.findings import Finding, sort_findings
from infra.catalog.yamlsource import PathKey, SourceMap

CODE = "credential-literal"

# Characters a credential of any of the kinds below is made of; anything else separates them.
_PIECE = re.compile(r"[A-Za-z0-9_+\-.]+")
_RUN = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


@dataclass(frozen=True)
class _Kind:
    label: str
    pattern: re.Pattern[str]
    remedy: str
    looks_random: Callable[[str], bool] = lambda _: True


def _random_rest_key(text: str) -> bool:
    """A PagerDuty REST key is 20 random characters; identifiers are words, keys are not."""
    if text.startswith("u+"):
        return True  # user API tokens carry this prefix
    if not (any(c.isupper() for c in text) and any(c.islower() for c in text)):
        return False
    runs = [len(run) for run in _RUN.findall(text)]
    return len(runs) >= 5 and sum(runs) / len(runs) <= 3


def _mixed_key(text: str) -> bool:
    return any(c.isdigit() for c in text) and any(c.isalpha() for c in text)


_PAGERDUTY_TOKEN = (
    "provider credentials come from `pulumi config set --secret pagerduty:token` or the "
    "PAGERDUTY_TOKEN environment variable"
)
_KINDS = (
    _Kind(
        "a Harness API token",
        re.compile(r"(?:pat|sat)\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9]{8,}\.[A-Za-z0-9]{8,}"),
        "provider credentials come from `pulumi config set --secret harness:platformApiKey` "
        "or the HARNESS_PLATFORM_API_KEY environment variable",
    ),
    _Kind(
        "an Okta API token",
        re.compile(r"00[A-Za-z0-9_-]{40}"),
        "provider credentials come from `pulumi config set --secret okta:apiToken` or the "
        "OKTA_API_TOKEN environment variable",
    ),
    _Kind(
        "a PagerDuty routing key",
        re.compile(r"[a-z0-9]{32}|R0[A-Z0-9]{30}"),
        "teamcat creates each service's Events API v2 integration and keeps its routing key in "
        "a Harness secret; the catalog never names a key",
        _mixed_key,
    ),
    _Kind(
        "a PagerDuty REST API key",
        re.compile(r"[A-Za-z0-9_+-]{20}"),
        _PAGERDUTY_TOKEN,
        _random_rest_key,
    ),
)


def check_credentials(findings: list[Finding], data: Any, source: SourceMap) -> list[Finding]:
    """`findings` plus one for each credential in `data`, with no credential left in any text.

    Other checks quote what they found (an unknown field's name, say), which would print a key
    pasted in the wrong place; such quotes are replaced by `<credential>`.
    """
    leaked = find_credentials(data, source)
    if not leaked:
        return findings
    secrets = sorted(
        {piece for _, text, _ in _strings(data, ()) for piece in _credential_pieces(text)},
        key=len,
        reverse=True,
    )
    return sort_findings([*(_scrubbed(f, secrets) for f in findings), *leaked])


def find_credentials(data: Any, source: SourceMap) -> list[Finding]:
    """A finding for every string in `data`, mapping keys included, that looks like a key."""
    findings = []
    for path, text, is_key in _strings(data, ()):
        for kind in _kinds_in(text):
            where = _describe(path[:-1] if is_key else path, data)
            what = "a mapping key in" if is_key else "the value of"
            findings.append(
                Finding(
                    CODE,
                    f"{what} `{where}` looks like {kind.label}; credentials never belong in the "
                    "catalog",
                    source.at(path, key=is_key),
                    f"remove it and rotate it (it is in the file's history): {kind.remedy}",
                )
            )
    return findings


def _scrubbed(finding: Finding, secrets: list[str]) -> Finding:
    message, hint = finding.message, finding.hint
    for secret in secrets:
        message = message.replace(secret, "<credential>")
        hint = hint.replace(secret, "<credential>") if hint else hint
    return replace(finding, message=message, hint=hint)


def _strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str, bool]]:
    if isinstance(node, str):
        yield path, node, False
    elif isinstance(node, dict):
        for key, value in node.items():
            yield (*path, key), str(key), True
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _strings(item, (*path, index))


def _kinds_in(text: str) -> list[_Kind]:
    found: list[_Kind] = []
    for _, kinds in _credentials_in(text):
        found.extend(kind for kind in kinds if kind not in found)
    return found


def _credential_pieces(text: str) -> list[str]:
    return [piece for piece, _ in _credentials_in(text)]


def _credentials_in(text: str) -> Iterator[tuple[str, list[_Kind]]]:
    """Each credential-shaped piece of `text`, with the kinds it looks like."""
    for piece in _PIECE.findall(text):
        kinds = _matching(piece)
        if kinds:
            yield piece, kinds
        elif "." in piece:
            # Only a Harness token holds dots; a sentence's full stop must not hide a key.
            for part in piece.split("."):
                if part_kinds := _matching(part):
                    yield part, part_kinds


def _matching(candidate: str) -> list[_Kind]:
    return [
        kind
        for kind in _KINDS
        if kind.pattern.fullmatch(candidate) and kind.looks_random(candidate)
    ]


def _describe(path: PathKey, data: Any) -> str:
    """A readable path such as `services[checkout-api].description`, entries named by key."""
    text = ""
    node = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            text += f"[{_entry_name(node) or part}]"
            continue
        node = node.get(part) if isinstance(node, dict) else None
        name = "<credential>" if _kinds_in(part) else part  # a key pasted as a field name
        text += f".{name}" if text else name
    return text or "the catalog"


def _entry_name(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for field_name in ("key", "email", "name"):
        value = item.get(field_name)
        if isinstance(value, str) and value and len(value) <= 60 and not _kinds_in(value):
            return value
    return None
