"""Sharding: which teams a slice takes, what it reads from other stacks, and the sliced plan."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench.generate import render_catalog
from infra.catalog.loader import load_catalog
from infra.cli.plan import render_slices
from infra.core.slices import (
    SliceError,
    assign_teams,
    parse_slices,
    select_slice,
    slice_settings,
)
from infra.core.state import DesiredState, resolve
from infra.program.main import run
from infra.program.offline import Plan, catalog_people, catalog_stack_outputs, run_offline
from infra.program.settings import SettingsError, parse_settings
from tests.conftest import stack_config

SLICES = {
    "money": {"under": ["payments"], "stack": "acme/teamcat/money"},
    "core": {"teams": ["eng", "search"], "stack": "acme/teamcat/core"},
    "rest": {"rest": True, "stack": "acme/teamcat/rest"},
}


def _team(key: str, parent: str | None, members: list[str]) -> dict[str, Any]:
    emails = [f"{m}@example.com" for m in members]
    team: dict[str, Any] = {"key": key, "name": key.title()}
    if parent:
        team["parent"] = parent
    team["members"] = [{"email": emails[0], "role": "manager"}] + [{"email": e} for e in emails[1:]]
    team["on_call"] = {
        "schedules": [
            {
                "key": "primary",
                "name": f"{key} primary",
                "time_zone": "Europe/London",
                "rotations": [
                    {"name": "weekly", "members": emails, "length": "weekly", "start": "2026-01-05"}
                ],
            }
        ],
        "escalation": {"levels": [{"delay_minutes": 15, "targets": [{"schedule": "primary"}]}]},
    }
    return team


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    people = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
    data = {
        "version": 1,
        "people": [
            {"email": f"{p}@example.com", "name": f"Person {p.upper()}", "time_zone": "UTC"}
            for p in people
        ],
        "teams": [
            _team("eng", None, ["a", "b"]),
            _team("payments", "eng", ["c", "d", "b"]),
            _team("ledger", "payments", ["e", "f"]),
            _team("search", "eng", ["g", "h"]),
            _team("ops", None, ["i", "j"]),
        ],
        "services": [
            {
                "key": "ledger-api",
                "name": "Ledger API",
                "owner": "ledger",
                "depends_on": ["search-api"],
            },
            {
                "key": "payments-api",
                "name": "Payments",
                "owner": "payments",
                "escalation_policy": "ops",
            },
            {"key": "search-api", "name": "Search API", "owner": "search"},
        ],
    }
    path = tmp_path_factory.mktemp("sliced") / "catalog.yaml"
    path.write_text(render_catalog(data, "sharding test"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def state(catalog: Path) -> DesiredState:
    loaded = load_catalog(catalog)
    assert loaded.catalog is not None, [f.render() for f in loaded.findings]
    return resolve(loaded.catalog)


def test_under_takes_a_subtree_teams_take_exact_keys_rest_takes_the_others(
    state: DesiredState,
) -> None:
    owner = assign_teams(state, parse_slices(SLICES))

    assert owner == {
        "eng": "core",
        "ledger": "money",
        "ops": "rest",
        "payments": "money",
        "search": "core",
    }


def test_a_listed_team_beats_an_under_and_the_nearer_under_wins(state: DesiredState) -> None:
    specs = parse_slices(
        {
            "all": {"under": ["eng"], "stack": "s/all"},
            "pay": {"under": ["payments"], "stack": "s/pay"},
            "one": {"teams": ["ledger", "ops"], "stack": "s/one"},
        }
    )

    owner = assign_teams(state, specs)

    assert owner["payments"] == "pay"
    assert owner["ledger"] == "one"
    assert owner["search"] == "all"


def test_every_team_needs_exactly_one_slice_of_known_teams(state: DesiredState) -> None:
    specs = parse_slices(
        {
            "a": {"teams": ["eng", "ghost"], "stack": "s/a"},
            "b": {"teams": ["eng"], "stack": "s/b"},
        }
    )

    with pytest.raises(SliceError) as caught:
        assign_teams(state, specs)

    problems = caught.value.problems
    assert "slice `a` names team `ghost`, which is not in the catalog" in problems
    assert "team `eng` is in slices `a` and `b`" in problems
    assert any(p.startswith("team `ops` is in no slice") for p in problems)


def test_malformed_slices_are_all_reported() -> None:
    with pytest.raises(SliceError) as caught:
        parse_slices(
            {
                "a": {"under": ["eng"], "colour": "red", "stack": "s/a"},
                "b": {"teams": ["x"]},
                "c": {"stack": "s/c"},
                "d": {"rest": True, "stack": "s/d"},
                "e": {"rest": True, "stack": "s/e"},
            }
        )

    problems = " | ".join(caught.value.problems)
    assert "teamcat:slices.a has unknown field(s) colour" in problems
    assert "teamcat:slices.b needs `stack`" in problems
    assert "teamcat:slices.c takes no team" in problems
    assert "only one slice may take the `rest`" in problems


def test_slice_and_slices_settings_go_together() -> None:
    problems: list[str] = []

    assert slice_settings(None, None, problems) == (None, ())
    slice_settings("money", None, problems)
    slice_settings("money", "not json", problems)
    slice_settings("nope", json.dumps(SLICES), problems)

    assert problems[0].startswith("teamcat:slice and teamcat:slices go together")
    assert problems[1].startswith("teamcat:slices is not a mapping")
    assert (
        problems[2]
        == "teamcat:slice is `nope`, which teamcat:slices does not define (core, money, rest)"
    )
    with pytest.raises(SettingsError, match="teamcat:slice and teamcat:slices go together"):
        parse_settings(lambda key: {"slice": "money"}.get(key))


def test_a_slice_reads_parents_policies_services_and_users_of_other_slices(
    state: DesiredState,
) -> None:
    money = select_slice(state, parse_slices(SLICES), "money")

    assert sorted(money.state.teams) == ["ledger", "payments"]
    assert sorted(money.state.services) == ["ledger-api", "payments-api"]
    assert money.elsewhere.teams == {"eng": "core"}
    assert money.elsewhere.escalation_policies == {"ops": "rest"}
    assert money.elsewhere.services == {"search-api": "core"}
    # b is in eng and payments: the first team by key, eng, declares b's user.
    assert money.elsewhere.users == {"b@example.com": "core"}
    assert "b@example.com" not in money.home_people
    assert money.elsewhere.slices() == {"core", "rest"}


def _plan(catalog: Path, slice_name: str | None) -> Plan:
    overrides = {"slice": slice_name, "slices": json.dumps(SLICES)} if slice_name else {}
    config, secrets = stack_config("dev", **overrides)
    loaded = load_catalog(catalog)
    return run_offline(
        lambda: run(str(catalog), loaded),
        people=catalog_people(loaded),
        stack="dev",
        config=config,
        secret_keys=secrets,
        stack_outputs=catalog_stack_outputs(loaded),
    )


def test_the_slices_together_declare_what_one_stack_would(catalog: Path) -> None:
    whole = {r.name for r in _plan(catalog, None).resources}
    parts = {name: {r.name for r in _plan(catalog, name).resources} for name in SLICES}

    assert set().union(*parts.values()) == whole
    assert not parts["money"] & parts["core"]
    assert not parts["money"] & parts["rest"]
    assert not parts["core"] & parts["rest"]


def test_a_sliced_plan_refers_to_other_stacks_by_their_outputs(catalog: Path) -> None:
    plan = _plan(catalog, "money")

    assert plan.named("pd-team-payments").inputs["parent"] == (
        "placeholder-acme/teamcat/core-pd-team-eng"
    )
    assert plan.named("pd-service-payments-api").inputs["escalationPolicy"] == (
        "placeholder-acme/teamcat/rest-pd-escalation-ops"
    )
    dependency = plan.named("pd-depends-ledger-api-on-search-api").inputs["dependency"]
    assert dependency["supportingServices"][0]["id"] == (
        "placeholder-acme/teamcat/core-pd-service-search-api"
    )
    membership = plan.named("pd-member-payments-b-at-example-com").inputs
    assert membership["userId"] == "placeholder-acme/teamcat/core-pd-user-b@example.com"
    assert "pd-user-b-at-example-com" not in {r.name for r in plan.resources}


def test_plan_shows_the_counts_of_every_stack(state: DesiredState) -> None:
    settings = parse_settings(
        lambda key: {
            "slice": "money",
            "slices": json.dumps(SLICES),
            "oktaPagerdutyAppId": "x",
            "oktaHarnessAppId": "y",
            "harnessSsoId": "s",
            "harnessSsoDisplayName": "S",
        }.get(key)
    )

    lines = render_slices(state, settings, "money-prod")

    assert lines[0] == "Slices (stack `money-prod` declares `money`):"
    rows = {line.split()[0]: line.split() for line in lines[2:5]}
    assert rows["money"][1:4] == ["*", "2", "2"]
    assert rows["core"][1:3] == ["2", "1"]
    assert rows["rest"][1:3] == ["1", "0"]
    wrapped = " ".join(line.strip() for line in lines[5:])
    assert wrapped == (
        "cross-stack references: 4 (1 parent teams, 1 escalation policies, 1 supporting "
        "services, 1 users) from core, rest"
    )
    assert all(len(line) <= 100 for line in lines)
