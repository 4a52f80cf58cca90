"""Line the base state up with the head's keys, so a rename is never read as remove-and-add.

A team or service whose head entry lists an old key under `renamed_from` keeps its resources
(the program declares aliases). The base state is rewritten with the new keys everywhere they
appear (owners, parents, dependencies, each person's access). A paired team's Okta group that
changed name (a default `team-<key>` group follows its key) is the same group renamed in place,
so it is mapped to its new name: a pure rename shows no access change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from infra.core.state import DesiredState, PersonAccess, ServiceState, TeamState

KeyMap = Callable[[str], str]


@dataclass(frozen=True)
class Renames:
    """Old key -> new key, for teams and services renamed between base and head."""

    teams: dict[str, str]
    services: dict[str, str]


def find_renames(base: DesiredState, head: DesiredState) -> Renames:
    """The renames head declares through `renamed_from` whose old key base still uses."""
    return Renames(
        teams=_renamed(base.teams, {k: t.renamed_from for k, t in head.teams.items()}),
        services=_renamed(base.services, {k: s.renamed_from for k, s in head.services.items()}),
    )


def align_base(base: DesiredState, head: DesiredState) -> tuple[DesiredState, Renames]:
    """The base state under head's keys, and the renames that were applied."""
    renames = find_renames(base, head)
    team_key = _mapper(renames.teams)
    service_key = _mapper(renames.services)

    keyed = {team_key(k): t for k, t in base.teams.items()}
    groups = {
        team.okta_group: head.teams[key].okta_group
        for key, team in keyed.items()
        if key in head.teams and head.teams[key].okta_group != team.okta_group
    }
    teams = {k: _team(t, team_key, groups) for k, t in keyed.items()}
    services = {
        service_key(k): _service(s, team_key, service_key) for k, s in base.services.items()
    }
    access = {e: _access(a, team_key, groups) for e, a in base.access.items()}

    return DesiredState(base.people, teams, services, access), renames


def _renamed(old: Mapping[str, object], renamed_from: dict[str, tuple[str, ...]]) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, earlier in renamed_from.items():
        if key in old:
            continue
        # The newest earlier key is the one the base most likely still uses.
        for previous in reversed(earlier):
            if previous in old and previous not in renamed_from:
                found[previous] = key
                break
    return found


def _mapper(mapping: dict[str, str]) -> KeyMap:
    return lambda key: mapping.get(key, key)


def _team(team: TeamState, team_key: KeyMap, groups: dict[str, str]) -> TeamState:
    return dataclasses.replace(
        team,
        key=team_key(team.key),
        parent=team_key(team.parent) if team.parent else None,
        okta_group=groups.get(team.okta_group, team.okta_group),
    )


def _service(service: ServiceState, team_key: KeyMap, service_key: KeyMap) -> ServiceState:
    return dataclasses.replace(
        service,
        key=service_key(service.key),
        owner=team_key(service.owner),
        policy_team=team_key(service.policy_team),
        depends_on=tuple(service_key(d) for d in service.depends_on),
    )


def _access(access: PersonAccess, team_key: KeyMap, groups: dict[str, str]) -> PersonAccess:
    return dataclasses.replace(
        access,
        okta_groups=tuple(sorted(groups.get(g, g) for g in access.okta_groups)),
        pagerduty_roles=tuple(sorted((team_key(t), r) for t, r in access.pagerduty_roles)),
        rotations=tuple(sorted((team_key(t), s, r) for t, s, r in access.rotations)),
        escalation_levels=tuple(sorted((team_key(t), n) for t, n in access.escalation_levels)),
    )
