"""Tests of the YAML reader: every scalar reads without raising, and odd inputs are findings."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from infra.catalog.yamlsource import YamlError, read_yaml_text


def _value(text: str) -> object:
    return read_yaml_text(f"value: {text}\n", "t.yaml").data["value"]


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN"])
def test_every_yaml_not_a_number_spelling_reads_as_nan(text: str) -> None:
    value = _value(text)
    assert isinstance(value, float) and math.isnan(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".inf", math.inf),
        (".Inf", math.inf),
        ("+.INF", math.inf),
        ("-.inf", -math.inf),
        ("-.Inf", -math.inf),
        ("-.INF", -math.inf),
        ("1.5", 1.5),
        ("0x1f", 31),
    ],
)
def test_yaml_1_2_numbers_read_as_numbers(text: str, expected: float) -> None:
    assert _value(text) == expected


def test_a_number_too_long_for_python_is_a_finding_not_a_crash() -> None:
    with pytest.raises(YamlError) as raised:
        read_yaml_text("value: " + "9" * 5000 + "\n", "t.yaml")
    assert [f.code for f in raised.value.findings] == ["yaml-number"]


def _only_finding(text: str) -> tuple[str, int, int, str]:
    with pytest.raises(YamlError) as raised:
        read_yaml_text(text, "t.yaml")
    [finding] = raised.value.findings
    return finding.code, finding.position.line, finding.position.col, finding.message


def test_a_raw_control_character_is_located_without_parser_internals() -> None:
    code, line, col, message = _only_finding("a: 1\nb: x\x1by\n")
    assert (code, line, col) == ("control-character", 2, 5)
    assert "U+001B" in message
    assert "unicode string" not in message and "position" not in message


def test_a_duplicate_anchor_names_the_first_definition() -> None:
    _, line, _, message = _only_finding("a: &x 1\nb: &x 2\n")
    assert line == 2
    assert "already defined at 1:4" in message


def test_a_second_document_says_so() -> None:
    code, line, _, message = _only_finding("a: 1\n---\nb: 2\n")
    assert (code, line) == ("yaml-syntax", 2)
    assert "second document" in message


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\u2029"])
def test_unusual_line_breaks_do_not_shift_line_numbers(separator: str) -> None:
    document = read_yaml_text(f'a: "x{separator}y"\nb: 2\n', "t.yaml")
    assert document.source.at(("b",)).line == 2


def test_untagged_plain_scalars_follow_the_yaml_1_2_core_schema() -> None:
    text = "a: 0o17\nb: 1.5e3\nc: yes\nd: 10:30\ne: 0x1F\nf: off\ng: 2026-01-05\nh: !!float 1\n"

    data = read_yaml_text(text, "x.yaml").data

    assert data == {
        "a": 15,
        "b": 1500.0,
        "c": "yes",
        "d": "10:30",
        "e": 31,
        "f": "off",
        "g": dt.date(2026, 1, 5),
        "h": 1.0,
    }
    assert isinstance(data["h"], float)
