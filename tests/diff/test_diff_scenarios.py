"""What each scenario's diff says, checked field by field (the snapshots pin the wording)."""

from __future__ import annotations

import datetime as dt

from infra.diff.model import (
    Delta,
    HarnessRole,
    LevelSeat,
    OnCallNowChange,
    RotationSeat,
    ScheduleRef,
    TeamRole,
)
from infra.diff.render_markdown import LIMIT, render_markdown
from infra.diff.render_text import render_text
from tests.diff.helpers import scenario_diff
from tests.diff.scenarios import LONG_COUNT


def test_new_hire_gains_group_roles_rotation_and_level_without_risk() -> None:
    diff = scenario_diff("new-hire")

    lou = next(p for p in diff.people if p.email == "lou@example.com")
    assert lou.status == "added"
    assert lou.okta_groups == Delta(("team-web-frontend",), ())
    assert lou.pagerduty_roles == Delta((TeamRole("web", "responder"),), ())
    assert lou.harness_roles == Delta((HarnessRole("eng", "web", "_pipeline_executor"),), ())
    assert lou.rotations == Delta((RotationSeat("web", "primary", "weekly"),), ())
    assert lou.escalation_levels == Delta((LevelSeat("web", 1),), ())
    assert diff.risks == ()
    assert [(t.key, t.members) for t in diff.teams] == [("web", Delta(("lou@example.com",), ()))]


def test_leaver_loses_everything_and_one_of_five_is_below_the_threshold() -> None:
    diff = scenario_diff("leaver")

    hal = next(p for p in diff.people if p.email == "hal@example.com")
    assert hal.status == "removed"
    assert hal.gained == 0
    assert hal.lost == 5
    assert diff.risks == ()


def test_mover_swaps_core_access_for_web_access() -> None:
    diff = scenario_diff("move-teams")

    dee = next(p for p in diff.people if p.email == "dee@example.com")
    assert dee.okta_groups == Delta(("team-web-frontend",), ("team-core",))
    assert dee.pagerduty_roles == Delta(
        (TeamRole("web", "responder"),), (TeamRole("core", "responder"),)
    )
    assert dee.on_call_now == Delta((), (ScheduleRef("core", "primary"),))
    # One of core's four members leaves: 25% is not more than the default 25% threshold.
    assert diff.risks == ()


def test_a_lower_threshold_flags_the_move_as_a_mass_removal() -> None:
    diff = scenario_diff("move-teams", threshold=0.2)

    assert [(r.code, r.subject, r.people) for r in diff.risks] == [
        ("mass-removal", "core", ("dee@example.com",))
    ]


def test_promotion_to_manager_is_a_privilege_increase() -> None:
    diff = scenario_diff("promotion")

    assert [(r.code, r.subject) for r in diff.risks] == [("privilege-increase", "fin@example.com")]
    assert "manager of PagerDuty team `web`" in diff.risks[0].message
    (fin,) = diff.people
    assert fin.pagerduty_roles == Delta(
        (TeamRole("web", "manager"),), (TeamRole("web", "responder"),)
    )


def test_reordered_rotation_changes_who_is_on_call_now_and_nothing_else() -> None:
    diff = scenario_diff("on-call-now")

    assert diff.on_call_now == (
        OnCallNowChange("core", "primary", "dee@example.com", "cy@example.com"),
    )
    assert {p.email: (p.gained, p.lost) for p in diff.people} == {
        "cy@example.com": (0, 0),
        "dee@example.com": (0, 0),
    }
    assert diff.teams == ()


def test_on_call_now_depends_on_the_instant() -> None:
    # Two weeks later the reordered rotation happens to put the same person on call.
    later = dt.datetime(2026, 3, 18, 12, 0, tzinfo=dt.UTC)

    first = scenario_diff("on-call-now").on_call_now
    second = scenario_diff("on-call-now", at=later).on_call_now

    assert first != second


def test_owner_change_pages_people_who_cannot_act_in_harness() -> None:
    diff = scenario_diff("owner-change")

    (service,) = diff.services
    assert [(c.field, c.before, c.after) for c in service.changes] == [
        ("owner", "sre", "core"),
        ("escalation_policy", "sre", "core"),
    ]
    (risk,) = diff.risks
    assert risk.code == "paged-without-harness-role"
    assert risk.subject == "edge"
    assert risk.people == (
        "ada@example.com",
        "bo@example.com",
        "cy@example.com",
        "dee@example.com",
    )


def test_team_rename_is_a_rename_without_access_change() -> None:
    diff = scenario_diff("team-rename")

    (team,) = diff.teams
    assert (team.key, team.status, team.renamed_from) == ("platform-sre", "renamed", "sre")
    assert team.access_changed is False
    assert team.members == Delta()
    # The default Okta group follows the key; the group is renamed in place, not replaced.
    assert [(c.field, c.before, c.after) for c in team.changes] == [
        ("okta_group", "team-sre", "team-platform-sre")
    ]
    assert diff.people == ()
    assert diff.services == ()
    assert diff.risks == ()


def test_removing_40_percent_of_a_team_is_a_mass_removal() -> None:
    diff = scenario_diff("remove-40-percent")

    (risk,) = diff.risks
    assert (risk.code, risk.kind, risk.subject) == ("mass-removal", "team", "web")
    assert "2 of 5 members of `web` (40%)" in risk.message
    assert risk.people == ("gus@example.com", "ivy@example.com")


def test_the_threshold_is_exclusive() -> None:
    assert scenario_diff("remove-40-percent", threshold=0.4).risks == ()
    assert scenario_diff("remove-40-percent", threshold=0.39).risks != ()


def test_long_change_is_shortened_for_a_comment_and_says_so() -> None:
    diff = scenario_diff("long")

    full = render_markdown(diff, limit=10**9)
    short = render_markdown(diff)

    assert len(full) > LIMIT
    assert len(short) <= LIMIT
    assert "This preview is shortened" in short
    assert f"the full one has {len(full):,} characters" in short
    assert "<details>" not in short
    # The text form is never shortened.
    assert render_text(diff).count("new in the catalog") == LONG_COUNT
