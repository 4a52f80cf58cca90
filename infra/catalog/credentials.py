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

from infra.catalog.fields import has_control_character
from infra.catalog.findings import Finding, Position, sort_findings
from infra.catalog.yamlsource import PathKey, SourceMap

CODE = "credential-literal"

# Characters a credential of any of the kinds below is made of; anything else separates them.
_PIECE = re.compile(r"[A-Za-z0-9_+\-.]+")
_SEPARATOR = re.compile(r"[-_.]")
_REDACTED = "<credential>"
# Quoted text this long that is part of a credential is taken to be a cut-off copy of it.
_MIN_QUOTED = 8
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


def check_credentials(
    findings: list[Finding], data: Any, source: SourceMap, text: str = ""
) -> list[Finding]:
    """`findings` plus one for each credential in `data` or `text`, with none left in any text.

    Other checks quote what they found (an unknown field's name, say), which would print a key
    pasted in the wrong place; such quotes are replaced by `<credential>`. `text` is the raw
    document: credentials in comments, tags and anchor names are found there.
    """
    leaked = find_credentials(data, source)
    in_values = {piece for _, value, _ in _strings(data, ()) for piece in _credential_pieces(value)}
    elsewhere = [
        (piece, offset) for piece, offset in _raw_credentials(text) if piece not in in_values
    ]
    leaked += [_raw_finding(text, source.file, piece, offset) for piece, offset in elsewhere]
    if not leaked:
        return findings
    secrets = in_values | {piece for piece, _ in elsewhere}
    return sort_findings([*scrub(findings, secrets), *leaked])


def check_raw_credentials(findings: list[Finding], text: str, file: str) -> list[Finding]:
    """`findings` of a document that is not valid YAML, scrubbed, plus one per credential.

    Such findings quote the document (a duplicate key, a value that does not fit its tag) before
    any value could be checked, so the raw text is searched instead.
    """
    found = list(_raw_credentials(text))
    if not found:
        return findings
    leaked = [_raw_finding(text, file, piece, offset) for piece, offset in found]
    return sort_findings([*scrub(findings, {piece for piece, _ in found}), *leaked])


def scrub(findings: list[Finding], secrets: set[str]) -> list[Finding]:
    """`findings` with every quote of a secret, even cut short or re-cased, made `<credential>`."""
    lowered = sorted({secret.lower() for secret in secrets}, key=len, reverse=True)
    return [
        replace(
            finding,
            message=_scrub_text(finding.message, lowered),
            hint=_scrub_text(finding.hint, lowered) if finding.hint else finding.hint,
        )
        for finding in findings
    ]


def _scrub_text(text: str, secrets: list[str]) -> str:
    def redact(match: re.Match[str]) -> str:
        piece = match.group(0)
        lowered = piece.lower()
        for secret in secrets:
            if secret in lowered:
                # Case-insensitive replacement keeps whatever surrounds the secret.
                return re.sub(re.escape(secret), _REDACTED, piece, flags=re.IGNORECASE)
            if len(piece) >= _MIN_QUOTED and lowered in secret:
                return _REDACTED  # a message that cut the value short still quotes part of it
        return piece

    return _PIECE.sub(redact, text)


def find_credentials(data: Any, source: SourceMap) -> list[Finding]:
    """A finding for every string in `data`, mapping keys included, that looks like a key."""
    findings = []
    for path, text, is_key in _strings(data, ()):
        for kind in _kinds_in(text):
            where = describe_path(path[:-1] if is_key else path, data)
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


def _raw_credentials(text: str) -> Iterator[tuple[str, int]]:
    """Each credential-shaped piece of the raw document, with its offset in `text`."""
    for match in _PIECE.finditer(text):
        for piece in _credential_pieces(match.group(0)):
            yield piece, match.start() + match.group(0).index(piece)


def _raw_finding(text: str, file: str, piece: str, offset: int) -> Finding:
    """A credential found in the raw text: a comment, a tag, an anchor, or unparsed YAML."""
    kind = _matching(piece)[0]
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Finding(
        CODE,
        f"text here looks like {kind.label} (in a comment, tag or anchor name, or in YAML "
        "that could not be read); credentials never belong in the catalog",
        Position(file, line, col),
        f"remove it and rotate it (it is in the file's history): {kind.remedy}",
    )


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
            continue
        # A key glued behind a prefix (`pd-<key>`, `okta_00…`): try what follows each
        # separator. Only a Harness token holds dots, so a sentence's full stop must not hide a
        # key either: the part before each dot is tried too.
        found: list[str] = []
        for candidate in _glued_candidates(piece):
            if not any(candidate in known for known in found) and (kinds := _matching(candidate)):
                found.append(candidate)
                yield candidate, kinds


def _glued_candidates(piece: str) -> Iterator[str]:
    for separator in _SEPARATOR.finditer(piece):
        yield piece[separator.end() :]
    yield from piece.split(".")[:-1]


def _matching(candidate: str) -> list[_Kind]:
    return [
        kind
        for kind in _KINDS
        if kind.pattern.fullmatch(candidate) and kind.looks_random(candidate)
    ]


def describe_path(path: PathKey, data: Any) -> str:
    """A readable path such as `teams[payments].members[2].role`, entries named by their key.

    Names that look like credentials or hold control characters are never shown.
    """
    text = ""
    node = data
    for part in path:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            text += f"[{_entry_name(node) or part}]"
            continue
        node = node.get(part) if isinstance(node, dict) else None
        name = _REDACTED if _kinds_in(part) else part  # a key pasted as a field name
        text += f".{name}" if text else name
    return text or "the catalog"


def _entry_name(item: Any) -> str | None:
    if not isinstance(item, dict):
        return None
    for field_name in ("key", "email", "name"):
        value = item.get(field_name)
        if (
            isinstance(value, str)
            and value
            and len(value) <= 60
            and not _kinds_in(value)
            and not has_control_character(value)
        ):
            return value
    return None
