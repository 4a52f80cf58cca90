"""On-call coverage: the hours of a week with nobody on call, and with nobody to page.

Coverage is a property of the catalog's shape, not of one date: every layer is taken as
running (its `start` is ignored) and a layer covers whenever one of its restriction windows is
open, or always without restrictions. Hand-offs do not matter here, because some member always
holds the turn. Schedules in different zones are compared in two reference weeks, one in
January and one in July, so daylight saving on either side is seen; the worse week is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from infra.core.layers import localize, wall_time, zone_info
from infra.core.oncall import Window, restriction_windows
from infra.core.state import ScheduleState, TeamState

# Mondays of weeks without a DST change in either hemisphere.
REFERENCE_WEEKS = (dt.date(2026, 1, 12), dt.date(2026, 7, 13))
_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Coverage = Callable[[dt.datetime, dt.datetime], list[Window]]


@dataclass(frozen=True)
class Gaps:
    """The uncovered parts of one reference week, read on `time_zone`'s clock."""

    time_zone: str
    week_start: dt.datetime
    windows: tuple[Window, ...]

    @property
    def minutes(self) -> int:
        return sum(int((end - start).total_seconds()) // 60 for start, end in self.windows)

    @property
    def hours(self) -> str:
        """The total as `16 h`, `163 h 20 min` or `1 min`."""
        hours, minutes = divmod(self.minutes, 60)
        parts = [f"{hours} h"] if hours else []
        parts += [f"{minutes} min"] if minutes or not hours else []
        return " ".join(parts)

    def describe(self, limit: int = 6) -> str:
        """The windows as `Mon 17:00-Tue 09:00, Sat 00:00-Mon 00:00`, at most `limit` of them."""
        zone = zone_info(self.time_zone)
        parts = [f"{_clock(start, zone)}-{_clock(end, zone)}" for start, end in self._wrapped()]
        if len(parts) > limit:
            parts = [*parts[:limit], f"and {len(parts) - limit} more"]
        return ", ".join(parts)

    def _wrapped(self) -> list[Window]:
        """The windows, joining one that ends the week to one that starts it (Sun to Mon)."""
        windows = list(self.windows)
        week_end = self.week_start + dt.timedelta(days=7)
        if len(windows) > 1 and windows[0][0] == self.week_start and windows[-1][1] == week_end:
            first, last = windows.pop(0), windows.pop()
            windows.append((last[0], first[1] + dt.timedelta(days=7)))
        return windows


def schedule_coverage(
    schedule: ScheduleState, since: dt.datetime, until: dt.datetime
) -> list[Window]:
    """When the schedule has someone on call between `since` and `until`."""
    zone = zone_info(schedule.time_zone)
    first = wall_time(since, zone).date() - dt.timedelta(days=8)
    last = wall_time(until, zone).date()
    windows: list[Window] = []
    for rotation in schedule.rotations:
        if not rotation.restrictions:
            return [(since, until)]
        for restriction in rotation.restrictions:
            windows.extend(restriction_windows(restriction, zone, first, last))
    return _clip(_merge(windows), since, until)


def team_gaps(team: TeamState) -> Gaps | None:
    """The worse reference week's hours with nobody on call on any of the team's schedules.

    None when the team has no schedules (it takes no part in on-call).
    """
    if not team.schedules:
        return None
    return _worst(
        team.schedules[0].time_zone,
        lambda since, until: [
            w for s in team.schedules for w in schedule_coverage(s, since, until)
        ],
    )


def escalation_gaps(team: TeamState) -> Gaps | None:
    """The worse reference week's hours in which no level of the team's policy reaches anyone.

    A person target always reaches someone; a schedule target only while it has someone on
    call. When every level is empty, PagerDuty has nobody to notify. None when the team has
    no policy or the policy names a person.
    """
    if team.escalation is None:
        return None
    targets = [t for level in team.escalation.levels for t in level.targets]
    if any(t.kind == "person" for t in targets):
        return None
    schedules = {s.key: s for s in team.schedules}
    targeted = [schedules[t.ref] for t in targets if t.ref in schedules]
    zone = targeted[0].time_zone if targeted else "UTC"
    return _worst(
        zone, lambda since, until: [w for s in targeted for w in schedule_coverage(s, since, until)]
    )


def _worst(time_zone: str, covered: Coverage) -> Gaps:
    weeks = []
    for monday in REFERENCE_WEEKS:
        since = _week_start(monday, time_zone)
        until = _week_start(monday + dt.timedelta(days=7), time_zone)
        gaps = _complement(_merge(covered(since, until)), since, until)
        weeks.append(Gaps(time_zone, since, tuple(gaps)))
    return max(weeks, key=lambda g: g.minutes)  # the first (January) on a tie


def _week_start(monday: dt.date, time_zone: str) -> dt.datetime:
    return localize(dt.datetime.combine(monday, dt.time()), zone_info(time_zone))


def _merge(windows: Iterable[Window]) -> list[Window]:
    merged: list[Window] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _clip(windows: list[Window], since: dt.datetime, until: dt.datetime) -> list[Window]:
    return [(max(s, since), min(e, until)) for s, e in windows if e > since and s < until]


def _complement(covered: list[Window], since: dt.datetime, until: dt.datetime) -> list[Window]:
    gaps = []
    cursor = since
    for start, end in _clip(covered, since, until):
        if start > cursor:
            gaps.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < until:
        gaps.append((cursor, until))
    return gaps


def _clock(instant: dt.datetime, zone: dt.tzinfo) -> str:
    local = instant.astimezone(zone)
    return f"{_DAY_NAMES[local.weekday()]} {local:%H:%M}"
