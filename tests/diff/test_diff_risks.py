"""Risky changes the scenarios do not cover, and changes to services."""

from __future__ import annotations

import dataclasses

from infra.core.state import EscalationState, LevelState, TargetState
from infra.diff import compute_diff
from infra.diff.model import ActionRef
from tests.diff.helpers import base_text, diff_texts, edited, state_of
from tests.diff.scenarios import AT_INSTANT


def test_admin_like_harness_role_is_a_privilege_increase_for_each_member() -> None:
    head = edited(
        (
            "      project: web\n      roles: [_pipeline_executor]\n",
            "      project: web\n      roles: [_pipeline_executor, _project_admin]\n",
        )
    )

    diff = diff_texts(base_text(), head)

    assert [(r.code, r.subject) for r in diff.risks] == [
        ("privilege-increase", f"{name}@example.com")
        for name in ("eve", "fin", "gus", "hal", "ivy")
    ]
    assert "`_project_admin` in `eng/web`" in diff.risks[0].message


def test_pagerduty_account_admin_is_a_privilege_increase() -> None:
    head = edited(
        (
            "    name: Kai Example\n    time_zone: Europe/Berlin\n",
            "    name: Kai Example\n    time_zone: Europe/Berlin\n    pagerduty_role: admin\n",
        )
    )

    diff = diff_texts(base_text(), head)

    (risk,) = diff.risks
    assert (risk.code, risk.subject) == ("privilege-increase", "kai@example.com")
    (kai,) = diff.people
    assert kai.account_role is not None
    assert (kai.account_role.before, kai.account_role.after) == (None, "admin")


def test_a_policy_that_reaches_nobody_leaves_the_service_unreachable() -> None:
    # A valid catalog always reaches someone, so the head state is edited directly: the
    # level's only schedule is gone (as if it had been removed without updating the policy).
    base = state_of(base_text())
    sre = base.teams["sre"]
    empty = EscalationState(0, (LevelState(10, (TargetState("schedule", "gone"),)),))
    head = dataclasses.replace(
        base, teams={**base.teams, "sre": dataclasses.replace(sre, escalation=empty)}
    )

    diff = compute_diff(base, head, at=AT_INSTANT)

    (risk,) = diff.risks
    assert (risk.code, risk.kind, risk.subject) == ("service-unreachable", "service", "edge")
    assert "reaches no one" in risk.message


def test_incident_action_changes_are_listed_per_service() -> None:
    head = edited(
        (
            "      - {action: rollback, pipeline: rollback_web_app}\n",
            "      - {action: rollback, pipeline: rollback_web_app, mode: automatic, "
            "events: [incident.triggered]}\n",
        )
    )

    diff = diff_texts(base_text(), head)

    (service,) = diff.services
    assert service.key == "web-app"
    assert service.actions.gained == (
        ActionRef("rollback", "rollback_web_app", "automatic", ("incident.triggered",)),
    )
    assert service.actions.lost == (ActionRef("rollback", "rollback_web_app", "button", ()),)


def test_service_rename_is_a_rename_with_no_other_change() -> None:
    head = edited(
        (
            "  - key: edge\n    name: Edge\n",
            "  - key: edge-gateway\n    name: Edge\n    renamed_from: [edge]\n",
        )
    )

    diff = diff_texts(base_text(), head)

    (service,) = diff.services
    assert (service.key, service.status, service.renamed_from) == (
        "edge-gateway",
        "renamed",
        "edge",
    )
    assert service.changes == ()
    assert diff.risks == ()
    assert diff.people == ()


def test_identical_catalogs_have_an_empty_diff() -> None:
    assert diff_texts(base_text(), base_text()).empty
