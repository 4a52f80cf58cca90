"""Whatever is in the file, loading ends valid or with located findings, never a traceback."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from infra.catalog.loader import LoadResult, load_catalog_bytes
from tests.conftest import ROOT

BUNDLED = (ROOT / "catalog.yaml").read_bytes()
DATA = yaml.safe_load(BUNDLED)
FUZZ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)

Path = list[str | int]


def _paths(node: Any, prefix: Path) -> list[Path]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, [*prefix, key])
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, [*prefix, index])
    return found


ALL_PATHS = [p for p in _paths(DATA, []) if p]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["core", "payments", "ada@example.com", "09:00", "weekly", "_project_admin"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3)
    ),
    max_leaves=6,
)


def _parent(data: Any, path: Path) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = copy.deepcopy(DATA)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = [p for p in _paths(data, []) if p]
        path = draw(st.sampled_from(paths))
        parent, last = _parent(data, path), path[-1]
        action = draw(st.sampled_from(["drop", "duplicate", "retype", "rename", "splice"]))
        if action == "drop":
            del parent[last]
        elif action == "duplicate" and isinstance(parent, list):
            parent.insert(int(last), copy.deepcopy(parent[int(last)]))
        elif action == "rename" and isinstance(parent, dict):
            parent[draw(st.text(min_size=1, max_size=12))] = parent.pop(last)
        elif action == "splice":
            donor = draw(st.sampled_from(ALL_PATHS))
            parent[last] = copy.deepcopy(_parent(DATA, donor)[donor[-1]])
        else:
            parent[last] = draw(VALUES)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


def _assert_located(result: LoadResult, text: bytes) -> None:
    lines = text.count(b"\n") + 2
    if result.ok:
        return
    assert result.findings, "an invalid catalog has at least one finding"
    for finding in result.findings:
        assert finding.code and finding.message
        assert 1 <= finding.position.line <= lines, finding.render()
        assert finding.position.col >= 1, finding.render()


@FUZZ
@given(mutated())
def test_mutated_catalogs_end_valid_or_with_located_findings(text: bytes) -> None:
    _assert_located(load_catalog_bytes(text, "fuzz.yaml"), text)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_never_raise(raw: bytes) -> None:
    _assert_located(load_catalog_bytes(raw, "fuzz.yaml"), raw)


@FUZZ
@given(
    st.integers(min_value=0, max_value=len(BUNDLED) - 1),
    st.integers(min_value=1, max_value=64),
    st.binary(min_size=0, max_size=16),
)
def test_byte_splices_of_the_bundled_catalog_never_raise(
    start: int, length: int, insert: bytes
) -> None:
    raw = BUNDLED[:start] + insert + BUNDLED[start + length :]

    _assert_located(load_catalog_bytes(raw, "fuzz.yaml"), raw)
