"""Coverage: hours of a week with nobody on call (a warning), and policies that reach no one."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from infra.catalog.findings import Finding
from infra.catalog.loader import load_catalog_bytes
from infra.catalog.oncall_checks import coverage_findings
from infra.catalog.yamlsource import PathKey
from infra.core.coverage import Gaps, escalation_gaps, team_gaps
from tests.oncall.oncall_builders import (
    ANA,
    BEN,
    CAI,
    Data,
    catalog,
    dump,
    load,
    rotation,
    schedule,
    state_of,
)

LONDON = "Europe/London"
DAYS = [{"type": "daily", "start": "09:00", "duration": "8h"}]
NIGHTS = [{"type": "daily", "start": "17:00", "duration": "16h"}]
WORK_WEEK = [{"type": "weekly", "day": "monday", "start": "09:00", "duration": "4d8h"}]


def _findings(data: Data) -> list[Finding]:
    return load(data).findings


def test_a_business_hours_team_is_warned_about_its_nights_and_weekend() -> None:
    data = catalog(schedule(rotation([ANA, BEN], restrictions=WORK_WEEK), time_zone=LONDON))

    result = load(data)

    (finding,) = result.findings
    assert result.ok
    assert finding.severity == "warning"
    assert finding.code == "on-call-gap"
    assert finding.message == (
        "team `core` has nobody on call for 64 h a week (Europe/London): Fri 17:00-Mon 09:00"
    )
    assert finding.render().startswith("test.yaml:27:3: warning on-call-gap: ")


def test_daily_windows_leave_every_night_uncovered() -> None:
    gaps = team_gaps(
        state_of(catalog(schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON))).teams[
            "core"
        ]
    )

    assert gaps is not None
    assert gaps.hours == "112 h"
    assert gaps.describe(limit=2) == "Mon 17:00-Tue 09:00, Tue 17:00-Wed 09:00, and 5 more"
    assert gaps.describe(limit=7).endswith("Sat 17:00-Sun 09:00, Sun 17:00-Mon 09:00")


def test_schedules_that_cover_each_others_gaps_leave_none() -> None:
    data = catalog(
        schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON),
        schedule(rotation([BEN], restrictions=NIGHTS), key="nights", time_zone=LONDON),
    )

    assert _findings(data) == []


def test_a_layer_without_restrictions_covers_the_layers_below() -> None:
    data = catalog(
        schedule(
            rotation([ANA], name="days", restrictions=DAYS),
            rotation([BEN], name="always"),
            time_zone=LONDON,
        )
    )

    assert _findings(data) == []


def test_schedules_in_different_zones_are_compared_in_the_worse_week() -> None:
    # Kolkata 09:00-17:00 is London 03:30-11:30 in January and 04:30-12:30 in July.
    data = catalog(
        schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON),
        schedule(rotation([BEN], restrictions=DAYS), key="india", time_zone="Asia/Kolkata"),
    )

    gaps = team_gaps(state_of(data).teams["core"])

    assert gaps is not None
    assert gaps.hours == "80 h 30 min"
    assert gaps.week_start.astimezone(ZoneInfo(LONDON)).date() == dt.date(2026, 7, 13)
    assert gaps.describe(limit=1).startswith("Mon 17:00-Tue 04:30")


def test_a_rotation_that_starts_later_still_counts_for_coverage() -> None:
    data = catalog(schedule(rotation([ANA], start=dt.date(2030, 1, 7)), time_zone=LONDON))

    assert _findings(data) == []


def test_the_gap_severity_can_be_raised_to_an_error() -> None:
    data = catalog(schedule(rotation([ANA], restrictions=WORK_WEEK), time_zone=LONDON))
    result = load_catalog_bytes(dump(data).encode("utf-8"), "test.yaml")
    assert result.catalog is not None and result.source is not None

    class Context:
        catalog = result.catalog
        source = result.source

        def finding(
            self,
            code: str,
            message: str,
            path: PathKey,
            hint: str | None = None,
            *,
            key: bool = False,
        ) -> Finding:
            return Finding(code, message, self.source.at(path, key=key), hint)

    findings = list(coverage_findings(Context(), gap_severity="error"))

    assert [(f.code, f.severity) for f in findings] == [("on-call-gap", "error")]


def test_a_policy_that_pages_only_a_business_hours_schedule_reaches_no_one_at_night() -> None:
    levels = [{"delay_minutes": 10, "targets": [{"schedule": "primary"}]}]
    data = catalog(
        schedule(rotation([ANA, BEN], restrictions=DAYS), time_zone=LONDON), levels=levels
    )

    result = load(data)

    codes = [(f.code, f.severity) for f in result.findings]
    assert codes == [("on-call-gap", "warning"), ("escalation-no-human", "error")]
    assert not result.ok
    error = result.findings[1]
    assert error.message.startswith(
        "the escalation policy of team `core` reaches no one for 112 h a week (Europe/London): "
        "Mon 17:00-Tue 09:00, "
    )
    line = dump(data).splitlines().index("    escalation:") + 1
    assert error.render().startswith(f"test.yaml:{line}:5: escalation-no-human: ")


def test_a_person_level_or_a_covering_schedule_gives_the_policy_someone_to_page() -> None:
    with_person = catalog(
        schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON),
        levels=[
            {"delay_minutes": 10, "targets": [{"schedule": "primary"}]},
            {"delay_minutes": 10, "targets": [{"person": CAI}]},
        ],
    )
    with_nights = catalog(
        schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON),
        schedule(rotation([BEN], restrictions=NIGHTS), key="nights", time_zone=LONDON),
        levels=[
            {"delay_minutes": 10, "targets": [{"schedule": "primary"}]},
            {"delay_minutes": 10, "targets": [{"schedule": "nights"}]},
        ],
    )

    assert escalation_gaps(state_of(with_person).teams["core"]) is None
    gaps = escalation_gaps(state_of(with_nights).teams["core"])
    assert gaps is not None and gaps.minutes == 0
    assert _findings(with_nights) == []


def test_a_policy_that_ignores_the_covering_schedule_is_still_an_error() -> None:
    data = catalog(
        schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON),
        schedule(rotation([BEN]), key="always", time_zone=LONDON),
        levels=[{"delay_minutes": 10, "targets": [{"schedule": "primary"}]}],
    )

    assert [f.code for f in _findings(data)] == ["escalation-no-human"]


def test_an_unknown_target_schedule_is_reported_once() -> None:
    data = catalog(
        schedule(rotation([ANA], restrictions=DAYS), time_zone=LONDON),
        levels=[{"delay_minutes": 10, "targets": [{"schedule": "primery"}]}],
    )

    codes = [f.code for f in _findings(data) if f.severity == "error"]

    assert codes == ["unknown-schedule"]


@pytest.mark.parametrize(
    ("windows", "text"),
    [
        ([(0, 1)], "1 min"),
        ([(0, 163 * 60 + 20)], "163 h 20 min"),
        ([(0, 16 * 60)], "16 h"),
        ([(0, 30), (60, 90)], "1 h"),
    ],
)
def test_gap_totals_read_in_hours_and_minutes(windows: list[tuple[int, int]], text: str) -> None:
    monday = dt.datetime(2026, 1, 12, tzinfo=dt.UTC)
    minutes = [
        (monday + dt.timedelta(minutes=a), monday + dt.timedelta(minutes=b)) for a, b in windows
    ]

    assert Gaps("UTC", monday, tuple(minutes)).hours == text
