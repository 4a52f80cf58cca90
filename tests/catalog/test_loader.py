"""Tests of `load_catalog`: the example catalogs load cleanly, and each invalid catalog in
`tests/data/invalid/` reports exactly the findings listed for it in `expected.yaml`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from infra.catalog.findings import Finding
from infra.catalog.loader import LoadResult, load_catalog, load_catalog_bytes

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "catalog.yaml"
VALID = ROOT / "tests" / "data" / "valid"
MINIMAL = VALID / "minimal.yaml"
INVALID = ROOT / "tests" / "data" / "invalid"
EXPECTED = INVALID / "expected.yaml"

Triple = tuple[str, int, int]


def _expected() -> dict[str, list[Triple]]:
    data = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    return {
        name: [(item["code"], item["line"], item["col"]) for item in items]
        for name, items in data.items()
    }


def _invalid_files() -> list[str]:
    return sorted(p.name for p in INVALID.iterdir() if p.is_file() and p.name != "expected.yaml")


def _invalid_params() -> list[object]:
    return [pytest.param(name, id=name) for name in _invalid_files()]


def _triples(findings: list[Finding]) -> list[Triple]:
    return [(f.code, f.position.line, f.position.col) for f in findings]


def _codes(result: LoadResult) -> list[str]:
    return [f.code for f in result.findings]


def _load_text(text: str, name: str = "test.yaml") -> LoadResult:
    return load_catalog_bytes(text.encode("utf-8"), name)


def _edited(path: Path, *edits: tuple[str, str]) -> str:
    """The text of `path` with each `old` (which must occur exactly once) replaced by `new`."""
    text = path.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path.name}"
        text = text.replace(old, new)
    return text


# --- invalid catalogs ---------------------------------------------------------------------


def test_expected_lists_every_invalid_file_and_nothing_else() -> None:
    assert set(_expected()) == set(_invalid_files())


def test_there_are_enough_invalid_cases() -> None:
    assert len(_invalid_files()) >= 20


@pytest.mark.parametrize("name", _invalid_params())
def test_invalid_catalog_reports_exactly_the_expected_findings(name: str) -> None:
    expected = _expected()[name]

    result = load_catalog(INVALID / name, display=name)

    assert expected, "an invalid catalog must expect at least one finding"
    assert _triples(result.findings) == expected
    assert not result.ok
    for finding, (code, line, col) in zip(result.findings, expected, strict=True):
        assert finding.render().startswith(f"{name}:{line}:{col}: {code}: ")


def test_findings_name_the_path_when_no_display_name_is_given() -> None:
    path = INVALID / "unknown-owner.yaml"

    result = load_catalog(path)

    assert [f.render().split(": ")[0] for f in result.findings] == [f"{path}:43:12"]


def test_a_missing_file_is_a_finding_not_an_exception(tmp_path: Path) -> None:
    result = load_catalog(tmp_path / "nope.yaml", display="nope.yaml")

    assert not result.ok
    assert _triples(result.findings) == [("unreadable-file", 1, 1)]


# --- valid catalogs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [EXAMPLE, *sorted(VALID.glob("*.yaml"))],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_valid_catalog_loads_without_findings(path: Path) -> None:
    result = load_catalog(path)

    assert [f.render() for f in result.findings] == []
    assert result.ok
    assert result.catalog is not None


def test_example_catalog_is_a_realistic_fictional_organisation() -> None:
    catalog = load_catalog(EXAMPLE).catalog
    assert catalog is not None

    children = [t for t in catalog.teams if t.parent is not None]
    parents = {t.parent for t in children}
    roles = {role for t in catalog.teams if t.harness for role in t.harness.roles}

    assert len(catalog.teams) >= 8
    assert len(catalog.people) >= 40
    assert len(catalog.services) >= 20
    assert len({p.time_zone for p in catalog.people}) >= 3
    assert all(p.email.endswith("@example.com") for p in catalog.people)
    assert any(sum(t.parent == key for t in children) >= 2 for key in parents)
    assert not any("admin" in role for role in roles)
    assert all(any(m.role == "manager" for m in t.members) for t in catalog.teams), (
        "every team has a manager"
    )


# --- near-miss hints ----------------------------------------------------------------------


def test_unknown_owner_suggests_the_closest_team() -> None:
    text = _edited(
        EXAMPLE, ("    owner: search\n    urgency: low", "    owner: serch\n    urgency: low")
    )

    result = _load_text(text)

    assert _codes(result) == ["unknown-owner"]
    assert result.findings[0].hint == "did you mean `search`?"
    assert "\n    hint: did you mean `search`?" in result.findings[0].render()


def test_unknown_field_suggests_the_closest_field() -> None:
    text = _edited(
        EXAMPLE, ("    owner: payments\n    urgency: low", "    owner: payments\n    urgancy: low")
    )

    result = _load_text(text)

    assert _codes(result) == ["unknown-field"]
    assert "`urgancy`" in result.findings[0].message
    assert result.findings[0].hint == "did you mean `urgency`?"


def test_unknown_person_suggests_the_close_email() -> None:
    text = _edited(
        EXAMPLE,
        (
            "      - email: vikram.postwala@example.com\n",
            "      - email: vikram.postwalla@example.com\n",
        ),
    )

    result = _load_text(text)

    # The misspelt member is unknown, and the rotation that still names the real address now
    # names someone outside the team: both are reported.
    assert _codes(result) == ["unknown-person", "rotation-non-member"]
    assert "`vikram.postwalla@example.com`" in result.findings[0].message
    assert result.findings[0].hint == "did you mean `vikram.postwala@example.com`?"


def test_no_near_miss_gives_a_generic_hint_not_a_wrong_guess() -> None:
    text = _edited(
        EXAMPLE, ("    owner: search\n    urgency: low", "    owner: zzz\n    urgency: low")
    )

    result = _load_text(text)

    assert _codes(result) == ["unknown-owner"]
    assert result.findings[0].hint == "the owner is a team key"


# --- reporting everything at once ---------------------------------------------------------


@pytest.mark.parametrize(
    ("edits", "codes"),
    [
        pytest.param(
            [
                ("    time_zone: America/New_York\n", "    time_zone: Mars/Olympus\n"),
                ("  - email: bo@example.com\n    name", "  - email: bo-at-example.com\n    name"),
                ("    owner: core\n", "    owner: core\n    urgncy: low\n"),
            ],
            ["bad-email", "bad-time-zone", "unknown-field"],
            id="schema",
        ),
        pytest.param(
            [
                ("    owner: core\n", "    owner: cor\n    depends_on: [web]\n"),
                ("targets: [{schedule: primary}]", "targets: [{schedule: primry}]"),
                (
                    "      - email: bo@example.com\n",
                    "      - email: bo@example.com\n      - email: cy@example.com\n",
                ),
            ],
            ["unknown-person", "unknown-schedule", "unknown-owner", "unknown-dependency"],
            id="references",
        ),
    ],
)
def test_all_findings_are_reported_together(edits: list[tuple[str, str]], codes: list[str]) -> None:
    text = _edited(MINIMAL, *edits)

    result = _load_text(text)

    assert not result.ok
    assert _codes(result) == codes
    lines = [f.position.line for f in result.findings]
    assert lines == sorted(lines), "findings come in file order"


def test_three_problems_give_three_findings() -> None:
    text = _edited(
        MINIMAL,
        ("    owner: core\n", "    owner: cor\n"),
        ("targets: [{schedule: primary}]", "targets: [{schedule: primry}]"),
        (
            "    time_zone: America/New_York\n",
            "    time_zone: America/New_York\n  - email: ADA@example.com\n    name: Ada Again\n"
            "    time_zone: Europe/London\n",
        ),
    )

    result = _load_text(text)

    assert sorted(_codes(result)) == ["duplicate-email", "unknown-owner", "unknown-schedule"]


# --- e-mail addresses ignore case ---------------------------------------------------------


def test_emails_differing_only_in_case_are_duplicates() -> None:
    result = load_catalog(INVALID / "duplicate-email-case.yaml", display="dup.yaml")

    assert _triples(result.findings) == [("duplicate-email", 10, 12)]
    assert "`Ada@Example.com`" in result.findings[0].message
    assert "first at 4:12" in result.findings[0].message


def test_references_to_people_ignore_case() -> None:
    text = _edited(
        MINIMAL,
        ("      - email: bo@example.com\n", "      - email: Bo@Example.COM\n"),
        ("targets: [{person: ada@example.com}]", "targets: [{person: ADA@example.com}]"),
    )

    result = _load_text(text)

    assert result.findings == []
    assert result.ok


# --- tags ------------------------------------------------------------------------


def test_an_explicit_timestamp_tag_on_text_is_a_finding_not_a_crash() -> None:
    text = _edited(MINIMAL, ("    name: Core API\n", "    name: !!timestamp hello\n"))

    result = _load_text(text)

    assert not result.ok
    assert [(f.position.line, f.position.col) for f in result.findings] == [(42, 11)]


# --- findings behind a schema error ---------------------------------------------------------


def test_a_field_typo_does_not_hide_reference_and_duplicate_findings() -> None:
    text = _edited(
        MINIMAL,
        ("    time_zone: America/New_York\n", "    timezone: America/New_York\n"),
        ("    owner: core\n", "    owner: cor\n"),
        (
            "teams:\n",
            "  - email: ADA@example.com\n    name: Ada Again\n    time_zone: UTC\nteams:\n",
        ),
    )

    result = _load_text(text)

    assert _triples(result.findings) == [
        ("unknown-field", 9, 5),
        ("duplicate-email", 10, 12),
        ("unknown-owner", 46, 12),
    ]
    assert result.findings[0].hint == "did you mean `time_zone`?"


def test_references_into_a_list_with_a_rejected_entry_are_not_called_unknown() -> None:
    text = _edited(
        MINIMAL,
        ("  - email: bo@example.com\n    name", "  - email: bo(at)example.com\n    name"),
    )

    result = _load_text(text)

    assert _codes(result) == ["bad-email"]
