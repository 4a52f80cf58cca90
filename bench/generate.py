"""Deterministic synthetic organisations: a catalog of any number of teams, and its next version.

`generate_org(teams)` builds an organisation of about ten people and three services per team.
Teams come in departments of ten: the first team of each department is the parent of the other
nine. Every team has a primary schedule, most have a secondary one, some add a business-hours
layer with a weekly restriction; every team has an escalation policy (schedules, then the
manager). Most services are bound to Harness, many have incident actions (rollback buttons,
automatic pauses, release tags), and about half depend on other services: mostly in the same
team or department, sometimes anywhere earlier in the catalog (so dependencies never form a
cycle). The proportions follow the bundled example catalog.

`evolve_org` derives the next version: about 5% of the people moved to another team, added or
removed, with their rotations kept valid. The same arguments give the same catalog byte for
byte: every random choice comes from a `random.Random` seeded with a string, which does not
depend on PYTHONHASHSEED. Every address is @example.com.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
from pathlib import Path
from typing import Any

import yaml

Data = dict[str, Any]

DEPARTMENT_SIZE = 10
CHURN = 0.05
ANCHOR = dt.date(2026, 1, 5)  # a Monday: every rotation hands off from here

_FIRST = (
    "ada", "bo", "cleo", "dara", "emil", "fern", "gus", "hana", "ivo", "jun", "kai", "lena",
    "milo", "nia", "otto", "pia", "quin", "rosa", "sami", "tova", "uma", "vik", "wes", "xia",
    "yara", "zed", "arlo", "bea", "cyrus", "dina", "ezra", "faye", "gil", "hugo", "iris", "jade",
    "kofi", "lior", "maya", "nils", "odile", "pavel", "rhea", "soren", "tali", "uri", "vera",
    "wren", "yusuf", "zora", "anouk", "basil", "coral", "dev", "elin", "farah", "greta", "hal",
)  # fmt: skip
_LAST_HEAD = (
    "bright", "kettle", "ash", "fern", "pebble", "quill", "river", "mist", "lantern", "ember",
    "hollow", "coin", "ledger", "tally", "vault", "penny", "cart", "basket", "till", "order",
    "key", "token", "lock", "badge", "index", "rank", "query", "bell", "ping", "chime",
)  # fmt: skip
_LAST_TAIL = (
    "water", "born", "combe", "hill", "stone", "vale", "wick", "brook", "worth", "field",
    "mere", "fold", "more", "ley", "ford", "haven", "wood", "gate", "well", "croft",
)  # fmt: skip
_DEPARTMENTS = (
    "platform", "payments", "checkout", "identity", "search", "notifications", "logistics",
    "growth", "mobile", "data", "risk", "billing", "catalog", "support", "marketplace",
    "security", "media", "pricing", "partners", "insights",
)  # fmt: skip
_TEAM_WORDS = (
    "core", "edge", "api", "ledger", "intake", "routing", "storage", "tooling", "quality",
)  # fmt: skip
_ZONES = (
    "Europe/Berlin", "Europe/London", "America/New_York", "America/Los_Angeles",
    "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
)  # fmt: skip
_SERVICE_KINDS = (
    "api", "worker", "web", "store", "gateway", "scheduler", "indexer", "cache", "events",
    "reports", "sync", "admin",
)  # fmt: skip
_HANDOFFS = ("08:00", "09:00", "09:30", "10:00", "11:00")
_LENGTHS = (("weekly", 6), ("daily", 3), ("12h", 1))


def generate_org(teams: int, seed: int = 1) -> Data:
    """The catalog data (as `yaml` would load it) of an organisation of `teams` teams."""
    if teams < 1:
        raise ValueError("an organisation has at least one team")
    rng = random.Random(f"teamcat-bench-org-{teams}-{seed}")
    org = _Org(rng)
    for index in range(teams):
        org.add_team(index)
    return {"version": 1, "people": org.people, "teams": org.teams, "services": org.services}


def evolve_org(data: Data, seed: int = 1) -> Data:
    """The next version of `data`: about 5% of its people moved, added or removed."""
    rng = random.Random(f"teamcat-bench-evolve-{len(data['teams'])}-{seed}")
    result = copy.deepcopy(data)
    changes = max(3, round(CHURN * len(result["people"])))
    moves = round(changes * 0.4)
    additions = round(changes * 0.3)
    removals = changes - moves - additions
    candidates = _movable(result)
    rng.shuffle(candidates)
    for email, team in candidates:
        if moves and _leave(team, email):
            _join(email, rng.choice([t for t in result["teams"] if t is not team]))
            moves -= 1
        elif not moves and removals and _leave(team, email):
            result["people"] = [p for p in result["people"] if p["email"] != email]
            removals -= 1
        if not moves and not removals:
            break
    names = _Names(rng, taken={p["email"] for p in result["people"]})
    for _ in range(additions):
        team = rng.choice(result["teams"])
        person = names.person(team["on_call"]["schedules"][0]["time_zone"])
        result["people"].append(person)
        _join(person["email"], team)
    return result


def changed_people(before: Data, after: Data) -> set[str]:
    """People who were added, removed, or whose set of teams differs between two versions."""
    old, new = _teams_by_person(before), _teams_by_person(after)
    return {email for email in old.keys() | new.keys() if old.get(email) != new.get(email)}


def render_catalog(data: Data, title: str) -> str:
    """The catalog as YAML: block mappings, short entries and lists inline, a header comment."""
    body = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=None,
        width=100,
        allow_unicode=True,
    )
    header = (
        f"# {title}\n"
        "# Generated by bench/generate.py for the scale benchmark; every person is invented.\n"
    )
    return header + body


def write_versions(teams: int, directory: Path, seed: int = 1) -> tuple[Path, Path]:
    """Write the organisation of `teams` teams and its next version; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    first = generate_org(teams, seed)
    second = evolve_org(first, seed)
    paths = (directory / f"org-{teams}-v1.yaml", directory / f"org-{teams}-v2.yaml")
    for path, data, version in zip(paths, (first, second), (1, 2), strict=True):
        title = f"Synthetic organisation of {teams} teams, version {version} (seed {seed})."
        path.write_text(render_catalog(data, title), encoding="utf-8")
    return paths


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """The fast dumper, writing a repeated value out instead of as a YAML alias."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _Names:
    """Invented people with unique addresses."""

    def __init__(self, rng: random.Random, taken: set[str] | None = None) -> None:
        self.rng = rng
        self.taken = set(taken or ())

    def person(self, zone: str) -> Data:
        first = self.rng.choice(_FIRST)
        last = self.rng.choice(_LAST_HEAD) + self.rng.choice(_LAST_TAIL)
        email = f"{first}.{last}@example.com"
        number = 2
        while email in self.taken:
            email = f"{first}.{last}{number}@example.com"
            number += 1
        self.taken.add(email)
        return {"email": email, "name": f"{first.title()} {last.title()}", "time_zone": zone}


def _team_key(index: int) -> tuple[str, str | None]:
    """The key of team `index` and the key of its parent (None for a department's head)."""
    department, position = divmod(index, DEPARTMENT_SIZE)
    word = _DEPARTMENTS[department % len(_DEPARTMENTS)]
    cycle = department // len(_DEPARTMENTS)
    head = word if cycle == 0 else f"{word}-{cycle + 1}"
    if position == 0:
        return head, None
    return f"{head}-{_TEAM_WORDS[position - 1]}", head


class _Org:
    """An organisation being built, team by team, with lookups the generator needs."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = _Names(rng)
        self.people: list[Data] = []
        self.teams: list[Data] = []
        self.services: list[Data] = []
        self.by_key: dict[str, Data] = {}
        self.department_services: dict[str, list[Data]] = {}

    def add_team(self, index: int) -> None:
        rng = self.rng
        key, parent = _team_key(index)
        zone = rng.choice(_ZONES)
        size = rng.choice((8, 9, 10, 10, 11, 12))
        own = [
            self.names.person(zone if rng.random() < 0.8 else rng.choice(_ZONES))
            for _ in range(size)
        ]
        self.people.extend(own)
        members = [{"email": own[0]["email"], "role": "manager"}]
        members += [{"email": p["email"], "role": "responder"} for p in own[1:]]
        if rng.random() < 0.1:
            members[-1]["role"] = "observer"
        if parent is not None and rng.random() < 0.15:
            # The department's manager often watches its teams.
            head = self.by_key[parent]["members"][0]["email"]
            members.append({"email": head, "role": "observer"})
        title = key.replace("-", " ").title()
        team: Data = {"key": key, "name": title}
        if rng.random() < 0.6:
            team["description"] = f"Runs the {title} services."
        if parent is not None:
            team["parent"] = parent
        team["members"] = members
        department = parent or key
        roles = ["_pipeline_executor"] + (["_project_viewer"] if rng.random() < 0.3 else [])
        team["harness"] = {
            "org": department.replace("-", "_"),
            "project": key.replace("-", "_"),
            "roles": roles,
        }
        team["on_call"] = _on_call(rng, title, zone, members)
        self.teams.append(team)
        self.by_key[key] = team
        self.add_services(team, department)

    def add_services(self, team: Data, department: str) -> None:
        rng = self.rng
        nearby = self.department_services.setdefault(department, [])
        made: list[Data] = []
        for kind in rng.sample(_SERVICE_KINDS, rng.choice((2, 3, 3, 3, 4))):
            service = _service(rng, team, kind)
            depends = _dependencies(rng, made, nearby, self.services)
            if depends:
                service["depends_on"] = depends
            made.append(service)
        self.services.extend(made)
        nearby.extend(made)


def _on_call(rng: random.Random, title: str, zone: str, members: list[Data]) -> Data:
    responders = [m["email"] for m in members if m["role"] == "responder"]
    manager = members[0]["email"]
    rng.shuffle(responders)
    length = rng.choices([n for n, _ in _LENGTHS], [w for _, w in _LENGTHS])[0]
    handoff = rng.choice(_HANDOFFS)
    primary: Data = {
        "key": "primary",
        "name": f"{title} primary",
        "time_zone": zone,
        "rotations": [_rotation(length, responders, handoff)],
    }
    if rng.random() < 0.2:
        business = _rotation("weekly", responders[: rng.randint(1, 2)], handoff)
        business["name"] = "business-hours"
        business["restrictions"] = [
            {"type": "weekly", "day": "monday", "start": "09:00", "duration": "4d8h"}
        ]
        primary["rotations"].append(business)
    schedules = [primary]
    levels: list[Data] = [
        {"delay_minutes": rng.choice((5, 10, 15)), "targets": [{"schedule": "primary"}]}
    ]
    if rng.random() < 0.7:
        half = len(responders) // 2
        order = responders[half:] + responders[:half]
        schedules.append(
            {
                "key": "secondary",
                "name": f"{title} secondary",
                "time_zone": zone,
                "rotations": [_rotation("weekly", order, handoff)],
            }
        )
        levels.append(
            {"delay_minutes": rng.choice((10, 15, 20)), "targets": [{"schedule": "secondary"}]}
        )
    levels.append({"delay_minutes": 30, "targets": [{"person": manager}]})
    return {"schedules": schedules, "escalation": {"loops": rng.randint(0, 2), "levels": levels}}


def _rotation(length: str, members: list[str], handoff: str) -> Data:
    return {
        "name": length if length != "12h" else "follow-the-sun",
        "members": list(members),
        "length": length,
        "handoff": handoff,
        "start": ANCHOR,
    }


def _service(rng: random.Random, team: Data, kind: str) -> Data:
    key = f"{team['key']}-{kind}"
    service: Data = {"key": key, "name": key.replace("-", " ").title(), "owner": team["key"]}
    if rng.random() < 0.3:
        service["description"] = f"The {kind} of {team['name']}."
    if team.get("parent") and rng.random() < 0.03:
        service["escalation_policy"] = team["parent"]
    service["urgency"] = "low" if rng.random() < 0.2 else "high"
    if rng.random() < 0.05:
        service["change_events"] = False
    if rng.random() < 0.85:
        _bind_harness(rng, service, team)
    return service


def _bind_harness(rng: random.Random, service: Data, team: Data) -> None:
    ident = service["key"].replace("-", "_")
    pipelines = [f"deploy_{ident}", f"rollback_{ident}"]
    actions: list[Data] = []
    if rng.random() < 0.6:
        actions.append({"action": "rollback", "pipeline": f"rollback_{ident}"})
    if rng.random() < 0.4:
        pipelines.append(f"pause_{ident}")
        automatic = rng.random() < 0.5
        actions.append(
            {"action": "pause", "pipeline": f"pause_{ident}", "mode": "automatic"}
            | ({"events": ["incident.triggered"]} if automatic else {"mode": "button"})
        )
    if rng.random() < 0.1:
        pipelines.append("tag_release")
        actions.append({"action": "tag", "pipeline": "tag_release", "mode": "button"})
    service["harness"] = {
        "project": team["harness"]["project"],
        "service": ident,
        "pipelines": pipelines,
        "deploy_pipeline": pipelines[0],
    }
    if actions:
        service["incident_actions"] = actions


def _dependencies(
    rng: random.Random, same_team: list[Data], nearby: list[Data], anywhere: list[Data]
) -> list[str]:
    wanted = rng.choices((0, 1, 2), (4, 4, 2))[0]
    chosen: list[str] = []
    for _ in range(wanted):
        roll = rng.random()
        pool = same_team if roll < 0.5 else nearby if roll < 0.8 else anywhere
        pool = pool or same_team or nearby or anywhere
        if pool:
            key = rng.choice(pool)["key"]
            if key not in chosen:
                chosen.append(key)
    return chosen


def _teams_by_person(data: Data) -> dict[str, frozenset[str]]:
    teams: dict[str, set[str]] = {p["email"]: set() for p in data["people"]}
    for team in data["teams"]:
        for member in team["members"]:
            teams.setdefault(member["email"], set()).add(team["key"])
    return {email: frozenset(keys) for email, keys in teams.items()}


def _movable(data: Data) -> list[tuple[str, Data]]:
    """(e-mail, team) of responders in exactly one team who are no escalation target.

    Those can move or leave without breaking an escalation policy.
    """
    memberships = _teams_by_person(data)
    targets = {
        target["person"]
        for team in data["teams"]
        for level in team["on_call"]["escalation"]["levels"]
        for target in level["targets"]
        if "person" in target
    }
    return [
        (member["email"], team)
        for team in data["teams"]
        for member in team["members"]
        if member["role"] == "responder"
        and len(memberships[member["email"]]) == 1
        and member["email"] not in targets
    ]


def _leave(team: Data, email: str) -> bool:
    """Take `email` out of `team` and its rotations; False (no change) if a rotation would empty."""
    rotations = [r for s in team["on_call"]["schedules"] for r in s["rotations"]]
    if any(r["members"] == [email] for r in rotations):
        return False
    team["members"] = [m for m in team["members"] if m["email"] != email]
    for rotation in rotations:
        rotation["members"] = [e for e in rotation["members"] if e != email]
    return True


def _join(email: str, team: Data) -> None:
    team["members"].append({"email": email, "role": "responder"})
    team["on_call"]["schedules"][0]["rotations"][0]["members"].append(email)
