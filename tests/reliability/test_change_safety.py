"""Two versions of a catalog on the mock runtime: edits that must not replace or delete anything."""

from __future__ import annotations

from pathlib import Path

from infra.program.offline import Plan
from tests.conftest import MINIMAL, PlanRunner


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _edited(tmp_path: Path, *edits: tuple[str, str]) -> Path:
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    return _write(tmp_path, "head.yaml", text)


def _names(plan: Plan) -> set[tuple[str, str]]:
    return {(r.type, r.name) for r in plan.resources}


def _json(plan: Plan) -> object:
    return plan.to_json()


def test_display_name_changes_keep_every_resource_name(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    head = _edited(
        tmp_path,
        ("    name: Core\n", "    name: Core Platform\n"),
        ("name: Core API", "name: Core Public API"),
        ("name: Ada Example", "name: Ada Lovelace-Example"),
    )

    before, after = plan_catalog(), plan_catalog(catalog=head)

    assert _names(before) == _names(after)
    changed = {r.name for r in after.resources if r.inputs != before.named(r.name).inputs}
    assert changed == {
        "pd-team-core",
        "pd-escalation-core",
        "pd-service-api",
        "pd-user-ada-at-example-com",
        "okta-group-core",
        "harness-group-core",
    }
    assert after.named("harness-group-core").inputs["identifier"] == "team_core"


def test_team_key_rename_declares_aliases_and_keeps_vendor_identifiers(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    head = _edited(
        tmp_path,
        ("  - key: core\n", "  - key: platform\n    renamed_from: [core]\n"),
        ("owner: core", "owner: platform"),
    )

    before, after = plan_catalog(), plan_catalog(catalog=head)

    renamed = [r for r in after.resources if "platform" in r.name]
    assert renamed, "the team's resources carry the new key"
    for resource in renamed:
        old_name = resource.name.replace("platform", "core")
        assert (resource.type, old_name) in _names(before)
        assert old_name in resource.aliases, resource.name
    group = after.named("harness-group-platform").inputs
    assert group["identifier"] == before.named("harness-group-core").inputs["identifier"]
    role = after.named("harness-role-platform-pipeline_executor").inputs
    assert role["identifier"] == "teamcat_core_pipeline_executor"


def test_service_key_rename_declares_aliases(plan_catalog: PlanRunner, tmp_path: Path) -> None:
    head = _edited(tmp_path, ("  - key: api\n", "  - key: core-api\n    renamed_from: [api]\n"))

    after = plan_catalog(catalog=head)

    assert after.named("pd-service-core-api").aliases == ("pd-service-api",)
    assert after.named("pd-events-core-api").aliases == ("pd-events-api",)


def test_changing_the_case_of_an_email_changes_nothing(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace("bo@example.com", "Bo@Example.COM")
    head = _write(tmp_path, "head.yaml", text)

    assert _json(plan_catalog()) == _json(plan_catalog(catalog=head))


def test_reordering_team_members_changes_nothing(plan_catalog: PlanRunner, tmp_path: Path) -> None:
    head = _edited(
        tmp_path,
        (
            "      - email: ada@example.com\n        role: manager\n"
            "      - email: bo@example.com\n",
            "      - email: bo@example.com\n"
            "      - email: ada@example.com\n        role: manager\n",
        ),
    )

    assert _json(plan_catalog()) == _json(plan_catalog(catalog=head))


def test_reordering_rotation_members_does_change_the_layer(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    head = _edited(
        tmp_path,
        (
            "members: [ada@example.com, bo@example.com]",
            "members: [bo@example.com, ada@example.com]",
        ),
    )

    before, after = plan_catalog(), plan_catalog(catalog=head)

    users = [
        p.named("pd-schedule-core-primary").inputs["layers"][0]["users"] for p in (before, after)
    ]
    assert users[0] == list(reversed(users[1]))


def test_a_decommissioned_service_is_still_declared_but_no_longer_protected(
    plan_catalog: PlanRunner, tmp_path: Path
) -> None:
    head = _edited(tmp_path, ("    owner: core\n", "    owner: core\n    decommissioned: true\n"))

    before, after = plan_catalog(), plan_catalog(catalog=head)

    assert before.named("pd-service-api").protect is True
    assert after.named("pd-service-api").protect is False
    assert _names(before) == _names(after)
