"""From a resource's logical name back to the catalog entry that declared it.

Every resource name is `<kind>-<key>[-<more>]`, built from catalog keys (infra/core/names.py).
The longest team or service key found as whole name segments names the entry; the segments
after it refine the path to a schedule, a role, an incident action or the escalation policy.
A name that matches no key points at the top of the catalog.
"""

from __future__ import annotations

from infra.catalog.yamlsource import PathKey
from infra.core.state import DesiredState, ServiceState, TeamState
from infra.rules.where import CatalogPaths

# Kinds whose names carry a team key even where a service has the same key.
_TEAM_KINDS = (
    "pd-team",
    "pd-member",
    "pd-schedule",
    "pd-escalation",
    "okta",
    "harness-group",
    "harness-role",
)


def locate_resource(name: str, state: DesiredState, where: CatalogPaths) -> PathKey:
    """The catalog path of the entry that declared the resource `name`."""
    parts = name.split("-")
    match = _longest_key(parts, state, prefer_team=name.startswith(_TEAM_KINDS))
    if match is None:
        return ()
    kind, key, rest = match
    if kind == "team":
        return _in_team(state.teams[key], parts[0:2], rest, where)
    return _in_service(state.services[key], rest, where)


def _longest_key(
    parts: list[str], state: DesiredState, *, prefer_team: bool
) -> tuple[str, str, list[str]] | None:
    """(`team` or `service`, key, the segments after it) for the earliest, longest match."""
    for start in range(1, len(parts)):
        for end in range(len(parts), start, -1):
            candidate = "-".join(parts[start:end])
            found = [
                kind
                for kind, keys in (("team", state.teams), ("service", state.services))
                if candidate in keys
            ]
            if found:
                kind = "team" if "team" in found and (prefer_team or len(found) == 1) else found[-1]
                return kind, candidate, parts[end:]
    return None


def _in_team(team: TeamState, kind: list[str], rest: list[str], where: CatalogPaths) -> PathKey:
    joined = "-".join(rest)
    if kind == ["pd", "escalation"]:
        return where.team(team.key, "on_call", "escalation")
    if kind == ["pd", "schedule"]:
        for index, schedule in enumerate(team.schedules):
            if schedule.key == joined:
                return where.team(team.key, "on_call", "schedules", index)
    if kind == ["harness", "role"] and team.harness is not None:
        for index, role in enumerate(team.harness.roles):
            if role.strip("_") == joined:
                return where.team(team.key, "harness", "roles", index)
    if kind[0] == "harness" and team.harness is not None:
        return where.team(team.key, "harness")
    return where.team(team.key)


def _in_service(service: ServiceState, rest: list[str], where: CatalogPaths) -> PathKey:
    """An incident action when the name mentions its pipeline or action, else the service."""
    segments = {part.replace("_", "-") for part in rest}
    joined = "-".join(rest).replace("_", "-")
    for index, action in enumerate(service.actions):
        if action.pipeline.replace("_", "-") in joined:
            return where.service(service.key, "incident_actions", index)
    for index, action in enumerate(service.actions):
        if action.action in segments:
            return where.service(service.key, "incident_actions", index)
    return where.service(service.key)
