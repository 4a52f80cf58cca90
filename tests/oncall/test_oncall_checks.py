"""On-call checks: restrictions, rotation starts, PagerDuty's limits, targets and stakeholders.

Each case edits the minimal catalog's text so findings can be pinned to their line and column.
"""

from __future__ import annotations

import pytest

from infra.catalog.findings import Finding
from infra.catalog.loader import LoadResult, load_catalog_bytes
from infra.program.main import CatalogError
from tests.conftest import MINIMAL, PlanRunner

ROTATION_START = "              start: 2026-01-05\n"
LEVELS = """\
          - delay_minutes: 15
            targets: [{schedule: primary}]
          - delay_minutes: 15
            targets: [{person: ada@example.com}]
"""


def _edited(*edits: tuple[str, str]) -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def _load(text: str) -> LoadResult:
    return load_catalog_bytes(text.encode("utf-8"), "core.yaml")


def _restrictions(*lines: str) -> tuple[str, str]:
    block = "".join(f"                - {line}\n" for line in lines)
    return ROTATION_START, f"{ROTATION_START}              restrictions:\n{block}"


def _where(text: str, needle: str) -> tuple[int, int]:
    """The 1-based line and column of the only occurrence of `needle`."""
    assert text.count(needle) == 1, needle
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _triples(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.code, f.position.line, f.position.col) for f in findings]


# --- restrictions -------------------------------------------------------------------------


def test_a_daily_restriction_with_a_weekday_is_rejected_with_its_line() -> None:
    text = _edited(_restrictions('{type: daily, day: monday, start: "09:00", duration: 8h}'))

    result = _load(text)

    # The line is the restriction's; the column (the entry or its `day`) is the loader's call.
    line, _ = _where(text, "{type: daily, day: monday")
    (finding,) = result.findings
    assert (finding.code, finding.position.line) == ("restriction-day", line)
    assert finding.render().startswith(f"core.yaml:{line}:")
    assert "use `type: weekly`" in finding.message


def test_a_restriction_starting_at_080030_is_rejected_with_its_line() -> None:
    text = _edited(_restrictions('{type: daily, start: "08:00:30", duration: 8h}'))

    result = _load(text)

    assert _triples(result.findings) == [("time-with-seconds", *_where(text, '"08:00:30"'))]
    assert "`08:00:30` has seconds" in result.findings[0].message


def test_both_restriction_errors_are_reported_together_and_nothing_is_declared(
    plan_catalog: PlanRunner, tmp_path: object
) -> None:
    text = _edited(
        _restrictions(
            '{type: daily, day: monday, start: "09:00", duration: 8h}',
            '{type: weekly, day: friday, start: "08:00:30", duration: 8h}',
        )
    )
    path = tmp_path / "core.yaml"  # type: ignore[operator]
    path.write_text(text, encoding="utf-8")

    codes = [code for code, _, _ in _triples(_load(text).findings)]
    with pytest.raises(CatalogError) as caught:
        plan_catalog(catalog=path)

    assert codes == ["restriction-day", "time-with-seconds"]
    line_day, _ = _where(text, "day: monday")
    line_seconds, _ = _where(text, "08:00:30")
    assert f"core.yaml:{line_day}:" in str(caught.value)
    assert f"core.yaml:{line_seconds}:" in str(caught.value)


@pytest.mark.parametrize(
    ("restriction", "code"),
    [
        ('{type: daily, start: "09:00", duration: 23h59m}', None),
        ('{type: daily, start: "09:00", duration: 24h}', "restriction-duration"),
        ('{type: weekly, day: sunday, start: "09:00", duration: 6d23h59m}', None),
        ('{type: weekly, day: sunday, start: "09:00", duration: 7d}', "restriction-duration"),
        ('{type: weekly, start: "09:00", duration: 8h}', "restriction-day"),
        ('{type: daily, start: "24:00", duration: 8h}', "bad-time"),
    ],
)
def test_restriction_durations_and_days_are_in_pagerduty_range(
    restriction: str, code: str | None
) -> None:
    result = _load(_edited(_restrictions(restriction)))

    errors = [f.code for f in result.findings if f.severity == "error"]
    assert errors == ([code] if code else [])
    assert result.ok is (code is None)


# --- rotations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "length", "code"),
    [
        ("2026-01-05T09:00:00Z", "weekly", None),
        ("2026-01-05T04:00:00-05:00", "weekly", None),  # 09:00 in London
        ("2026-01-05T21:00:00Z", "12h", None),  # the evening hand-off of 12-hour turns
        ("2026-01-05T10:00:00Z", "12h", "start-off-handoff"),
        ("2026-01-05T10:30:00Z", "weekly", "start-off-handoff"),
        ("2026-01-05T09:00:30Z", "weekly", "time-with-seconds"),
    ],
)
def test_an_instant_start_must_be_a_hand_off_on_a_whole_minute(
    start: str, length: str, code: str | None
) -> None:
    text = _edited(
        (ROTATION_START, f"              start: {start}\n"),
        ("              length: weekly\n", f"              length: {length}\n"),
    )

    result = _load(text)

    expected = [(code, *_where(text, start))] if code else []
    assert _triples(result.findings) == expected


def test_an_off_hand_off_start_suggests_both_fixes() -> None:
    result = _load(_edited((ROTATION_START, "              start: 2026-01-05T10:30:00Z\n")))

    (finding,) = result.findings
    assert "starts at 10:30 in Europe/London" in finding.message
    assert finding.hint == 'write the date only (`start: 2026-01-05`), or set `handoff: "10:30"`'


@pytest.mark.parametrize(
    ("length", "code"), [("1h", None), ("8760h", None), ("8761h", "rotation-too-long")]
)
def test_turn_lengths_are_one_hour_to_365_days(length: str, code: str | None) -> None:
    text = _edited(("              length: weekly\n", f"              length: {length}\n"))

    assert [f.code for f in _load(text).findings] == ([code] if code else [])


def test_rotation_names_are_unique_within_a_schedule() -> None:
    second = (
        "            - name: weekly\n"
        "              members: [bo@example.com]\n"
        "              length: daily\n"
        "              start: 2026-01-05\n"
    )
    text = _edited(("      escalation:\n", f"{second}      escalation:\n"))

    result = _load(text)

    line = text.count("\n", 0, text.index(second)) + 1
    assert _triples(result.findings) == [("duplicate-rotation", line, 21)]
    assert "(also line 28)" in result.findings[0].message


@pytest.mark.parametrize(("zone", "code"), [("UTC", "schedule-time-zone"), ("Etc/UTC", None)])
def test_a_schedule_in_utc_is_written_etc_utc(zone: str, code: str | None) -> None:
    text = _edited(
        ("          time_zone: Europe/London\n", f"          time_zone: {zone}\n"),
    )

    assert [f.code for f in _load(text).findings] == ([code] if code else [])


# --- escalation policies ------------------------------------------------------------------


OUTSIDER = """\
  - email: cy@example.com
    name: Cy Example
    time_zone: Asia/Kolkata
"""


def test_an_escalation_target_outside_the_team_is_an_error() -> None:
    text = _edited(
        ("teams:\n", f"{OUTSIDER}teams:\n"),
        ("targets: [{person: ada@example.com}]", "targets: [{person: cy@example.com}]"),
    )

    result = _load(text)

    assert _triples(result.findings) == [("target-not-member", *_where(text, "cy@example.com}"))]
    assert result.findings[0].hint == "add them to the team, or mark the target `external: true`"


def test_an_escalation_target_outside_the_team_is_allowed_when_marked_external() -> None:
    text = _edited(
        ("teams:\n", f"{OUTSIDER}teams:\n"),
        (
            "targets: [{person: ada@example.com}]",
            "targets: [{person: cy@example.com, external: true}]",
        ),
    )

    assert _load(text).findings == []


def test_removing_a_targeted_person_from_the_team_names_the_target_to_fix() -> None:
    # Ada leaves the team; the policy still targets her, so the finding points at the target.
    text = _edited(
        ("      - email: ada@example.com\n        role: manager\n", ""),
        ("members: [ada@example.com, bo@example.com]", "members: [bo@example.com]"),
    )

    result = _load(text)

    assert _triples(result.findings) == [("target-not-member", *_where(text, "ada@example.com}]"))]


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("loops: 1", "loops: 9", None),
        ("loops: 1", "loops: 10", "out-of-range"),
        (
            "          - delay_minutes: 15\n            targets: [{person",
            "          - delay_minutes: 0\n            targets: [{person",
            "out-of-range",
        ),
        (
            # Ten targets are within PagerDuty's limit; only the repeats themselves are wrong.
            "targets: [{person: ada@example.com}]",
            "targets: [" + ", ".join(["{person: ada@example.com}"] * 10) + "]",
            "duplicate-target",
        ),
        (
            "targets: [{person: ada@example.com}]",
            "targets: [" + ", ".join(["{person: ada@example.com}"] * 11) + "]",
            "too-many-items",
        ),
    ],
)
def test_escalation_policies_stay_within_pagerduty_limits(
    old: str, new: str, code: str | None
) -> None:
    codes = {f.code for f in _load(_edited((old, new))).findings}

    assert codes == ({code} if code else set())


@pytest.mark.parametrize(
    ("role", "code"),
    [
        ("read_only_user", "stakeholder-on-call"),
        ("read_only_limited_user", "stakeholder-on-call"),
        ("observer", None),
        ("user", None),
    ],
)
def test_stakeholders_cannot_be_on_call_or_targets(role: str, code: str | None) -> None:
    text = _edited(
        (
            "    name: Ada Example\n    time_zone: Europe/London\n",
            f"    name: Ada Example\n    time_zone: Europe/London\n    pagerduty_role: {role}\n",
        )
    )

    result = _load(text)

    if code is None:
        assert result.findings == []
        return
    rotation = _where(text, "ada@example.com, bo@example.com]")
    target = _where(text, "ada@example.com}]")
    assert _triples(result.findings) == [(code, *rotation), (code, *target)]
