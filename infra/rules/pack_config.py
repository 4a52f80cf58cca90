"""Checks on a policy pack config: policy names, enforcement levels and config properties.

`pulumi preview --policy-pack-config` checks the file against each policy's config schema
before any policy runs. `teamcat policy` does the same from the rules' own `config` schemas, so
a misspelt policy or property fails loudly instead of leaving a policy at its default.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from typing import Any

from infra.rules.registry import RULES
from infra.rules.violations import LEVELS

ALL = "all"
LEVEL = "enforcementLevel"

# The JSON Schema types the rules' config properties use, and the words for them.
_TYPES: dict[str, tuple[str, tuple[type, ...]]] = {
    "string": ("a string", (str,)),
    "array": ("a list", (list,)),
    "object": ("an object", (dict,)),
    "boolean": ("true or false", (bool,)),
    "integer": ("a whole number", (int,)),
    "number": ("a number", (int, float)),
}


def check_pack_config(document: Any) -> list[str]:
    """Every problem of a parsed pack config, in plain words; empty when the pack can use it."""
    if not isinstance(document, dict):
        return ["must be a JSON object keyed by policy name"]
    schemas = {rule.name: rule.config for rule in RULES}
    problems = []
    for name, entry in document.items():
        if name != ALL and name not in schemas:
            problems.append(f"`{name}` is not a policy of the pack{_close(name, [*schemas, ALL])}")
            continue
        problems.extend(_check_entry(name, entry, schemas.get(name, {})))
    return problems


def _check_entry(name: str, entry: Any, schema: Mapping[str, Mapping[str, Any]]) -> list[str]:
    if not isinstance(entry, dict):
        return _check_level(name, entry)
    problems = _check_level(name, entry[LEVEL]) if LEVEL in entry else []
    for prop, value in entry.items():
        if prop == LEVEL:
            continue
        if prop not in schema:
            known = [LEVEL, *schema]
            problems.append(f"`{name}` has no property `{prop}`{_close(prop, known)}")
            continue
        problems.extend(f"`{name}.{prop}` {p}" for p in _check_value(value, schema[prop]))
    return problems


def _check_level(name: str, level: Any) -> list[str]:
    if isinstance(level, str) and level in LEVELS:
        return []
    shown = level if isinstance(level, str) else json.dumps(level)
    return [f"`{name}` has level `{shown}`; use one of {', '.join(LEVELS)}"]


def _check_value(value: Any, schema: Mapping[str, Any]) -> list[str]:
    """What keeps `value` from matching the property's schema (its `type` and `items`)."""
    expected = schema.get("type")
    if isinstance(expected, str) and expected in _TYPES:
        words, types = _TYPES[expected]
        # JSON's true and false are not numbers, though Python's bool is an int.
        if isinstance(value, bool) != (expected == "boolean") or not isinstance(value, types):
            return [f"must be {words}, not `{json.dumps(value)}`"]
    items = schema.get("items")
    if isinstance(value, list) and isinstance(items, Mapping):
        return [
            f"item {index} {problem}"
            for index, item in enumerate(value, 1)
            for problem in _check_value(item, items)
        ]
    return []


def _close(word: str, known: list[str]) -> str:
    """`; did you mean `x`?` when one known word is close to `word`, else nothing."""
    matches = difflib.get_close_matches(word, known, n=1)
    return f"; did you mean `{matches[0]}`?" if matches else ""
