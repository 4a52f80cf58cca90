"""Per person: the Okta groups, PagerDuty roles, Harness roles, rotations and escalation levels
gained and lost, and whether they start or stop being on call right now."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypeVar

from infra.core.state import DesiredState, PersonAccess, PersonState
from infra.diff.model import (
    Delta,
    FieldChange,
    HarnessRole,
    LevelSeat,
    OnCallNowChange,
    PersonDiff,
    PersonStatus,
    RotationSeat,
    ScheduleRef,
    TeamRole,
)

T = TypeVar("T")


def person_diffs(
    base: DesiredState, head: DesiredState, on_call: Iterable[OnCallNowChange]
) -> tuple[PersonDiff, ...]:
    """A diff for everyone whose access or on-call-now state changes, sorted by e-mail."""
    on_call = tuple(on_call)
    emails = sorted(set(base.people) | set(head.people))
    diffs = (_person(email, base, head, on_call) for email in emails)
    return tuple(d for d in diffs if d is not None)


def delta(before: Iterable[T], after: Iterable[T]) -> Delta[T]:
    """What `after` has that `before` lacks (gained) and the reverse (lost), sorted."""
    old, new = set(before), set(after)
    return Delta(tuple(sorted(new - old)), tuple(sorted(old - new)))  # type: ignore[type-var]


def _person(
    email: str, base: DesiredState, head: DesiredState, on_call: tuple[OnCallNowChange, ...]
) -> PersonDiff | None:
    was, now = base.people.get(email), head.people.get(email)
    before = base.access.get(email) or PersonAccess(email)
    after = head.access.get(email) or PersonAccess(email)
    status: PersonStatus = "added" if was is None else "removed" if now is None else "changed"
    person = now or was
    assert person is not None  # the e-mail came from one of the two
    diff = PersonDiff(
        email=email,
        name=person.name,
        status=status,
        okta_groups=delta(before.okta_groups, after.okta_groups),
        pagerduty_roles=delta(_team_roles(before), _team_roles(after)),
        harness_roles=delta(_harness(before), _harness(after)),
        rotations=delta(_rotations(before), _rotations(after)),
        escalation_levels=delta(_levels(before), _levels(after)),
        on_call_now=_on_call(email, on_call),
        account_role=_account_role(was, now),
    )
    return diff if status != "changed" or _changed(diff) else None


def _team_roles(access: PersonAccess) -> list[TeamRole]:
    return [TeamRole(*item) for item in access.pagerduty_roles]


def _harness(access: PersonAccess) -> list[HarnessRole]:
    return [HarnessRole(*item) for item in access.harness_roles]


def _rotations(access: PersonAccess) -> list[RotationSeat]:
    return [RotationSeat(*item) for item in access.rotations]


def _levels(access: PersonAccess) -> list[LevelSeat]:
    return [LevelSeat(*item) for item in access.escalation_levels]


def _on_call(email: str, changes: tuple[OnCallNowChange, ...]) -> Delta[ScheduleRef]:
    started = [ScheduleRef(c.team, c.schedule) for c in changes if c.after == email]
    stopped = [ScheduleRef(c.team, c.schedule) for c in changes if c.before == email]
    return Delta(tuple(sorted(started)), tuple(sorted(stopped)))


def _account_role(was: PersonState | None, now: PersonState | None) -> FieldChange | None:
    before = was.pagerduty_role if was else None
    after = now.pagerduty_role if now else None
    return None if before == after else FieldChange("pagerduty_account_role", before, after)


def _changed(diff: PersonDiff) -> bool:
    return bool(
        diff.okta_groups
        or diff.pagerduty_roles
        or diff.harness_roles
        or diff.rotations
        or diff.escalation_levels
        or diff.on_call_now
        or diff.account_role
    )
