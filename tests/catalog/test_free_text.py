"""Names and descriptions: any letters and emoji, but no characters that disguise the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.catalog.loader import load_catalog_bytes

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "valid" / "minimal.yaml"


def _with_team_name(name: str) -> list[str]:
    text = MINIMAL.read_text(encoding="utf-8").replace("    name: Core\n", f"    name: {name}\n")
    return [f.code for f in load_catalog_bytes(text.encode("utf-8"), "t.yaml").findings]


@pytest.mark.parametrize("name", ["Zahlungsverkehr Köln", "支払い", "Core 🚀", "Équipe café"])
def test_letters_of_any_script_and_emoji_are_allowed(name: str) -> None:
    assert _with_team_name(name) == []


@pytest.mark.parametrize(
    "escaped", ["\\e[31m", "\\a", "\\x7f", "\\x85", "\\u202e", "\\u2066", "\\u2069", "\\x00"]
)
def test_control_and_bidi_characters_are_refused(escaped: str) -> None:
    assert _with_team_name(f'"Core {escaped} team"') == ["control-character"]
