"""What the program declares for schedules: layers in order, V across DST, stable inputs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from tests.conftest import PlanRunner
from tests.oncall.oncall_builders import (
    ANA,
    BEN,
    CAI,
    DEE,
    EVE,
    Data,
    catalog,
    rotation,
    schedule,
    write,
)

SCHEDULE = "pd-schedule-core-primary"


def _layers(plan_catalog: PlanRunner, tmp_path: Path, data: Data, name: str = "c") -> Any:
    path = write(tmp_path / f"{name}.yaml", data)
    return plan_catalog(catalog=path).named(SCHEDULE).inputs["layers"]


def test_layers_keep_the_catalog_order_names_and_restrictions(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    weekdays = [{"type": "weekly", "day": "friday", "start": "17:00", "duration": "2d16h"}]
    data = catalog(
        schedule(
            rotation([CAI, ANA], name="zulu"),
            rotation([BEN], name="alpha", length="12h", handoff="08:00"),
            rotation([EVE], name="mike", restrictions=weekdays),
            time_zone="Europe/Berlin",
        )
    )

    layers = _layers(plan_catalog, tmp_path, data)

    assert [layer["name"] for layer in layers] == ["zulu", "alpha", "mike"]
    assert [layer["users"] for layer in layers] == [
        ["placeholder-pd-user-cai-at-example-com", "placeholder-pd-user-ana-at-example-com"],
        ["placeholder-pd-user-ben-at-example-com"],
        ["placeholder-pd-user-eve-at-example-com"],
    ]
    assert [layer["rotationTurnLengthSeconds"] for layer in layers] == [604800, 43200, 604800]
    assert layers[1]["rotationVirtualStart"] == "2026-01-05T07:00:00Z"
    assert layers[2]["restrictions"] == [
        {
            "type": "weekly_restriction",
            "startTimeOfDay": "17:00:00",
            "durationSeconds": 2 * 86400 + 16 * 3600,
            "startDayOfWeek": 5,
        }
    ]


def test_new_york_anchors_on_the_mondays_around_the_march_change_are_0900_local(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    def layer(start: dt.date, name: str) -> Any:
        data = catalog(schedule(rotation([ANA, BEN], start=start), time_zone="America/New_York"))
        return _layers(plan_catalog, tmp_path, data, name)[0]

    before = layer(dt.date(2026, 3, 2), "before")
    after = layer(dt.date(2026, 3, 9), "after")

    assert (before["start"], before["rotationVirtualStart"]) == ("2026-03-02T14:00:00Z",) * 2
    assert (after["start"], after["rotationVirtualStart"]) == ("2026-03-09T13:00:00Z",) * 2


def test_berlin_anchors_around_the_october_change_are_0900_local(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    def virtual_start(start: dt.date, name: str) -> str:
        data = catalog(schedule(rotation([ANA, BEN], start=start), time_zone="Europe/Berlin"))
        return str(_layers(plan_catalog, tmp_path, data, name)[0]["rotationVirtualStart"])

    assert virtual_start(dt.date(2026, 10, 19), "summer") == "2026-10-19T07:00:00Z"
    assert virtual_start(dt.date(2026, 10, 26), "winter") == "2026-10-26T08:00:00Z"


def test_a_start_with_an_offset_and_the_same_instant_in_utc_declare_identical_inputs(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    def schedule_inputs(start: str, name: str) -> Any:
        data = catalog(schedule(rotation([ANA, BEN], start=start), time_zone="America/New_York"))
        path = tmp_path / f"{name}.yaml"
        # Written by hand so the start is exactly the text a person would type.
        path.write_text(write(path, data).read_text().replace(f"'{start}'", start))
        return plan_catalog(catalog=path).named(SCHEDULE).inputs

    with_offset = schedule_inputs("2026-03-02T09:00:00-05:00", "offset")
    in_utc = schedule_inputs("2026-03-02T14:00:00Z", "utc")
    as_date = schedule_inputs("2026-03-02", "date")

    assert with_offset == in_utc == as_date
    assert with_offset["layers"][0]["rotationVirtualStart"] == "2026-03-02T14:00:00Z"


def test_changing_only_the_second_layer_leaves_the_first_layers_inputs_untouched(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    restricted = [{"type": "weekly", "day": "monday", "start": "09:00", "duration": "4d8h"}]

    def two_layers(second: list[str], start: dt.date) -> Data:
        return catalog(
            schedule(
                rotation([ANA, BEN, CAI], name="base"),
                rotation(second, name="business-hours", start=start, restrictions=restricted),
                time_zone="Europe/London",
            )
        )

    before = _layers(plan_catalog, tmp_path, two_layers([DEE], dt.date(2026, 1, 5)), "before")
    after = _layers(plan_catalog, tmp_path, two_layers([DEE, EVE], dt.date(2026, 2, 2)), "after")

    assert after[0] == before[0]
    assert after[1] != before[1]
    assert after[1]["users"] == [
        "placeholder-pd-user-dee-at-example-com",
        "placeholder-pd-user-eve-at-example-com",
    ]
    assert after[1]["rotationVirtualStart"] == "2026-02-02T09:00:00Z"
