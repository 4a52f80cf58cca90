"""The benchmark's synthetic organisations: deterministic, valid, realistic, ~5% churn."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bench.generate import changed_people, evolve_org, generate_org, render_catalog, write_versions
from infra.catalog.loader import load_catalog


def test_the_same_arguments_give_the_same_catalog_byte_for_byte() -> None:
    first = render_catalog(generate_org(10), "t")
    second = render_catalog(generate_org(10), "t")
    other_seed = render_catalog(generate_org(10, seed=2), "t")

    assert first == second
    assert first != other_seed


def test_the_next_version_is_deterministic_too() -> None:
    org = generate_org(10)

    assert evolve_org(org) == evolve_org(generate_org(10))
    assert org == generate_org(10), "evolving must not change the first version"


def test_an_organisation_has_about_ten_people_and_three_services_per_team() -> None:
    org = generate_org(100)

    assert len(org["teams"]) == 100
    assert 900 <= len(org["people"]) <= 1100
    assert 250 <= len(org["services"]) <= 350


def test_teams_form_departments_with_on_call_and_escalation() -> None:
    org = generate_org(100)

    parents = Counter(t.get("parent") for t in org["teams"])
    assert parents[None] == 10, "one department head per ten teams"
    assert all(n == 9 for parent, n in parents.items() if parent is not None)
    assert all(t["on_call"]["escalation"]["levels"] for t in org["teams"])
    with_secondary = sum(len(t["on_call"]["schedules"]) == 2 for t in org["teams"])
    restricted = sum(
        bool(r.get("restrictions"))
        for t in org["teams"]
        for s in t["on_call"]["schedules"]
        for r in s["rotations"]
    )
    assert 50 <= with_secondary <= 90
    assert 5 <= restricted <= 40


def test_services_have_harness_actions_and_dependencies_in_realistic_shares() -> None:
    services = generate_org(100)["services"]

    bound = sum("harness" in s for s in services) / len(services)
    with_actions = sum(bool(s.get("incident_actions")) for s in services) / len(services)
    automatic = sum(
        a.get("mode") == "automatic" for s in services for a in s.get("incident_actions", [])
    )
    depending = sum(bool(s.get("depends_on")) for s in services) / len(services)
    owners = {s["key"]: s["owner"] for s in services}
    across_teams = sum(owners[d] != s["owner"] for s in services for d in s.get("depends_on", []))

    assert 0.75 <= bound <= 0.95
    assert 0.4 <= with_actions <= 0.8
    assert automatic > 0
    assert 0.4 <= depending <= 0.8
    assert across_teams > 0


def test_every_address_is_at_example_com() -> None:
    org = evolve_org(generate_org(10))

    assert all(p["email"].endswith("@example.com") for p in org["people"])


def test_the_next_version_moves_adds_and_removes_about_five_percent_of_people() -> None:
    first = generate_org(100)
    second = evolve_org(first)

    before = {p["email"] for p in first["people"]}
    after = {p["email"] for p in second["people"]}
    changed = changed_people(first, second)

    assert 0.04 <= len(changed) / len(before) <= 0.06
    assert after - before, "some people are added"
    assert before - after, "some people are removed"
    assert changed - (after - before) - (before - after), "some people move between teams"


def test_generated_catalogs_of_ten_teams_load_without_errors(tmp_path: Path) -> None:
    for path in write_versions(10, tmp_path):
        result = load_catalog(path)

        assert result.catalog is not None, path
        assert [f.render() for f in result.findings if f.severity == "error"] == []
