"""Who is on call: layers, restrictions, escalation levels, and changes between catalogs."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from infra.catalog.models import Catalog
from infra.core.oncall import OnCallChange, first_paged, on_call_at, on_call_changes
from infra.core.state import resolve
from tests.oncall.oncall_builders import (
    ANA,
    BEN,
    CAI,
    DEE,
    EVE,
    at,
    catalog,
    dump,
    load,
    rotation,
    schedule,
    state_of,
)

LONDON = "Europe/London"
BUSINESS_HOURS = [{"type": "weekly", "day": "monday", "start": "09:00", "duration": "4d8h"}]


def _who(data: dict[str, object], instant: str, key: str = "primary") -> str | None:
    return on_call_at(state_of(data), "core", key, at(instant))  # type: ignore[arg-type]


def test_members_take_weekly_turns_in_catalog_order_and_wrap_around() -> None:
    data = catalog(schedule(rotation([CAI, ANA, BEN]), time_zone=LONDON))
    mondays = [dt.date(2026, 1, 5) + dt.timedelta(weeks=n) for n in range(7)]

    people = [_who(data, f"{day}T12:00:00+00:00") for day in mondays]

    assert people == [CAI, ANA, BEN, CAI, ANA, BEN, CAI]


def test_a_daily_window_covers_its_hours_and_no_more() -> None:
    window = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    data = catalog(schedule(rotation([ANA, BEN], restrictions=window), time_zone=LONDON))

    assert _who(data, "2026-01-07T08:59:00+00:00") is None
    assert _who(data, "2026-01-07T09:00:00+00:00") == ANA
    assert _who(data, "2026-01-07T16:59:00+00:00") == ANA
    assert _who(data, "2026-01-07T17:00:00+00:00") is None


def test_a_daily_window_past_midnight_belongs_to_the_turn_that_contains_it() -> None:
    nights = [{"type": "daily", "start": "22:00", "duration": "10h"}]
    data = catalog(
        schedule(rotation([ANA, BEN], length="daily", restrictions=nights), time_zone=LONDON)
    )

    # Turns hand off at 09:00; the night from Monday 22:00 to Tuesday 08:00 is Monday's turn.
    assert _who(data, "2026-01-05T23:30:00+00:00") == ANA
    assert _who(data, "2026-01-06T07:59:00+00:00") == ANA
    assert _who(data, "2026-01-06T08:00:00+00:00") is None
    assert _who(data, "2026-01-06T22:00:00+00:00") == BEN


def test_a_weekly_window_opens_on_its_day_and_closes_after_its_duration() -> None:
    data = catalog(schedule(rotation([ANA, BEN], restrictions=BUSINESS_HOURS), time_zone=LONDON))

    assert _who(data, "2026-01-05T08:59:00+00:00") is None  # Monday before 09:00
    assert _who(data, "2026-01-05T09:00:00+00:00") == ANA
    assert _who(data, "2026-01-09T16:59:00+00:00") == ANA  # Friday
    assert _who(data, "2026-01-09T17:00:00+00:00") is None
    assert _who(data, "2026-01-10T12:00:00+00:00") is None  # Saturday
    assert _who(data, "2026-01-12T09:00:00+00:00") == BEN


def test_restrictions_are_read_on_the_schedule_zone_clock() -> None:
    window = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    data = catalog(schedule(rotation([ANA], restrictions=window), time_zone="America/New_York"))

    assert _who(data, "2026-01-07T13:59:00Z") is None  # 08:59 in New York
    assert _who(data, "2026-01-07T14:00:00Z") == ANA
    assert _who(data, "2026-07-08T13:00:00Z") == ANA  # 09:00 summer time
    assert _who(data, "2026-07-08T21:00:00Z") is None  # 17:00 summer time


def test_turns_run_on_through_restrictions() -> None:
    # Weekly turns from Monday 09:00 with a daily 09:00-17:00 window: every weekday window of a
    # week belongs to that week's person, however many windows are skipped.
    window = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    data = catalog(schedule(rotation([ANA, BEN, CAI], restrictions=window), time_zone=LONDON))

    assert _who(data, "2026-01-14T10:00:00+00:00") == BEN
    assert _who(data, "2026-01-16T10:00:00+00:00") == BEN
    assert _who(data, "2026-01-19T10:00:00+00:00") == CAI


def test_a_higher_layer_wins_inside_its_windows_and_the_lower_one_shows_through_outside() -> None:
    data = catalog(
        schedule(
            rotation([ANA, BEN], name="around-the-clock"),
            rotation([DEE], name="business-hours", restrictions=BUSINESS_HOURS),
            time_zone=LONDON,
        )
    )

    # One window from Monday 09:00 to Friday 17:00, nights included.
    assert _who(data, "2026-01-07T03:00:00+00:00") == DEE
    assert _who(data, "2026-01-09T16:59:00+00:00") == DEE
    assert _who(data, "2026-01-09T17:00:00+00:00") == ANA
    assert _who(data, "2026-01-12T08:59:00+00:00") == ANA
    assert _who(data, "2026-01-14T12:00:00+00:00") == DEE
    assert _who(data, "2026-01-17T12:00:00+00:00") == BEN


def test_the_last_layer_decides_even_when_it_starts_later() -> None:
    data = catalog(
        schedule(
            rotation([ANA], name="base"),
            rotation([EVE], name="cover", start=dt.date(2026, 2, 2)),
            time_zone=LONDON,
        )
    )

    assert _who(data, "2026-02-02T08:59:00+00:00") == ANA
    assert _who(data, "2026-02-02T09:00:00+00:00") == EVE


def test_first_paged_is_the_first_level_that_reaches_anyone() -> None:
    window = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    levels = [
        {"delay_minutes": 10, "targets": [{"schedule": "primary"}]},
        {"delay_minutes": 10, "targets": [{"schedule": "primary"}, {"person": CAI}]},
    ]
    data = catalog(
        schedule(rotation([ANA, BEN], restrictions=window), time_zone=LONDON), levels=levels
    )
    state = state_of(data)

    assert first_paged(state, "api", at("2026-01-07T10:00:00+00:00")) == [ANA]
    assert first_paged(state, "api", at("2026-01-07T20:00:00+00:00")) == [CAI]


def test_first_paged_lists_every_target_of_the_level_once() -> None:
    levels = [
        {
            "delay_minutes": 10,
            "targets": [{"schedule": "primary"}, {"person": BEN}, {"schedule": "backup"}],
        }
    ]
    data = catalog(
        schedule(rotation([BEN]), time_zone=LONDON),
        schedule(rotation([DEE]), key="backup", time_zone=LONDON),
        levels=levels,
    )

    paged = first_paged(state_of(data), "api", at("2026-01-07T10:00:00+00:00"))

    assert paged == [BEN, DEE]


def test_first_paged_follows_the_service_escalation_override() -> None:
    data = catalog(schedule(rotation([ANA]), time_zone=LONDON))
    other = {
        "key": "sre",
        "name": "SRE",
        "members": [{"email": EVE}],
        "on_call": {
            "schedules": [schedule(rotation([EVE]), time_zone=LONDON)],
            "escalation": {"levels": [{"delay_minutes": 5, "targets": [{"schedule": "primary"}]}]},
        },
    }
    data["teams"].append(other)  # type: ignore[attr-defined]
    data["services"][0]["escalation_policy"] = "sre"  # type: ignore[index]

    assert first_paged(state_of(data), "api", at("2026-01-07T10:00:00+00:00")) == [EVE]


def test_first_paged_is_empty_when_no_level_reaches_anyone() -> None:
    window = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    levels = [{"delay_minutes": 10, "targets": [{"schedule": "primary"}]}]
    data = catalog(schedule(rotation([ANA], restrictions=window), time_zone=LONDON), levels=levels)

    # The catalog check refuses this policy (escalation-no-human); the function still answers.
    assert not load(data).ok
    state = resolve(Catalog.model_validate(yaml.safe_load(dump(data))))

    assert first_paged(state, "api", at("2026-01-07T20:00:00+00:00")) == []
    assert first_paged(state, "api", at("2026-01-07T10:00:00+00:00")) == [ANA]


def test_on_call_changes_name_only_the_schedules_whose_person_differs() -> None:
    base = catalog(
        schedule(rotation([ANA, BEN]), time_zone=LONDON),
        schedule(rotation([CAI, DEE]), key="backup", time_zone=LONDON),
    )
    head = catalog(
        schedule(rotation([BEN, ANA]), time_zone=LONDON),
        schedule(rotation([CAI, DEE, EVE]), key="backup", time_zone=LONDON),
        schedule(rotation([EVE]), key="new", time_zone=LONDON),
    )

    changes = on_call_changes(state_of(base), state_of(head), at("2026-01-07T12:00:00+00:00"))

    assert changes == [OnCallChange("core", "primary", ANA, BEN)]


def test_on_call_changes_report_a_schedule_that_falls_into_a_gap() -> None:
    window = [{"type": "daily", "start": "09:00", "duration": "8h"}]
    base = catalog(schedule(rotation([ANA]), time_zone=LONDON))
    head = catalog(schedule(rotation([ANA], restrictions=window), time_zone=LONDON))

    changes = on_call_changes(state_of(base), state_of(head), at("2026-01-07T20:00:00+00:00"))

    assert changes == [OnCallChange("core", "primary", ANA, None)]


def test_on_call_changes_follow_a_renamed_team() -> None:
    base = catalog(schedule(rotation([ANA, BEN]), time_zone=LONDON))
    head = catalog(schedule(rotation([BEN, ANA]), time_zone=LONDON))
    head["teams"][0].update(key="platform", renamed_from=["core"])  # type: ignore[index]
    head["services"][0]["owner"] = "platform"  # type: ignore[index]

    changes = on_call_changes(state_of(base), state_of(head), at("2026-01-07T12:00:00+00:00"))

    assert changes == [OnCallChange("platform", "primary", ANA, BEN)]


def test_unknown_keys_are_programming_errors() -> None:
    state = state_of(catalog(schedule(rotation([ANA]))))

    with pytest.raises(KeyError):
        on_call_at(state, "core", "nope", at("2026-01-07T12:00:00+00:00"))
    with pytest.raises(KeyError):
        first_paged(state, "nope", at("2026-01-07T12:00:00+00:00"))
