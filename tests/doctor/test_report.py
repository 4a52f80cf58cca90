"""The doctor's table and summary, pinned as a reader sees them."""

from __future__ import annotations

from infra.doctor.checks import TRIGGER, WEBHOOK, Check
from infra.doctor.report import render_summary, render_table

CHECKS = [
    Check(TRIGGER, "api rollback", False, "3 deliveries in the last 7 day(s), none failed"),
    Check(WEBHOOK, "api pause", True, "temporarily disabled by PagerDuty after repeated failures"),
    Check(TRIGGER, "api pause", False, "0 deliveries in the last 7 day(s), none failed"),
]


def test_the_table_aligns_columns_and_lists_broken_rows_first() -> None:
    assert render_table(CHECKS) == [
        "CHECK              TARGET        STATUS  DETAIL",
        "pagerduty webhook  api pause     BROKEN  "
        "temporarily disabled by PagerDuty after repeated failures",
        "harness trigger    api pause     ok      0 deliveries in the last 7 day(s), none failed",
        "harness trigger    api rollback  ok      3 deliveries in the last 7 day(s), none failed",
    ]


def test_the_summary_counts_broken_checks() -> None:
    assert render_summary(CHECKS, "prod") == "doctor: 1 of 3 checks broken in stack `prod`"
    assert render_summary(CHECKS[:1], "dev") == "doctor: all 1 checks passed in stack `dev`"
    assert (
        render_summary([], "dev")
        == "doctor: nothing to check: stack `dev` wires no incident actions"
    )


def test_with_a_width_every_line_fits_and_long_details_wrap_under_their_column() -> None:
    long = Check(TRIGGER, "api pause", True, "Failed while requesting pipeline execution " * 3)

    lines = render_table([*CHECKS, long], width=100)

    assert max(len(line) for line in lines) <= 100
    lead = "harness trigger    api pause     BROKEN  "
    assert lines[1].startswith(lead + "Failed while")
    assert lines[2].startswith(" " * len(lead) + "requesting pipeline")
    assert render_table(CHECKS, width=100) == render_table(CHECKS)


def test_when_the_columns_leave_too_little_room_details_go_below_the_row() -> None:
    wide = Check(WEBHOOK, "a-very-long-service-name-for-this-table " * 2, True, "detail " * 20)

    lines = render_table([wide], width=60)

    assert max(len(line) for line in lines) <= 60
    assert lines[2].startswith("pagerduty webhook  a-very-long-service-name")
    assert lines[3].startswith("    detail detail")
