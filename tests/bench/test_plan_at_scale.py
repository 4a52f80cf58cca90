"""A generated catalog plans offline, and the benchmark's floor replays the same registrations."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bench.floor import registrations, replay
from bench.generate import write_versions
from bench.phases import OKTA_GROUP, OKTA_MEMBERSHIPS, plan_facts
from bench.scale import targets
from infra.cli.plan import plan_catalog
from infra.program.offline import Plan


@pytest.fixture(scope="module")
def generated_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    base, _ = write_versions(10, tmp_path_factory.mktemp("org"))
    return plan_catalog(str(base), "prod")


def test_a_generated_catalog_plans_offline_with_one_lookup_per_provider(
    generated_plan: Plan,
) -> None:
    facts = plan_facts(generated_plan)

    assert facts["resources"] > 300
    # One bulk lookup per provider that looks people up (PagerDuty only with `scim` users).
    assert facts["invokes_per_provider"]["okta"] == 1
    assert max(facts["invokes_per_provider"].values()) == 1
    assert facts["harness_groups_listing_members"] == 0


def test_okta_memberships_are_one_resource_per_group(generated_plan: Plan) -> None:
    counts = Counter(r.type for r in generated_plan.resources)

    assert counts[OKTA_GROUP] == 10
    assert counts[OKTA_MEMBERSHIPS] == counts[OKTA_GROUP]


def test_the_floor_registers_the_same_resources_without_the_program(generated_plan: Plan) -> None:
    floor = replay(registrations(generated_plan), "prod")

    assert [(r.type, r.name) for r in floor.resources] == [
        (r.type, r.name) for r in generated_plan.resources
    ]
    assert floor.invokes == []
    secret = next(r for r in generated_plan.resources if r.secret_paths())
    assert floor.named(secret.name).secret_paths() == secret.secret_paths()


def test_targets_report_growth_and_the_limits(tmp_path: Path) -> None:
    common = {"invokes_per_provider": {"okta": 1}, "okta_memberships_per_group": 1.0}
    mid = {"teams": 100, "validate_s": 0.2, "plan_s": 10.0, "floor_s": 8.0, "policy_s": None}
    big = {
        "teams": 1000,
        "validate_s": 3.0,
        "plan_s": 120.0,
        "floor_s": 100.0,
        "policy_s": None,
        "plan_floor_ratio": 1.2,
        "peak_rss_mb": 1500.0,
        "harness_groups_listing_members": 0,
    }
    results = [mid | common | {"harness_groups_listing_members": 0}, big | common]

    verdicts = {text.split(":")[0]: ok for ok, text in targets(results)}

    assert verdicts["plan/floor at 1,000 teams <= 1.5"] is True
    assert verdicts["validate_s grows 15.0x from 100 to 1,000 teams (<= 11)"] is False
    assert verdicts["plan_s grows 12.0x from 100 to 1,000 teams (<= 11)"] is False
    assert verdicts["policy_s 100 -> 1,000 teams"] is None
    assert verdicts["validate of 1,000 teams < 1 s"] is False
    assert verdicts["peak memory of plan at 1,000 teams < 2,048 MiB"] is True
