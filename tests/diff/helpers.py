"""Build resolved states and diffs from catalog text, for the diff's unit tests."""

from __future__ import annotations

import datetime as dt

from infra.catalog.loader import load_catalog_bytes
from infra.core.state import DesiredState, resolve
from infra.diff import AccessDiff, compute_diff
from infra.diff.compute import DEFAULT_THRESHOLD
from tests.diff.scenarios import AT_INSTANT, BASE, BY_NAME


def state_of(text: str, name: str = "catalog.yaml") -> DesiredState:
    """The desired state of a catalog that must be valid."""
    result = load_catalog_bytes(text.encode(), name)
    assert result.ok and result.catalog is not None, [f.render() for f in result.findings]
    return resolve(result.catalog)


def base_text() -> str:
    return BASE.read_text(encoding="utf-8")


def edited(*edits: tuple[str, str], text: str | None = None) -> str:
    """The base catalog with each `old` (which must occur once) replaced by `new`."""
    text = base_text() if text is None else text
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def diff_texts(
    base: str,
    head: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    at: dt.datetime = AT_INSTANT,
) -> AccessDiff:
    return compute_diff(state_of(base), state_of(head), at=at, threshold=threshold)


def scenario_diff(
    name: str, *, threshold: float = DEFAULT_THRESHOLD, at: dt.datetime = AT_INSTANT
) -> AccessDiff:
    """The diff of a named scenario against the base catalog."""
    base = base_text()
    return diff_texts(base, BY_NAME[name].head(base), threshold=threshold, at=at)
