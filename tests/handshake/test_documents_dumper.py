"""The handshake's YAML comes from libyaml when it can, byte for byte as PyYAML writes it."""

from __future__ import annotations

import functools

import pytest
import yaml

from infra.catalog.loader import load_catalog
from infra.core.state import resolve
from infra.program import handshake_documents
from infra.program.handshake_documents import (
    FAST_DUMPER,
    PURE_DUMPER,
    dump_yaml,
    step_template_yaml,
    trigger_yaml,
)
from infra.program.wiring import action_wirings, change_event_wirings
from tests.handshake.conftest import BUNDLED


def _every_document() -> list[str]:
    loaded = load_catalog(BUNDLED)
    assert loaded.catalog is not None
    state = resolve(loaded.catalog, "engineering")
    templates = [
        step_template_yaml(w, "https://events.example.invalid") for w in change_event_wirings(state)
    ]
    return templates + [trigger_yaml(w) for w in action_wirings(state, "prod")]


def test_the_fast_dumper_is_libyaml_when_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml here")
    assert issubclass(FAST_DUMPER, yaml.CSafeDumper)


def test_both_dumpers_write_every_real_document_identically(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast = _every_document()
    monkeypatch.setattr(
        handshake_documents, "dump_yaml", functools.partial(dump_yaml, dumper=PURE_DUMPER)
    )

    pure = _every_document()

    assert len(fast) > 10
    assert fast == pure


def test_both_dumpers_agree_on_awkward_strings() -> None:
    document = {
        "long": "word " * 40,
        "lines": "first line\nsecond: line\n  indented\n",
        "unicode": "Zoë ☎ <+pipeline.name>",
        "quoted": ["yes", "null", "1.0", "@routing-key@", "- dash", "#hash", ""],
    }

    assert dump_yaml(document, FAST_DUMPER) == dump_yaml(document, PURE_DUMPER)
