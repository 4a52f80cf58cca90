"""Resource names lead back to the catalog entry that declared them."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.rules.locate import locate_resource
from tests.policies.helpers import DATA, marked_line, subject, write

PAGED = subject(DATA / "paged-by-other-team.yaml")
ADMIN = DATA / "account-admin.yaml"


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("pd-team-ops", ("teams", 1)),
        ("pd-member-ops-cy-at-example-com", ("teams", 1)),
        ("pd-schedule-ops-primary", ("teams", 1, "on_call", "schedules", 0)),
        ("pd-escalation-core", ("teams", 0, "on_call", "escalation")),
        ("okta-app-harness-core", ("teams", 0)),
        ("harness-group-ops", ("teams", 1, "harness")),
        ("harness-role-core-pipeline_executor", ("teams", 0, "harness", "roles", 0)),
        ("pd-service-api", ("services", 0)),
        ("harness-trigger-api-rollback", ("services", 0, "incident_actions", 1)),
        ("pd-workflow-api-pause", ("services", 0, "incident_actions", 0)),
        ("harness-trigger-account", ()),
    ],
)
def test_a_resource_name_maps_to_its_catalog_path(name: str, path: tuple[str | int, ...]) -> None:
    assert locate_resource(name, PAGED.state, PAGED.where) == path


def test_a_role_assignment_points_at_the_line_of_its_role() -> None:
    admin = subject(ADMIN)

    path = locate_resource("harness-role-core-account_admin", admin.state, admin.where)

    assert path == ("teams", 0, "harness", "roles", 1)
    assert admin.where.at(path).line == marked_line(ADMIN)


def test_a_service_key_wins_over_a_shorter_team_key_inside_it(tmp_path: Path) -> None:
    text = (DATA / "paged-by-other-team.yaml").read_text().replace("key: api", "key: ops-api")
    given = subject(write(tmp_path, "nested-keys.yaml", text))

    assert locate_resource("pd-service-ops-api", given.state, given.where) == ("services", 0)
    assert locate_resource("pd-escalation-ops", given.state, given.where) == (
        "teams",
        1,
        "on_call",
        "escalation",
    )
