"""The catalog's typed model: people, teams with their on-call, and services.

Models are frozen and forbid unknown fields (so the exported JSON Schema says
`additionalProperties: false` and editors flag typos). Checks that need the whole catalog
(references, duplicates, cycles) live in `infra.catalog.checks`, not here.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from infra.catalog.fields import (
    Anchor,
    ClockTime,
    Description,
    Duration,
    Email,
    HarnessId,
    Key,
    Name,
    RotationLength,
    TimeZone,
    duration_seconds,
)

CATALOG_VERSION = 1

MemberRole = Literal["manager", "responder", "observer"]
PagerDutyRole = Literal[
    "admin",
    "limited_user",
    "observer",
    "owner",
    "read_only_user",
    "read_only_limited_user",
    "restricted_access",
    "user",
]
Weekday = Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS: tuple[Weekday, ...] = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
IncidentEvent = Literal[
    "incident.triggered",
    "incident.acknowledged",
    "incident.unacknowledged",
    "incident.escalated",
    "incident.reassigned",
    "incident.reopened",
    "incident.resolved",
    "incident.priority_updated",
    "incident.annotated",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, str_strip_whitespace=True)


class Person(_Model):
    """Someone who can be a team member, on call or an escalation target."""

    email: Email = Field(description="The identity key; compared case-insensitively.")
    name: Name
    time_zone: TimeZone = Field(description="IANA time zone, such as `Europe/Berlin`.")
    pagerduty_role: PagerDutyRole | None = Field(
        default=None, description="PagerDuty account role, when users are managed by teamcat."
    )


class Member(_Model):
    email: Email
    role: MemberRole = "responder"


class Restriction(_Model):
    """A window in which a rotation is on call, on the schedule's wall clock."""

    type: Literal["daily", "weekly"]
    start: ClockTime = Field(description="Local time the window opens, `HH:MM`.")
    duration: Duration = Field(description="How long the window lasts, such as `8h` or `4d12h`.")
    day: Weekday | None = Field(default=None, description="Weekly windows only: opening day.")

    @model_validator(mode="after")
    def _check_day_and_length(self) -> Restriction:
        seconds = duration_seconds(self.duration)
        if self.type == "daily":
            if self.day is not None:
                raise PydanticCustomError(
                    "restriction-day", "a daily restriction has no `day`; use `type: weekly`"
                )
            if not 60 <= seconds < 86_400:
                raise PydanticCustomError(
                    "restriction-duration",
                    "a daily restriction lasts at least 1 minute and less than 24 hours",
                )
        else:
            if self.day is None:
                raise PydanticCustomError(
                    "restriction-day", "a weekly restriction needs the `day` it opens on"
                )
            if not 60 <= seconds < 7 * 86_400:
                raise PydanticCustomError(
                    "restriction-duration",
                    "a weekly restriction lasts at least 1 minute and less than 7 days",
                )
        return self


class Rotation(_Model):
    """One schedule layer: people taking turns in the listed order."""

    name: Name
    members: list[Email] = Field(
        min_length=1, max_length=500, description="In turn order; no repeats."
    )
    length: RotationLength = Field(description="`daily`, `weekly`, or hours such as `12h`.")
    handoff: ClockTime = Field(default="09:00", description="Local hand-off time, `HH:MM`.")
    start: Anchor = Field(
        description=(
            "The rotation's anchor: the date of a hand-off at which the first member's turn "
            "begins. A date-time (local, or with an offset) is accepted too and must fall on a "
            "hand-off. `teamcat keep-on-call` rewrites it when the members change."
        )
    )
    restrictions: list[Restriction] = Field(default_factory=list, max_length=50)


class Schedule(_Model):
    key: Key
    name: Name
    time_zone: TimeZone = Field(description="The zone hand-offs and restrictions are read in.")
    rotations: list[Rotation] = Field(
        min_length=1,
        max_length=20,
        description="Layers, lowest precedence first (PagerDuty's Layer 1).",
    )


class Target(_Model):
    """Who an escalation level notifies: a schedule of the team, or a person."""

    schedule: Key | None = None
    person: Email | None = None
    external: bool = Field(
        default=False, description="Allow a person who is not a member of the team."
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> Target:
        if (self.schedule is None) == (self.person is None):
            raise PydanticCustomError(
                "bad-target", "an escalation target names exactly one of `schedule` or `person`"
            )
        if self.external and self.person is None:
            raise PydanticCustomError("bad-target", "`external` applies to a `person` target only")
        return self


class EscalationLevel(_Model):
    delay_minutes: int = Field(ge=1, le=1440, description="Minutes before the next level.")
    targets: list[Target] = Field(min_length=1, max_length=10)


class Escalation(_Model):
    loops: int = Field(default=0, ge=0, le=9, description="Extra passes after the last level.")
    levels: list[EscalationLevel] = Field(min_length=1, max_length=20)


class OnCall(_Model):
    schedules: list[Schedule] = Field(default_factory=list, max_length=50)
    escalation: Escalation | None = None


class TeamHarness(_Model):
    """Where the team works in Harness and the roles it holds there."""

    org: HarnessId | None = Field(default=None, description="Defaults to the stack's org.")
    project: HarnessId
    roles: list[HarnessId] = Field(
        min_length=1, max_length=20, description="Role identifiers, such as `_pipeline_executor`."
    )


class Team(_Model):
    key: Key
    name: Name
    description: Description = ""
    parent: Key | None = None
    renamed_from: list[Key] = Field(default_factory=list, max_length=20)
    members: list[Member] = Field(min_length=1, max_length=2_000)
    okta_group: Name | None = Field(default=None, description="Defaults to `team-<key>`.")
    harness: TeamHarness | None = None
    on_call: OnCall | None = None


class ServiceHarness(_Model):
    org: HarnessId | None = None
    project: HarnessId
    service: HarnessId = Field(description="The Harness service identifier.")
    pipelines: list[HarnessId] = Field(
        default_factory=list,
        max_length=200,
        description="Pipelines of the project this service uses.",
    )
    deploy_pipeline: HarnessId | None = None


class IncidentAction(_Model):
    """Something a PagerDuty incident can make Harness do."""

    action: Literal["pause", "rollback", "tag"]
    pipeline: HarnessId
    mode: Literal["button", "automatic"] = "button"
    events: list[IncidentEvent] = Field(
        default_factory=list, description="Automatic actions: the incident events that fire it."
    )

    @model_validator(mode="after")
    def _events_match_mode(self) -> IncidentAction:
        if self.mode == "automatic" and not self.events:
            raise PydanticCustomError(
                "action-events", "an automatic action needs the incident `events` that fire it"
            )
        if self.mode == "button" and self.events:
            raise PydanticCustomError(
                "action-events", "a button action fires on a click; remove `events`"
            )
        return self


class Service(_Model):
    key: Key
    name: Name
    description: Description = ""
    owner: Key = Field(description="The owning team's key.")
    escalation_policy: Key | None = Field(
        default=None, description="Another team whose escalation policy pages for this service."
    )
    urgency: Literal["high", "low"] = "high"
    change_events: bool = True
    harness: ServiceHarness | None = None
    incident_actions: list[IncidentAction] = Field(default_factory=list, max_length=20)
    depends_on: list[Key] = Field(default_factory=list, max_length=200)
    renamed_from: list[Key] = Field(default_factory=list, max_length=20)
    decommissioned: bool = False


class Catalog(_Model):
    """The whole catalog file."""

    version: Literal[1] = Field(description="The catalog schema version.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_is_a_number(cls, value: object) -> object:
        if isinstance(value, bool):  # `true == 1` in Python; a version is never a boolean
            raise PydanticCustomError("bad-value", "the version is a number, such as `1`")
        return value

    people: list[Person] = Field(min_length=1, max_length=100_000)
    teams: list[Team] = Field(min_length=1, max_length=10_000)
    services: list[Service] = Field(default_factory=list, max_length=30_000)
