"""Layer timing: V from the catalog's start, hand-offs on the wall clock across DST."""

from __future__ import annotations

import datetime as dt

import pytest

from infra.core.layers import (
    anchor_value,
    cadence,
    handoff_spacing_minutes,
    localize,
    virtual_start,
    zone_info,
)
from infra.core.oncall import on_call_at
from tests.oncall.oncall_builders import (
    ANA,
    BEN,
    CAI,
    UTC,
    at,
    catalog,
    rotation,
    schedule,
    state_of,
)

WEEK = 7 * 86_400
NEW_YORK = "America/New_York"
BERLIN = "Europe/Berlin"


def _local(instant: dt.datetime, time_zone: str) -> str:
    return instant.astimezone(zone_info(time_zone)).strftime("%a %Y-%m-%d %H:%M %Z")


def test_new_york_monday_handoffs_keep_0900_before_and_after_the_march_change() -> None:
    # Clocks in New York go forward on Sunday 2026-03-08.
    turns = cadence(dt.date(2026, 3, 2), "09:00", WEEK, NEW_YORK)

    before, after = turns.handoff(0), turns.handoff(1)

    assert before == at("2026-03-02T14:00:00+00:00")
    assert after == at("2026-03-09T13:00:00+00:00")
    assert _local(before, NEW_YORK) == "Mon 2026-03-02 09:00 EST"
    assert _local(after, NEW_YORK) == "Mon 2026-03-09 09:00 EDT"
    assert after - before == dt.timedelta(days=7, hours=-1)


def test_new_york_anchor_on_the_monday_after_the_change_is_0900_summer_time() -> None:
    assert virtual_start(dt.date(2026, 3, 9), "09:00", NEW_YORK) == at("2026-03-09T13:00:00Z")
    assert virtual_start(dt.date(2026, 3, 2), "09:00", NEW_YORK) == at("2026-03-02T14:00:00Z")


def test_new_york_hand_off_happens_at_0900_local_on_the_monday_after_the_change() -> None:
    state = state_of(
        catalog(schedule(rotation([ANA, BEN], start=dt.date(2026, 3, 2)), time_zone=NEW_YORK))
    )

    assert on_call_at(state, "core", "primary", at("2026-03-09T12:59:00Z")) == ANA
    assert on_call_at(state, "core", "primary", at("2026-03-09T13:00:00Z")) == BEN


def test_berlin_weekly_rotation_across_the_october_change() -> None:
    # Clocks in Berlin go back on Sunday 2026-10-25.
    turns = cadence(dt.date(2026, 10, 19), "09:00", WEEK, BERLIN)

    assert turns.handoff(0) == at("2026-10-19T07:00:00Z")
    assert turns.handoff(1) == at("2026-10-26T08:00:00Z")
    assert _local(turns.handoff(1), BERLIN) == "Mon 2026-10-26 09:00 CET"
    assert turns.handoff(1) - turns.handoff(0) == dt.timedelta(days=7, hours=1)
    state = state_of(
        catalog(schedule(rotation([ANA, BEN], start=dt.date(2026, 10, 19)), time_zone=BERLIN))
    )
    assert on_call_at(state, "core", "primary", at("2026-10-26T07:59:00Z")) == ANA
    assert on_call_at(state, "core", "primary", at("2026-10-26T08:00:00Z")) == BEN


def test_turns_are_counted_on_the_wall_clock_for_many_weeks() -> None:
    turns = cadence(dt.date(2026, 1, 5), "09:00", WEEK, BERLIN)

    zone = zone_info(BERLIN)
    local_times = {f"{turns.handoff(k).astimezone(zone):%a %H:%M}" for k in range(-60, 120)}

    assert local_times == {"Mon 09:00"}


def test_turn_at_finds_the_turn_on_either_side_of_each_hand_off() -> None:
    turns = cadence(dt.date(2026, 1, 5), "09:00", WEEK, NEW_YORK)

    for k in (-3, 0, 9, 10, 44, 45):
        start = turns.handoff(k)
        assert turns.turn_at(start) == k
        assert turns.turn_at(start - dt.timedelta(minutes=1)) == k - 1


def test_twelve_hour_turns_keep_their_local_hand_off_times_across_dst() -> None:
    # The documented choice for open question 1: sub-day turns stay on the wall clock too.
    turns = cadence(dt.date(2026, 3, 5), "08:00", 12 * 3600, NEW_YORK)

    locals_ = [_local(turns.handoff(k), NEW_YORK)[4:] for k in range(6, 10)]

    assert locals_ == [
        "2026-03-08 08:00 EDT",
        "2026-03-08 20:00 EDT",
        "2026-03-09 08:00 EDT",
        "2026-03-09 20:00 EDT",
    ]
    assert turns.handoff(6) - turns.handoff(5) == dt.timedelta(hours=11)


def test_a_skipped_local_time_lands_after_the_jump_and_a_repeated_one_is_the_first() -> None:
    zone = zone_info(NEW_YORK)

    skipped = localize(dt.datetime(2026, 3, 8, 2, 30), zone)
    repeated = localize(dt.datetime(2026, 11, 1, 1, 30), zone)

    assert skipped == at("2026-03-08T07:30:00Z")  # 03:30 summer time
    assert repeated == at("2026-11-01T05:30:00Z")  # 01:30 summer time, the first of the two


def test_an_instant_start_is_taken_as_it_is_and_a_naive_one_on_the_zone_clock() -> None:
    with_offset = virtual_start(at("2026-03-02T09:00:00-05:00"), "09:00", NEW_YORK)
    in_utc = virtual_start(at("2026-03-02T14:00:00Z"), "09:00", NEW_YORK)
    naive = virtual_start(dt.datetime(2026, 3, 2, 9, 0), "09:00", NEW_YORK)

    assert with_offset == in_utc == naive == at("2026-03-02T14:00:00Z")


@pytest.mark.parametrize(
    ("instant", "length", "expected"),
    [
        ("2026-03-02T14:00:00Z", WEEK, dt.date(2026, 3, 2)),
        ("2026-03-04T01:00:00Z", 12 * 3600, dt.datetime(2026, 3, 3, 20, 0)),
        # 01:30 on 2026-11-01 happens twice in New York; this is the second, standard-time one.
        ("2026-11-01T06:30:00Z", 3600, at("2026-11-01T01:30:00-05:00")),
    ],
)
def test_an_anchor_is_written_in_the_plainest_form_that_reads_back(
    instant: str, length: int, expected: dt.date | dt.datetime
) -> None:
    handoff = "09:00" if length != 3600 else "00:30"

    value = anchor_value(at(instant), handoff, NEW_YORK)

    assert value == expected
    assert type(value) is type(expected)
    assert virtual_start(value, handoff, NEW_YORK) == at(instant)


def test_hand_off_spacing_follows_the_turn_length() -> None:
    assert handoff_spacing_minutes(86_400) == 1440
    assert handoff_spacing_minutes(WEEK) == 1440
    assert handoff_spacing_minutes(12 * 3600) == 720
    assert handoff_spacing_minutes(5 * 3600) == 60


def test_the_rotation_runs_backwards_before_its_anchor_but_the_layer_covers_nothing() -> None:
    state = state_of(catalog(schedule(rotation([ANA, BEN, CAI], start=dt.date(2026, 3, 2)))))
    turns = cadence(dt.date(2026, 3, 2), "09:00", WEEK, NEW_YORK)

    assert turns.turn_at(at("2026-02-25T12:00:00Z")) == -1
    assert on_call_at(state, "core", "primary", at("2026-02-25T12:00:00Z")) is None
    assert on_call_at(state, "core", "primary", at("2026-03-02T14:00:00Z")) == ANA


def test_a_naive_instant_is_refused() -> None:
    state = state_of(catalog(schedule(rotation([ANA]))))

    with pytest.raises(ValueError, match="UTC offset"):
        on_call_at(state, "core", "primary", dt.datetime(2026, 3, 2, 12, 0))
    assert on_call_at(state, "core", "primary", dt.datetime(2026, 3, 2, 12, 0, tzinfo=UTC)) == ANA
