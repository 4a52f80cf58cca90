"""Who is on call: the answer PagerDuty gives, computed from the desired state alone.

A schedule's layers are its rotations, lowest precedence first. At an instant, each layer that
has started and whose restriction windows (if any) contain the instant puts the holder of its
turn in progress on call; the highest such layer decides (PagerDuty's "final schedule").
Turns run on from V through restrictions, so a window belongs to whoever's turn contains it.
An escalation policy notifies its first level that resolves to anyone.

Pure functions over `DesiredState`: the CLI, the access diff and the policy rules share them.
See docs/oncall.md for the model and the choices made where PagerDuty is silent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from infra.catalog.fields import clock_minutes
from infra.catalog.models import WEEKDAYS
from infra.core.layers import (
    FIRST_YEAR,
    LAST_YEAR,
    Cadence,
    anchor_value,
    cadence,
    localize,
    supported_utc,
    wall_time,
    zone_info,
)
from infra.core.state import (
    DesiredState,
    RestrictionState,
    RotationState,
    ScheduleState,
    TeamState,
)

Window = tuple[dt.datetime, dt.datetime]

_ISO_WEEKDAY: dict[str, int] = {day: number for number, day in enumerate(WEEKDAYS, start=1)}


@dataclass(frozen=True)
class OnCallChange:
    """A schedule whose on-call person at one instant differs between two catalogs."""

    team: str
    schedule: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LayerOnCall:
    """Who a schedule puts on call at an instant, and the layer (rotation) that decided."""

    email: str
    rotation: str


@dataclass(frozen=True)
class LevelOnCall:
    """One escalation level resolved at an instant: each target and whom it reaches."""

    number: int
    delay_minutes: int
    targets: tuple[tuple[str, str, str | None], ...]  # (kind, ref, e-mail reached or None)

    @property
    def reached(self) -> list[str]:
        """Everyone the level notifies, in target order, each once."""
        return list(dict.fromkeys(email for _, _, email in self.targets if email))


def rotation_cadence(rotation: RotationState, time_zone: str) -> Cadence:
    """The turns of a rotation read in its schedule's zone."""
    return cadence(rotation.start, rotation.handoff, rotation.length_seconds, time_zone)


def window_close(opening: dt.datetime, duration_seconds: int, zone: ZoneInfo) -> dt.datetime:
    """The instant a restriction window that opens at local time `opening` closes.

    Open question 2 (a DST change inside a window). Choice: the duration is counted on the
    wall clock, like turns, so "09:00 for 8 h" closes at 17:00 local even on a change day and
    the window is then 7 or 9 hours long.
    """
    return localize(opening + dt.timedelta(seconds=duration_seconds), zone)


def restriction_windows(
    restriction: RestrictionState, zone: ZoneInfo, first: dt.date, last: dt.date
) -> Iterator[Window]:
    """The (open, close) instants of the windows that open on local dates first..last."""
    minutes = clock_minutes(restriction.start)
    opens_at = dt.time(minutes // 60, minutes % 60)
    weekday = _ISO_WEEKDAY[restriction.day] if restriction.day else None
    day = first
    while day <= last:
        if weekday is None or day.isoweekday() == weekday:
            opening = dt.datetime.combine(day, opens_at)
            yield localize(opening, zone), window_close(opening, restriction.duration_seconds, zone)
        day += dt.timedelta(days=1)


def in_restrictions(rotation: RotationState, zone: ZoneInfo, at: dt.datetime) -> bool:
    """Whether `at` lies in one of the rotation's windows (always, without restrictions)."""
    if not rotation.restrictions:
        return True
    today = wall_time(at, zone).date()
    # A window lasts less than a week, so one that contains `at` opened in the last 8 days.
    first = today - dt.timedelta(days=8)
    return any(
        start <= at < end
        for restriction in rotation.restrictions
        for start, end in restriction_windows(restriction, zone, first, today)
    )


def layer_on_call(rotation: RotationState, time_zone: str, at: dt.datetime) -> str | None:
    """Who one layer puts on call at `at`, before the layers above it are considered."""
    _require_aware(at)
    turns = rotation_cadence(rotation, time_zone)
    # The program declares the layer's `start` at V, so the layer covers nothing before it.
    if at < turns.anchor:
        return None
    if not in_restrictions(rotation, zone_info(time_zone), at):
        return None
    return rotation.members[turns.turn_at(at) % len(rotation.members)]


def skipped_turns(
    rotation: RotationState, time_zone: str, since: dt.datetime, days: int = 366
) -> list[tuple[dt.datetime, str]]:
    """The turns in the `days` after `since` that last no time at all, with their member.

    A turn that would begin at a local time the spring-forward change skips begins at the
    same instant as the next one (see `localize`), so in a 1-hour rotation that member is
    passed over without a word from PagerDuty. Returns each such turn's local start time.
    """
    _require_aware(since)
    zone = zone_info(time_zone)
    turns = rotation_cadence(rotation, time_zone)
    skipped = []
    for day in _clock_change_days(zone, wall_time(since, zone).date(), days):
        until = localize(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()), zone)
        dawn = localize(dt.datetime.combine(day, dt.time()), zone)
        if supported_utc(until) is None:
            break
        for turn in range(turns.turn_at(dawn), turns.turn_at(until) + 1):
            begins = turns.handoff(turn)
            if begins == turns.handoff(turn + 1) and begins >= turns.anchor:
                wall = turns.anchor_wall + dt.timedelta(seconds=turn * turns.length_seconds)
                skipped.append((wall, rotation.members[turn % len(rotation.members)]))
    return skipped


def _clock_change_days(zone: ZoneInfo, first: dt.date, days: int) -> Iterator[dt.date]:
    """The local dates from `first` on whose clock jumps forward during the day."""
    for offset in range(days):
        day = first + dt.timedelta(days=offset)
        before = localize(dt.datetime.combine(day, dt.time()), zone).astimezone(zone)
        after = localize(dt.datetime.combine(day, dt.time(23, 59)), zone).astimezone(zone)
        if (after.utcoffset() or dt.timedelta()) > (before.utcoffset() or dt.timedelta()):
            yield day


def turn_holder(rotation: RotationState, time_zone: str, at: dt.datetime) -> str:
    """Whose turn is in progress at `at`, regardless of restrictions and the layer's start."""
    _require_aware(at)
    turn = rotation_cadence(rotation, time_zone).turn_at(at)
    return rotation.members[turn % len(rotation.members)]


def schedule_on_call(schedule: ScheduleState, at: dt.datetime) -> LayerOnCall | None:
    """Who the schedule's final schedule puts on call at `at`, with the deciding layer."""
    for rotation in reversed(schedule.rotations):
        email = layer_on_call(rotation, schedule.time_zone, at)
        if email is not None:
            return LayerOnCall(email, rotation.name)
    return None


def on_call_at(
    state: DesiredState, team_key: str, schedule_key: str, at: dt.datetime
) -> str | None:
    """The lower-case e-mail of who the schedule puts on call at the aware instant `at`."""
    answer = schedule_on_call(_schedule(state.teams[team_key], schedule_key), at)
    return answer.email if answer else None


def escalation_at(state: DesiredState, team_key: str, at: dt.datetime) -> list[LevelOnCall]:
    """Every level of the team's escalation policy, its targets resolved at `at`."""
    team = state.teams[team_key]
    if team.escalation is None:
        return []
    levels = []
    for number, level in enumerate(team.escalation.levels, start=1):
        targets = tuple(
            (target.kind, target.ref, _target_on_call(team, target.kind, target.ref, at))
            for target in level.targets
        )
        levels.append(LevelOnCall(number, level.delay_minutes, targets))
    return levels


def first_paged(state: DesiredState, service_key: str, at: dt.datetime) -> list[str]:
    """Who the service's escalation policy notifies first at `at`.

    PagerDuty skips a level that resolves to nobody (its schedules are in a gap) without
    waiting, so this is the first level that reaches anyone; empty when none does.
    """
    service = state.services[service_key]
    if service.policy_team not in state.teams:
        return []
    for level in escalation_at(state, service.policy_team, at):
        if level.reached:
            return level.reached
    return []


def on_call_changes(base: DesiredState, head: DesiredState, at: dt.datetime) -> list[OnCallChange]:
    """Every schedule in both states whose on-call person at `at` differs, by team and key.

    A team renamed in `head` (its old key in `renamed_from`) is matched to its old key in
    `base` and reported under its new key.
    """
    changes = []
    for key, team in sorted(head.teams.items()):
        before_team = _matching_team(base, team)
        if before_team is None:
            continue
        before_schedules = {s.key: s for s in before_team.schedules}
        for schedule in sorted(team.schedules, key=lambda s: s.key):
            if schedule.key not in before_schedules:
                continue
            before = schedule_on_call(before_schedules[schedule.key], at)
            after = schedule_on_call(schedule, at)
            before_email = before.email if before else None
            after_email = after.email if after else None
            if before_email != after_email:
                changes.append(OnCallChange(key, schedule.key, before_email, after_email))
    return changes


def _matching_team(base: DesiredState, team: TeamState) -> TeamState | None:
    if team.key in base.teams:
        return base.teams[team.key]
    for old in reversed(team.renamed_from):
        if old in base.teams:
            return base.teams[old]
    return None


def _target_on_call(team: TeamState, kind: str, ref: str, at: dt.datetime) -> str | None:
    if kind == "person":
        return ref
    schedule = next((s for s in team.schedules if s.key == ref), None)
    answer = schedule_on_call(schedule, at) if schedule else None
    return answer.email if answer else None


def _schedule(team: TeamState, schedule_key: str) -> ScheduleState:
    for schedule in team.schedules:
        if schedule.key == schedule_key:
            return schedule
    raise KeyError(f"team `{team.key}` has no schedule `{schedule_key}`")


def _require_aware(at: dt.datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"an instant with a UTC offset is needed, not the naive {at.isoformat()}")
    # Near Python's year 1 or 9999 the turn and window arithmetic would overflow.
    if supported_utc(at) is None:
        raise ValueError(f"{at.isoformat()} is outside the years {FIRST_YEAR}-{LAST_YEAR}")


# --- keeping the person on call when a rotation's members change ------------------------


@dataclass(frozen=True)
class AnchorMove:
    """What keeping the on-call person needs for one rotation whose members changed.

    `held_by` holds the turn in progress under the base catalog; `kept` is who holds it under
    the head catalog once its `start` is `new_start` (None: the head already keeps them, or no
    one of the old line-up remains).
    """

    team: str
    schedule: str
    rotation: str
    held_by: str
    kept: str | None
    removed: bool
    old_start: dt.date | dt.datetime
    new_start: dt.date | dt.datetime | None


def keep_on_call(base: DesiredState, head: DesiredState, at: dt.datetime) -> list[AnchorMove]:
    """For every rotation whose members changed, the `start` that keeps the turn in progress.

    The person whose turn is in progress at `at` under `base` keeps it under `head`; when they
    left the rotation, the next of the old line-up who is still in it takes over at once. The
    new V is a hand-off of the head rotation's own cadence, so hand-off times never move.
    """
    _require_aware(at)
    moves = (_anchor_move(*pair, at) for pair in _changed_rotations(base, head))
    return [move for move in moves if move is not None]


_Located = tuple[RotationState, str]


def _changed_rotations(
    base: DesiredState, head: DesiredState
) -> Iterator[tuple[tuple[str, str], _Located, _Located]]:
    """Rotations in both states (by team, schedule key and name) whose members differ."""
    for team_key, team in sorted(head.teams.items()):
        before_team = _matching_team(base, team)
        before = {s.key: s for s in before_team.schedules} if before_team else {}
        for schedule in team.schedules:
            if schedule.key not in before:
                continue
            old_schedule = before[schedule.key]
            old_rotations = {r.name: r for r in old_schedule.rotations}
            for rotation in schedule.rotations:
                old = old_rotations.get(rotation.name)
                if old is not None and old.members != rotation.members:
                    yield (
                        (team_key, schedule.key),
                        (old, old_schedule.time_zone),
                        (rotation, schedule.time_zone),
                    )


def _anchor_move(
    where: tuple[str, str], before: _Located, after: _Located, at: dt.datetime
) -> AnchorMove | None:
    old_rotation, old_zone = before
    rotation, time_zone = after
    if at < rotation_cadence(old_rotation, old_zone).anchor:
        return None  # the old rotation has not begun: there is no turn in progress to keep
    held_by = turn_holder(old_rotation, old_zone, at)
    kept = _successor(old_rotation.members, held_by, rotation.members)
    move = AnchorMove(
        *where, rotation.name, held_by, kept, held_by not in rotation.members, rotation.start, None
    )
    if kept is None:
        return move
    turns = rotation_cadence(rotation, time_zone)
    turn = turns.turn_at(at)
    if rotation.members[turn % len(rotation.members)] == kept:
        return move
    anchor = turns.handoff(turn - rotation.members.index(kept))
    return replace(move, new_start=anchor_value(anchor, rotation.handoff, time_zone))


def _successor(old: tuple[str, ...], held_by: str, new: tuple[str, ...]) -> str | None:
    """`held_by` if still listed, else the next of the old order who is still listed."""
    position = old.index(held_by)
    for step in range(len(old)):
        candidate = old[(position + step) % len(old)]
        if candidate in new:
            return candidate
    return None
