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
