"""Per team: created, removed, renamed (through `renamed_from`) or changed, with members."""

from __future__ import annotations

from collections import defaultdict

from infra.core.state import DesiredState, TeamState
from infra.diff.model import FieldChange, TeamDiff, TeamStatus
from infra.diff.people import delta
from infra.diff.renames import Renames

Grant = tuple[str, ...]


def team_diffs(
    base: DesiredState, aligned: DesiredState, head: DesiredState, renames: Renames
) -> tuple[TeamDiff, ...]:
    """A diff for every team created, removed, renamed or changed, sorted by key.

    `base` is the base state as written and `aligned` the same state under head's keys: field
    changes such as the Okta group's name are read from the base as written.
    """
    old_key = {new: old for old, new in renames.teams.items()}
    # Indexed once: reading each team's grants off every person made the diff quadratic.
    grants = (_grants_by_team(aligned), _grants_by_team(head))
    diffs = []
    for key in sorted(set(aligned.teams) | set(head.teams)):
        was = base.teams.get(old_key.get(key, key))
        diff = _team(key, was, aligned, head, old_key.get(key), grants)
        if diff is not None:
            diffs.append(diff)
    return tuple(diffs)


def _team(
    key: str,
    was: TeamState | None,
    aligned: DesiredState,
    head: DesiredState,
    renamed_from: str | None,
    grants: tuple[dict[str, set[Grant]], dict[str, set[Grant]]],
) -> TeamDiff | None:
    before, now = aligned.teams.get(key), head.teams.get(key)
    members = delta(before.emails if before else (), now.emails if now else ())
    if before is None or now is None:
        team = now or before
        assert team is not None
        status: TeamStatus = "added" if before is None else "removed"
        return TeamDiff(key, team.name, status, None, members, len(team.members))
    assert was is not None
    changes = _field_changes(was, before, now)
    access_changed = bool(members) or grants[0].get(key, set()) != grants[1].get(key, set())
    if renamed_from is None and not access_changed and not changes:
        return None
    status = "renamed" if renamed_from else "changed"
    return TeamDiff(
        key, now.name, status, renamed_from, members, len(now.members), changes, access_changed
    )


def _field_changes(was: TeamState, aligned: TeamState, now: TeamState) -> tuple[FieldChange, ...]:
    pairs = [
        ("name", was.name, now.name),
        ("parent", aligned.parent, now.parent),
        ("okta_group", was.okta_group, now.okta_group),
        ("harness_project", _project(was), _project(now)),
        ("harness_roles", _roles(was), _roles(now)),
        ("schedules", _schedules(was), _schedules(now)),
    ]
    return tuple(FieldChange(field, old, new) for field, old, new in pairs if old != new)


def _project(team: TeamState) -> str | None:
    return f"{team.harness.org}/{team.harness.project}" if team.harness else None


def _roles(team: TeamState) -> str | None:
    return ", ".join(sorted(team.harness.roles)) if team.harness and team.harness.roles else None


def _schedules(team: TeamState) -> str | None:
    return ", ".join(sorted(s.key for s in team.schedules)) or None


def _grants_by_team(state: DesiredState) -> dict[str, set[Grant]]:
    """What each team grants anyone (roles, Harness roles, rotation seats, levels), by key.

    One pass over everyone's access; a team that grants nothing may have no entry.
    """
    grants: defaultdict[str, set[Grant]] = defaultdict(set)
    for email, access in state.access.items():
        for team, role in access.pagerduty_roles:
            grants[team].add((email, "role", role))
        for team, schedule, rotation in access.rotations:
            grants[team].add((email, "rotation", schedule, rotation))
        for team, level in access.escalation_levels:
            grants[team].add((email, "level", str(level)))
    for key, state_team in state.teams.items():
        if state_team.harness:
            scope = (state_team.harness.org, state_team.harness.project)
            roles = state_team.harness.roles
            grants[key].update((e, "harness", *scope, r) for e in state_team.emails for r in roles)
    return dict(grants)
