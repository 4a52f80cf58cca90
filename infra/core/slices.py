"""Slices: one catalog split across several Pulumi stacks, each declaring part of it.

Every stack of a sliced organisation carries the same `teamcat:slices` setting, naming each
slice, the teams it takes and the stack that declares it, and its own `teamcat:slice`:

    teamcat:slice: platform
    teamcat:slices:
      platform: {under: [platform], stack: acme/teamcat/prod-platform}
      commerce: {teams: [payments, checkout], stack: acme/teamcat/prod-commerce}
      rest: {rest: true, stack: acme/teamcat/prod-rest}

`under` takes the listed teams and every team below them, `teams` exactly the listed teams,
`rest` every team no other slice takes. A team named by `teams` goes there even when it is below
an `under` team of another slice; below two `under` teams, the nearer one wins. Services go with
their owner. What a slice's teams and services refer to in another slice (a parent team, the
escalation policy of another team, a supporting service, a PagerDuty user declared by the stack
of the person's first team) is read from that slice's stack outputs instead of declared twice.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from infra.core.state import DesiredState, TeamState

_FIELDS = {"under", "teams", "rest", "stack"}


class SliceError(ValueError):
    """The slices do not fit the catalog or are malformed; `problems` says each fix."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class SliceSpec:
    """One slice as the stack settings define it."""

    name: str
    stack: str
    under: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    rest: bool = False


@dataclass(frozen=True)
class Elsewhere:
    """What a slice refers to in other slices: key (or e-mail) -> the slice that declares it."""

    teams: dict[str, str] = field(default_factory=dict)
    escalation_policies: dict[str, str] = field(default_factory=dict)
    services: dict[str, str] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)

    def slices(self) -> set[str]:
        """Every other slice this one reads from."""
        maps = (self.teams, self.escalation_policies, self.services, self.users)
        return {name for mapping in maps for name in mapping.values()}

    def count(self) -> int:
        maps = (self.teams, self.escalation_policies, self.services, self.users)
        return sum(len(mapping) for mapping in maps)


@dataclass(frozen=True)
class Slice:
    """The part of the desired state one stack declares, and what it reads from the others."""

    name: str
    state: DesiredState
    home_people: frozenset[str]  # people whose PagerDuty user this slice declares when managed
    elsewhere: Elsewhere


def slice_settings(
    chosen: str | None, defined: str | None, problems: list[str]
) -> tuple[str | None, tuple[SliceSpec, ...]]:
    """`teamcat:slice` and `teamcat:slices` (JSON, as `pulumi.Config.get` gives an object).

    Problems are appended to `problems`, each naming the setting and the fix.
    """
    if not chosen and not defined:
        return None, ()
    if not chosen or not defined:
        problems.append(
            "teamcat:slice and teamcat:slices go together: set both (see docs/sharding.md) "
            "or neither"
        )
        return None, ()
    try:
        raw = json.loads(defined)
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        problems.append(
            "teamcat:slices is not a mapping of slice names to {under|teams|rest, stack}: "
            "see docs/sharding.md"
        )
        return None, ()
    try:
        specs = parse_slices(raw)
    except SliceError as exc:
        problems.extend(exc.problems)
        return None, ()
    if chosen not in {s.name for s in specs}:
        problems.append(
            f"teamcat:slice is `{chosen}`, which teamcat:slices does not define "
            f"({', '.join(s.name for s in specs)})"
        )
    return chosen, specs


def parse_slices(raw: Mapping[str, Any]) -> tuple[SliceSpec, ...]:
    """Slice definitions from the `teamcat:slices` setting; SliceError lists every problem."""
    problems: list[str] = []
    specs = [_spec(name, value, problems) for name, value in raw.items()]
    if sum(1 for s in specs if s.rest) > 1:
        problems.append("only one slice may take the `rest`")
    if problems:
        raise SliceError(problems)
    return tuple(sorted(specs, key=lambda s: s.name))


def assign_teams(state: DesiredState, specs: Iterable[SliceSpec]) -> dict[str, str]:
    """The slice of every team; SliceError when a team has none, two, or a key is unknown."""
    specs = list(specs)
    problems = [
        f"slice `{spec.name}` names team `{key}`, which is not in the catalog"
        for spec in specs
        for key in (*spec.under, *spec.teams)
        if key not in state.teams
    ]
    explicit: dict[str, str] = {}
    for spec in specs:
        for key in spec.teams:
            if key in explicit and explicit[key] != spec.name:
                problems.append(f"team `{key}` is in slices `{explicit[key]}` and `{spec.name}`")
            explicit.setdefault(key, spec.name)
    roots = {key: spec.name for spec in specs for key in spec.under}
    rest = next((spec.name for spec in specs if spec.rest), None)
    owner: dict[str, str] = {}
    for key in state.teams:
        chosen = explicit.get(key) or _nearest_root(state, key, roots) or rest
        if chosen is None:
            problems.append(
                f"team `{key}` is in no slice: add it to one, or give one slice `rest: true`"
            )
        else:
            owner[key] = chosen
    if problems:
        raise SliceError(problems)
    return owner


def select_slice(state: DesiredState, specs: Iterable[SliceSpec], name: str) -> Slice:
    """The slice `name` of `state`: its teams, their services and people, and its references."""
    specs = list(specs)
    if name not in {s.name for s in specs}:
        known = ", ".join(s.name for s in specs) or "none"
        raise SliceError(
            [f"teamcat:slice is `{name}`, which `teamcat:slices` does not define ({known})"]
        )
    team_slice = assign_teams(state, specs)
    teams = {k: t for k, t in state.teams.items() if team_slice[k] == name}
    services = {k: s for k, s in state.services.items() if team_slice[s.owner] == name}
    referenced = {email for team in teams.values() for email in _people_of(team)}
    people = {e: p for e, p in state.people.items() if e in referenced}
    home = home_slices(state, team_slice)
    sliced = dataclasses.replace(
        state,
        people=people,
        teams=teams,
        services=services,
        access={e: a for e, a in state.access.items() if e in people},
    )
    elsewhere = Elsewhere(
        teams={
            t.parent: team_slice[t.parent]
            for t in teams.values()
            if t.parent and team_slice[t.parent] != name
        },
        escalation_policies={
            s.policy_team: team_slice[s.policy_team]
            for s in services.values()
            if team_slice[s.policy_team] != name
        },
        services={
            d: team_slice[state.services[d].owner]
            for s in services.values()
            for d in s.depends_on
            if team_slice[state.services[d].owner] != name
        },
        users={e: home[e] for e in people if home[e] != name},
    )
    mine = frozenset(e for e in people if home[e] == name)
    return Slice(name, sliced, mine, elsewhere)


def home_slices(state: DesiredState, team_slice: Mapping[str, str]) -> dict[str, str]:
    """The slice that declares each person's PagerDuty user: that of their first team by key.

    A person who is no member anywhere belongs with the first team that names them as an
    escalation target; someone nobody refers to goes with the first slice by name.
    """
    home: dict[str, str] = {}
    for key in sorted(state.teams):
        team = state.teams[key]
        for email in team.emails:
            home.setdefault(email, team_slice[key])
    for key in sorted(state.teams):
        for email in _people_of(state.teams[key]):
            home.setdefault(email, team_slice[key])
    fallback = min(team_slice.values(), default="")
    return {email: home.get(email, fallback) for email in state.people}


def slice_counts(state: DesiredState, specs: Iterable[SliceSpec]) -> dict[str, tuple[int, int]]:
    """(teams, services) per slice, for the per-stack table of `teamcat plan`."""
    specs = list(specs)
    team_slice = assign_teams(state, specs)
    counts = {spec.name: (0, 0) for spec in specs}
    for key in state.teams:
        teams, services = counts[team_slice[key]]
        counts[team_slice[key]] = (teams + 1, services)
    for service in state.services.values():
        teams, services = counts[team_slice[service.owner]]
        counts[team_slice[service.owner]] = (teams, services + 1)
    return counts


def without_people(state: DesiredState, keep: Iterable[str]) -> DesiredState:
    """`state` with only the people in `keep` (the users a sliced stack declares itself)."""
    wanted = set(keep)
    return dataclasses.replace(state, people={e: p for e, p in state.people.items() if e in wanted})


def _spec(name: str, value: Any, problems: list[str]) -> SliceSpec:
    where = f"teamcat:slices.{name}"
    if not isinstance(value, dict):
        problems.append(f"{where} is not a mapping such as {{under: [team], stack: org/proj/st}}")
        return SliceSpec(name, "")
    unknown = sorted(set(value) - _FIELDS)
    if unknown:
        problems.append(f"{where} has unknown field(s) {', '.join(unknown)}; use {sorted(_FIELDS)}")
    stack = value.get("stack")
    if not isinstance(stack, str) or not stack:
        problems.append(f"{where} needs `stack`: the stack that declares this slice")
    under, teams = (
        _keys(value.get("under"), where, problems),
        _keys(value.get("teams"), where, problems),
    )
    rest = value.get("rest") is True
    if not (under or teams or rest):
        problems.append(f"{where} takes no team: give it `under`, `teams` or `rest: true`")
    return SliceSpec(name, stack if isinstance(stack, str) else "", under, teams, rest)


def _keys(value: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: `under` and `teams` are lists of team keys")
        return ()
    return tuple(value)


def _nearest_root(state: DesiredState, key: str, roots: Mapping[str, str]) -> str | None:
    seen: set[str] = set()
    current: str | None = key
    while current is not None and current not in seen:
        if current in roots:
            return roots[current]
        seen.add(current)
        parent = state.teams.get(current)
        current = parent.parent if parent else None
    return None


def _people_of(team: TeamState) -> set[str]:
    """Everyone a team's resources name: members, rotation members, person targets."""
    people = set(team.emails)
    for schedule in team.schedules:
        for rotation in schedule.rotations:
            people.update(rotation.members)
    if team.escalation is not None:
        for level in team.escalation.levels:
            people.update(t.ref for t in level.targets if t.kind == "person")
    return people
