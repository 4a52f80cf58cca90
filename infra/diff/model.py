"""What an access diff holds: per person, per team, per service, on call now, and the risks.

Every collection is a sorted tuple, so two diffs of the same catalogs are equal and render the
same way, byte for byte.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Generic, Literal, NamedTuple, TypeVar

T = TypeVar("T")

PersonStatus = Literal["added", "removed", "changed"]
TeamStatus = Literal["added", "removed", "renamed", "changed"]
ServiceStatus = Literal["added", "removed", "renamed", "changed"]
RiskCode = Literal[
    "privilege-increase", "service-unreachable", "paged-without-harness-role", "mass-removal"
]
SubjectKind = Literal["person", "team", "service"]

# The order risks are listed in: the most urgent kind first.
RISK_ORDER: tuple[RiskCode, ...] = (
    "service-unreachable",
    "privilege-increase",
    "paged-without-harness-role",
    "mass-removal",
)


class TeamRole(NamedTuple):
    """A PagerDuty team role: the member's role in one team."""

    team: str
    role: str


class HarnessRole(NamedTuple):
    """A Harness role held in one project, through the team's user group."""

    org: str
    project: str
    role: str


class RotationSeat(NamedTuple):
    """A place in a rotation (a PagerDuty schedule layer)."""

    team: str
    schedule: str
    rotation: str


class LevelSeat(NamedTuple):
    """An escalation level of a team's escalation policy that notifies the person."""

    team: str
    level: int


class ScheduleRef(NamedTuple):
    team: str
    schedule: str


@dataclass(frozen=True)
class Delta(Generic[T]):
    """What was gained and what was lost, each sorted."""

    gained: tuple[T, ...] = ()
    lost: tuple[T, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.gained or self.lost)


@dataclass(frozen=True)
class FieldChange:
    """One field whose value changed; None stands for "not set"."""

    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class PersonDiff:
    email: str
    name: str
    status: PersonStatus
    okta_groups: Delta[str]
    pagerduty_roles: Delta[TeamRole]
    harness_roles: Delta[HarnessRole]
    rotations: Delta[RotationSeat]
    escalation_levels: Delta[LevelSeat]
    on_call_now: Delta[ScheduleRef]
    account_role: FieldChange | None = None

    @property
    def _grants(self) -> tuple[Delta[Any], ...]:
        # On-call-now changes are not grants, so they count neither as gained nor as lost.
        return (
            self.okta_groups,
            self.pagerduty_roles,
            self.harness_roles,
            self.rotations,
            self.escalation_levels,
        )

    @property
    def gained(self) -> int:
        """How many grants the person gains."""
        return sum(len(d.gained) for d in self._grants)

    @property
    def lost(self) -> int:
        """How many grants the person loses."""
        return sum(len(d.lost) for d in self._grants)


@dataclass(frozen=True)
class TeamDiff:
    key: str
    name: str
    status: TeamStatus
    renamed_from: str | None
    members: Delta[str]
    member_count: int
    changes: tuple[FieldChange, ...] = ()
    # False for a pure rename: nobody gains or loses anything through the team.
    access_changed: bool = True


class ActionRef(NamedTuple):
    """An incident action of a service: what it does, which pipeline, and how it fires."""

    action: str
    pipeline: str
    mode: str
    events: tuple[str, ...]


@dataclass(frozen=True)
class ServiceDiff:
    key: str
    name: str
    status: ServiceStatus
    renamed_from: str | None
    changes: tuple[FieldChange, ...] = ()
    actions: Delta[ActionRef] = Delta()


@dataclass(frozen=True)
class OnCallNowChange:
    """Who a schedule puts on call at the diff's instant, before and after; None is nobody."""

    team: str
    schedule: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Risk:
    """A change a reviewer must look at, with the reason it is risky."""

    code: RiskCode
    kind: SubjectKind
    subject: str
    people: tuple[str, ...]
    message: str
    reason: str


@dataclass(frozen=True)
class AccessDiff:
    """The whole access diff between a base and a head catalog."""

    base: str
    head: str
    at: dt.datetime
    threshold: float
    risks: tuple[Risk, ...]
    people: tuple[PersonDiff, ...]
    teams: tuple[TeamDiff, ...]
    services: tuple[ServiceDiff, ...]
    on_call_now: tuple[OnCallNowChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.risks or self.people or self.teams or self.services or self.on_call_now)
