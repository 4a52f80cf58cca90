"""On-call checks: PagerDuty's limits on schedules and escalation policies, and coverage.

Field-level limits (restriction times and durations, delays, loop counts, targets per level)
are enforced by the model; the checks here need a whole rotation, a person's PagerDuty role or
the team's on-call as a whole. See docs/oncall.md for the limits and their sources.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Protocol

from infra.catalog.fields import clock_minutes, rotation_length_seconds
from infra.catalog.findings import Finding, Severity
from infra.catalog.models import Catalog, Rotation, Schedule, Team
from infra.catalog.yamlsource import PathKey, SourceMap
from infra.core.coverage import Gaps, escalation_gaps, team_gaps
from infra.core.layers import handoff_spacing_minutes, virtual_start, wall_time, zone_info
from infra.core.state import TeamState, resolve

# PagerDuty's bounds on `rotation_turn_length_seconds`: one hour to 365 days.
MAX_TURN_SECONDS = 365 * 86_400
# Stakeholders ("read-only" users in the API) cannot be added to schedules or escalation
# policies (PagerDuty knowledge base, "User Roles").
STAKEHOLDER_ROLES = frozenset({"read_only_user", "read_only_limited_user"})
# Hours with nobody on call are a warning unless a caller asks for more.
GAP_SEVERITY: Severity = "warning"


class CheckContext(Protocol):
    """What `infra.catalog.checks` hands every check: the catalog and where its nodes are."""

    catalog: Catalog
    source: SourceMap

    def finding(
        self, code: str, message: str, path: PathKey, hint: str | None = None, *, key: bool = False
    ) -> Finding: ...


def check_on_call(context: CheckContext) -> Iterator[Finding]:
    """Every on-call finding: rotations, schedule zones, stakeholders, then coverage."""
    yield from _rotations(context)
    yield from _schedule_zones(context)
    yield from _stakeholders(context)
    yield from coverage_findings(context)


def coverage_findings(
    context: CheckContext, gap_severity: Severity = GAP_SEVERITY
) -> Iterator[Finding]:
    """Hours with nobody on call per team (`gap_severity`), and hours the policy pages no one."""
    state = resolve(context.catalog)
    counts = Counter(team.key for team in context.catalog.teams)
    for i, team in enumerate(context.catalog.teams):
        if team.on_call is None or counts[team.key] > 1:
            continue  # no on-call, or a duplicated key already reported
        team_state = state.teams[team.key]
        gaps = team_gaps(team_state)
        if gaps is not None and gaps.minutes:
            finding = _gap_finding(context, i, team.key, gaps)
            yield dataclasses.replace(finding, severity=gap_severity)
        if _targets_known_schedules(team_state):
            yield from _escalation_finding(context, i, team_state)


def _rotation_path(i: int, k: int, r: int) -> PathKey:
    return ("teams", i, "on_call", "schedules", k, "rotations", r)


def _schedules(catalog: Catalog) -> Iterator[tuple[int, Team, int, Schedule]]:
    for i, team in enumerate(catalog.teams):
        for k, schedule in enumerate(team.on_call.schedules if team.on_call else ()):
            yield i, team, k, schedule


def _rotations(context: CheckContext) -> Iterator[Finding]:
    for i, team, k, schedule in _schedules(context.catalog):
        first: dict[str, int] = {}
        for r, rotation in enumerate(schedule.rotations):
            path = _rotation_path(i, k, r)
            where = f"rotation `{rotation.name}` of `{team.key}/{schedule.key}`"
            if rotation.name in first:
                line = context.source.at((*_rotation_path(i, k, first[rotation.name]), "name")).line
                yield context.finding(
                    "duplicate-rotation",
                    f"{where} is listed twice (also line {line})",
                    (*path, "name"),
                    "rotation names are layer names and must be unique within a schedule",
                )
            first.setdefault(rotation.name, r)
            yield from _length(context, path, where, rotation)
            yield from _start(context, path, where, rotation, schedule.time_zone)


def _length(
    context: CheckContext, path: PathKey, where: str, rotation: Rotation
) -> Iterator[Finding]:
    if rotation_length_seconds(rotation.length) > MAX_TURN_SECONDS:
        yield context.finding(
            "rotation-too-long",
            f"{where} has turns of {rotation.length}; PagerDuty allows 1 hour to 365 days",
            (*path, "length"),
            "use at most `8760h`, or `weekly`",
        )


def _start(
    context: CheckContext, path: PathKey, where: str, rotation: Rotation, time_zone: str
) -> Iterator[Finding]:
    start = rotation.start
    if not isinstance(start, dt.datetime):
        # A date is combined with the hand-off time: always on the hand-off grid, unless that
        # time does not exist on the date.
        yield from _start_in_gap(context, path, where, rotation, start, time_zone)
        return
    if start.second or start.microsecond:
        yield context.finding(
            "time-with-seconds",
            f"{where} starts at {start.isoformat()}, which has seconds; PagerDuty keeps "
            "`rotation_virtual_start` at whole minutes",
            (*path, "start"),
            "drop the seconds",
        )
        return
    local = wall_time(virtual_start(start, rotation.handoff, time_zone), zone_info(time_zone))
    spacing = handoff_spacing_minutes(rotation_length_seconds(rotation.length))
    offset = (local.hour * 60 + local.minute - clock_minutes(rotation.handoff)) % spacing
    if offset:
        yield context.finding(
            "start-off-handoff",
            f"{where} starts at {local:%H:%M} in {time_zone}, which is not a hand-off time "
            f'for `handoff: "{rotation.handoff}"` and `length: {rotation.length}`; hand-offs '
            "would happen at the start's time, not the hand-off time",
            (*path, "start"),
            f'write the date only (`start: {local.date()}`), or set `handoff: "{local:%H:%M}"`',
        )


def _start_in_gap(
    context: CheckContext,
    path: PathKey,
    where: str,
    rotation: Rotation,
    start: dt.date,
    time_zone: str,
) -> Iterator[Finding]:
    """A start whose hand-off time is skipped by the clocks going forward on that date.

    The anchor then lands an hour late, and every later hand-off keeps that hour: the rotation
    would hand off at the wrong time all year.
    """
    minutes = clock_minutes(rotation.handoff)
    wall = dt.datetime.combine(start, dt.time(minutes // 60, minutes % 60))
    zone = zone_info(time_zone)
    if wall_time(virtual_start(start, rotation.handoff, time_zone), zone) != wall:
        yield context.finding(
            "handoff-in-dst-gap",
            f"{where} starts on {start}, when {rotation.handoff} does not exist in {time_zone} "
            "(the clocks skip it); every hand-off would move by the skipped time",
            (*path, "start"),
            "pick a start date without a clock change, such as the same weekday a week "
            "earlier or later",
        )


def _schedule_zones(context: CheckContext) -> Iterator[Finding]:
    for i, team, k, schedule in _schedules(context.catalog):
        if schedule.time_zone == "UTC":
            yield context.finding(
                "schedule-time-zone",
                f"schedule `{team.key}/{schedule.key}` uses `UTC`, which PagerDuty's provider "
                "refuses for schedules",
                ("teams", i, "on_call", "schedules", k, "time_zone"),
                "write `Etc/UTC`",
            )


def _stakeholders(context: CheckContext) -> Iterator[Finding]:
    roles = {p.email.lower(): p.pagerduty_role for p in context.catalog.people}
    for i, team in enumerate(context.catalog.teams):
        for path, email, what in _on_call_people(i, team):
            role = roles.get(email.lower())
            if role in STAKEHOLDER_ROLES:
                yield context.finding(
                    "stakeholder-on-call",
                    f"{what} of team `{team.key}` names `{email}`, a PagerDuty stakeholder "
                    f"(`{role}`); stakeholders cannot be on call or escalation targets",
                    path,
                    "give them a responder role (`pagerduty_role: user`), or remove them here",
                )


def _on_call_people(i: int, team: Team) -> Iterator[tuple[PathKey, str, str]]:
    if team.on_call is None:
        return
    for k, schedule in enumerate(team.on_call.schedules):
        for r, rotation in enumerate(schedule.rotations):
            for m, email in enumerate(rotation.members):
                yield (*_rotation_path(i, k, r), "members", m), email, f"rotation `{rotation.name}`"
    escalation = team.on_call.escalation
    for level_index, level in enumerate(escalation.levels if escalation else ()):
        for t, target in enumerate(level.targets):
            if target.person is not None:
                path = ("teams", i, "on_call", "escalation", "levels", level_index, "targets", t)
                yield (*path, "person"), target.person, f"escalation level {level_index + 1}"


def _gap_finding(context: CheckContext, i: int, team: str, gaps: Gaps) -> Finding:
    return context.finding(
        "on-call-gap",
        f"team `{team}` has nobody on call for {gaps.hours} a week ({gaps.time_zone}): "
        f"{gaps.describe()}",
        ("teams", i, "on_call"),
        "add a rotation without restrictions, or restrictions that cover these hours",
        key=True,
    )


def _targets_known_schedules(team: TeamState) -> bool:
    """Whether every schedule target exists (an unknown one is reported on its own)."""
    keys = {s.key for s in team.schedules}
    targets = (
        [t for level in team.escalation.levels for t in level.targets] if team.escalation else []
    )
    return all(t.ref in keys for t in targets if t.kind == "schedule")


def _escalation_finding(context: CheckContext, i: int, team: TeamState) -> Iterator[Finding]:
    gaps = escalation_gaps(team)
    if gaps is None or not gaps.minutes:
        return
    yield context.finding(
        "escalation-no-human",
        f"the escalation policy of team `{team.key}` reaches no one for {gaps.hours} a week "
        f"({gaps.time_zone}): {gaps.describe()}; every level targets only schedules with "
        "nobody on call then",
        ("teams", i, "on_call", "escalation"),
        "add a level that targets a person (such as the team's manager), or a schedule that "
        "covers these hours",
        key=True,
    )
