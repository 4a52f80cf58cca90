"""Per team: created, removed, renamed (through `renamed_from`) or changed, with members."""

from __future__ import annotations

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
    diffs = []
    for key in sorted(set(aligned.teams) | set(head.teams)):
        was = base.teams.get(old_key.get(key, key))
        diff = _team(key, was, aligned, head, old_key.get(key))
        if diff is not None:
            diffs.append(diff)
    return tuple(diffs)


def _team(
    key: str,
    was: TeamState | None,
    aligned: DesiredState,
    head: DesiredState,
    renamed_from: str | None,
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
    access_changed = bool(members) or _grants(aligned, key) != _grants(head, key)
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


def _grants(state: DesiredState, key: str) -> set[Grant]:
    """Everything the team grants anyone: roles, Harness roles, rotation seats, levels."""
    team = state.teams[key]
    grants: set[Grant] = set()
    for email, access in state.access.items():
        grants.update((email, "role", r) for t, r in access.pagerduty_roles if t == key)
        grants.update((email, "rotation", s, r) for t, s, r in access.rotations if t == key)
        grants.update((email, "level", str(n)) for t, n in access.escalation_levels if t == key)
    if team.harness:
        scope = (team.harness.org, team.harness.project)
        grants.update((e, "harness", *scope, r) for e in team.emails for r in team.harness.roles)
    return grants
