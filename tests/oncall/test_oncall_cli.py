"""`teamcat oncall`: who is on call per schedule, and whom a service pages."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from infra.catalog.loader import load_catalog
from infra.cli import oncall as oncall_cli
from infra.cli.app import app
from infra.core.oncall import first_paged, on_call_at
from infra.core.state import resolve
from tests.conftest import ROOT
from tests.oncall.oncall_builders import ANA, BEN, CAI, DEE, at, catalog, rotation, schedule, write
from tests.oncall.oncall_builders import state_of as resolve_data


def _run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def two_schedules(tmp_path: Path) -> Path:
    days = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    data = catalog(
        schedule(
            rotation([ANA, BEN], name="weekly"),
            rotation([DEE], name="days", length="daily", restrictions=days),
            time_zone="Europe/London",
        ),
        schedule(rotation([CAI], restrictions=days), key="backup", time_zone="America/New_York"),
        levels=[
            {"delay_minutes": 10, "targets": [{"schedule": "backup"}]},
            {"delay_minutes": 20, "targets": [{"schedule": "primary"}, {"person": CAI}]},
        ],
    )
    return write(tmp_path / "catalog.yaml", data)


def test_oncall_lists_every_schedule_at_the_given_instant(two_schedules: Path) -> None:
    result = _run("oncall", str(two_schedules), "--at", "2026-01-07T12:00:00Z")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"On call at 2026-01-07 12:00 UTC ({two_schedules}):",
        "  schedule      on call          layer  local time",
        "  core/primary  dee@example.com  days   Wed 12:00 GMT",
        "  core/backup   nobody           -      Wed 07:00 EST",
    ]


def test_oncall_reads_the_clock_when_no_instant_is_given(
    two_schedules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oncall_cli, "now", lambda: at("2026-01-07T20:00:00+00:00"))

    result = _run("oncall", str(two_schedules))

    assert result.exit_code == 0, result.output
    assert "  core/primary  ana@example.com  weekly  Wed 20:00 GMT" in result.stdout


def test_oncall_for_a_service_shows_the_levels_and_who_is_paged_first(
    two_schedules: Path,
) -> None:
    result = _run("oncall", str(two_schedules), "--service", "api", "--at", "2026-01-07T12:00Z")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "api pages the escalation policy of team `core` at 2026-01-07 12:00 UTC:",
        "  first paged: dee@example.com, cai@example.com",
        "  level 1, escalates after 10 min: schedule backup -> nobody on call "
        "(skipped: nobody to notify)",
        "  level 2, escalates after 20 min: schedule primary -> dee@example.com; "
        "person cai@example.com",
        "  no repeats",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--at", "2026-01-07T12:00:00"], "needs a UTC offset"),
        (["--at", "next tuesday"], "is not an ISO 8601 instant"),
        (["--service", "apii"], "did you mean `api`?"),
    ],
)
def test_oncall_usage_errors_exit_2(two_schedules: Path, args: list[str], message: str) -> None:
    result = _run("oncall", str(two_schedules), *args)

    assert result.exit_code == 2
    assert message in result.output


OUT_OF_RANGE = ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-12:00"]


@pytest.mark.parametrize("instant", [*OUT_OF_RANGE, "2101-01-01T00:00:00Z", "1999-12-31T23:59Z"])
@pytest.mark.parametrize("command", ["oncall", "keep-on-call", "diff"])
def test_at_outside_the_supported_years_is_a_usage_error(
    two_schedules: Path, command: str, instant: str
) -> None:
    files = [str(two_schedules)] * (1 if command == "oncall" else 2)

    result = _run(command, *files, "--at", instant)

    assert result.exit_code == 2, result.output
    assert f"`{instant}` is outside the years 2000-2100" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["oncall", "keep-on-call", "diff"])
def test_the_help_names_the_supported_years(command: str) -> None:
    result = _run(command, "--help")

    assert "2000-2100" in result.stdout
    assert "TIME" in result.stdout


@pytest.mark.parametrize("instant", ["2000-01-01T00:00:00Z", "2100-12-31T23:59:59Z"])
@pytest.mark.parametrize("length", ["1h", "weekly", "8760h"])
@pytest.mark.parametrize("time_zone", ["Pacific/Kiritimati", "Etc/GMT+12"])
def test_instants_at_the_ends_of_the_range_are_answered(
    instant: str, length: str, time_zone: str
) -> None:
    weekly = [{"type": "weekly", "day": "sunday", "start": "23:00", "duration": "167h"}]
    for start in (dt.date(2000, 1, 1), dt.date(2100, 12, 31)):
        data = catalog(
            schedule(
                rotation([ANA, BEN], length=length, start=start, restrictions=weekly),
                time_zone=time_zone,
            )
        )
        state = resolve_data(data)

        first_paged(state, "api", at(instant))


@pytest.mark.parametrize("instant", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_the_core_refuses_instants_outside_the_range_without_overflowing(instant: str) -> None:
    state = resolve_data(catalog(schedule(rotation([ANA, BEN]))))

    with pytest.raises(ValueError, match="outside the years 2000-2100"):
        on_call_at(state, "core", "primary", dt.datetime.fromisoformat(instant))


def test_oncall_on_a_catalog_with_errors_exits_1(tmp_path: Path) -> None:
    broken = write(tmp_path / "broken.yaml", catalog(schedule(rotation(["zed@example.com"]))))

    result = _run("oncall", str(broken))

    assert result.exit_code == 1
    assert "unknown-person" in result.stderr


def test_teamcat_oncall_works_on_the_bundled_catalog() -> None:
    bundled = ROOT / "catalog.yaml"
    loaded = load_catalog(bundled)
    assert loaded.catalog is not None
    state = resolve(loaded.catalog)
    instant = dt.datetime(2026, 3, 4, 15, 0, tzinfo=dt.UTC)

    result = subprocess.run(
        [sys.executable, "-m", "infra.cli", "oncall", "--at", "2026-03-04T15:00:00Z"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1] for line in result.stdout.splitlines()[2:]}
    expected = {
        f"{team.key}/{s.key}": on_call_at(state, team.key, s.key, instant) or "nobody"
        for team in state.teams.values()
        for s in team.schedules
    }
    assert rows == expected
    assert len(rows) >= 8
    assert all(len(line) <= 100 for line in result.stdout.splitlines())


def test_teamcat_oncall_service_on_the_bundled_catalog_names_who_is_paged_first() -> None:
    loaded = load_catalog(ROOT / "catalog.yaml")
    assert loaded.catalog is not None
    state = resolve(loaded.catalog)
    service = sorted(state.services)[0]

    result = _run(
        "oncall", str(ROOT / "catalog.yaml"), "--service", service, "--at", "2026-03-04T15:00Z"
    )

    assert result.exit_code == 0, result.output
    paged = first_paged(state, service, at("2026-03-04T15:00:00+00:00"))
    assert paged, "every bundled service pages someone"
    assert f"  first paged: {', '.join(paged)}" in result.stdout.splitlines()


def test_oncall_notes_a_turn_the_spring_forward_change_swallows(tmp_path: Path) -> None:
    hourly = rotation(
        [ANA, BEN, CAI], name="w", length="1h", handoff="00:00", start=dt.date(2026, 3, 8)
    )
    path = write(tmp_path / "catalog.yaml", catalog(schedule(hourly)))

    result = _run("oncall", str(path), "--at", "2026-03-01T00:00:00Z")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-2:] == [
        f"note: core/primary, rotation `w`: the turn of {CAI} at 2026-03-08 02:00 America/New_York",
        "  falls in the time the clocks skip and lasts 0 min: PagerDuty passes over them silently",
    ]


def test_oncall_has_no_note_when_no_turn_is_swallowed(two_schedules: Path) -> None:
    result = _run("oncall", str(two_schedules), "--at", "2026-03-01T00:00:00Z")

    assert "note:" not in result.stdout


@pytest.mark.parametrize("command", ["oncall", "keep-on-call"])
def test_the_help_states_the_exit_codes(command: str) -> None:
    result = _run(command, "--help")

    assert " ".join(result.stdout.split()).count("Exit 0; 1 ") == 1
    assert "; 2 for a " in " ".join(result.stdout.split())
