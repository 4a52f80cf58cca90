"""Catalog rules: for each, a catalog that passes and one that fails at a known line."""

from __future__ import annotations

from pathlib import Path

from infra.rules.access import check_paged_can_fix
from infra.rules.lifecycle import check_decommission
from infra.rules.ownership import (
    check_escalation_reach,
    check_service_owners,
    check_single_person_rotations,
)
from infra.rules.registry import CatalogInput, rule
from tests.conftest import MINIMAL
from tests.policies.helpers import DATA, marked_line, minimal, subject, write


def test_the_minimal_catalog_breaks_no_catalog_rule() -> None:
    given = minimal()

    assert check_service_owners(given.state, given.where) == []
    assert check_escalation_reach(given.state, given.where) == []
    assert check_single_person_rotations(given.state, given.where) == []
    assert check_paged_can_fix(given.state, given.where) == []


def test_a_service_owned_by_a_team_without_manager_or_schedule_fails_at_its_owner() -> None:
    path = DATA / "owner-unstaffed.yaml"
    given = subject(path)

    [violation] = check_service_owners(given.state, given.where)

    assert violation.policy == "service-owner-staffed"
    assert violation.message == (
        "service `tool-api` is owned by team `tools`, which has no manager and no on-call schedule"
    )
    assert violation.position is not None
    assert (violation.position.file, violation.position.line) == (path.name, marked_line(path))
    assert violation.path == ("services", 0, "owner")


def test_an_escalation_policy_with_one_person_and_one_level_fails_at_escalation() -> None:
    path = DATA / "escalation-one-person.yaml"
    given = subject(path)

    [violation] = check_escalation_reach(given.state, given.where)

    assert violation.message == (
        "the escalation policy of team `core` reaches only `ada@example.com` and has one level "
        "and no loop, so an unanswered page stops there"
    )
    assert violation.position is not None
    assert violation.position.line == marked_line(path)


def test_a_loop_is_enough_when_one_level_reaches_two_people(tmp_path: Path) -> None:
    text = (DATA / "escalation-one-person.yaml").read_text()
    text = text.replace("{person: ada@example.com}", "{schedule: primary}")
    looped = write(tmp_path, "looped.yaml", text.replace("levels:", "loops: 1\n        levels:"))
    single = write(tmp_path, "single.yaml", text)

    looped_subject, single_subject = subject(looped), subject(single)

    assert check_escalation_reach(looped_subject.state, looped_subject.where) == []
    [violation] = check_escalation_reach(single_subject.state, single_subject.where)
    assert violation.message.endswith(
        "has one level and no loop, so an unanswered page stops there"
    )


def test_a_rotation_of_one_person_is_reported_at_its_members() -> None:
    path = DATA / "single-person-rotation.yaml"
    given = subject(path)

    [violation] = check_single_person_rotations(given.state, given.where)

    assert violation.message == (
        "rotation `nights` of schedule `primary` (team `core`) has one member, "
        "`bo@example.com`, who is on call for every turn"
    )
    assert violation.position is not None
    assert violation.position.line == marked_line(path)
    assert rule("no-single-person-rotation").level == "advisory"


def test_paging_a_team_without_rights_in_the_project_fails_at_escalation_policy() -> None:
    path = DATA / "paged-by-other-team.yaml"
    given = subject(path)

    [violation] = check_paged_can_fix(given.state, given.where)

    assert violation.policy == "paged-can-fix"
    assert violation.message == (
        "service `api` is paged through the escalation policy of team `ops`, but "
        "`cy@example.com`, `dee@example.com` cannot run `pause_api`, `rollback_api` "
        "in Harness project `eng/core`"
    )
    assert violation.position is not None
    assert violation.position.line == marked_line(path)


def test_a_custom_role_counts_only_once_the_pack_config_declares_it() -> None:
    path = DATA / "paged-custom-role.yaml"
    given = subject(path)
    paged = rule("paged-can-fix").catalog_check
    assert paged is not None

    [violation] = paged(CatalogInput(given))
    declared = paged(CatalogInput(given, config={"executionRoles": ["oncall_operator"]}))

    assert violation.position is not None
    assert violation.position.line == marked_line(path)
    assert "`ada@example.com`, `bo@example.com` cannot run `rollback_api`" in violation.message
    assert declared == []


def test_a_viewer_role_does_not_allow_running_pipelines(tmp_path: Path) -> None:
    text = MINIMAL.read_text().replace("roles: [_pipeline_executor]", "roles: [_project_viewer]")
    given = subject(write(tmp_path, "viewer.yaml", text))

    [violation] = check_paged_can_fix(given.state, given.where)

    assert violation.path == ("services", 0, "harness", "project")
    assert "cannot run `rollback_api` in Harness project `eng/core`" in violation.message


def _previous_with(tmp_path: Path, extra: str) -> Path:
    return write(tmp_path, "previous.yaml", MINIMAL.read_text() + extra)


OLD_SERVICE = """  - key: old-api
    name: Old API
    owner: core
"""


def test_removing_a_service_that_was_not_decommissioned_fails(tmp_path: Path) -> None:
    previous_path = _previous_with(tmp_path, OLD_SERVICE)
    previous, current = subject(previous_path), minimal()

    [violation] = check_decommission(current.state, current.where, previous.state, previous.where)

    services_line = marked_line(MINIMAL, "services:")
    old_line = marked_line(previous_path, "key: old-api")
    assert violation.policy == "decommission-before-removal"
    assert violation.message == (
        f"service `old-api` (at previous.yaml:{old_line}:5) was removed without a previous "
        "version marking it `decommissioned: true`"
    )
    assert violation.position is not None
    assert (violation.position.file, violation.position.line) == ("minimal.yaml", services_line)


def test_removing_a_decommissioned_or_renamed_service_passes(tmp_path: Path) -> None:
    decommissioned = subject(_previous_with(tmp_path, OLD_SERVICE + "    decommissioned: true\n"))
    previous = subject(_previous_with(tmp_path, OLD_SERVICE))
    renamed_text = MINIMAL.read_text().replace(
        "    owner: core\n", "    owner: core\n    renamed_from: [old-api]\n"
    )
    renamed = subject(write(tmp_path, "renamed.yaml", renamed_text))
    current = minimal()

    assert (
        check_decommission(current.state, current.where, decommissioned.state, decommissioned.where)
        == []
    )
    assert check_decommission(renamed.state, renamed.where, previous.state, previous.where) == []


def test_without_a_previous_catalog_the_removal_rule_has_nothing_to_compare() -> None:
    check = rule("decommission-before-removal").catalog_check
    assert check is not None

    assert check(CatalogInput(minimal())) == []
