"""Schedule layer timing: where a rotation's turns are counted from, and when they change.

PagerDuty counts a layer's turns from `rotation_virtual_start` (V) and keeps hand-offs on the
schedule zone's wall clock. The catalog gives V as a local date (or an instant) plus a local
hand-off time; this module turns that into the UTC instant PagerDuty expects, and numbers the
turns from it. Seconds are dropped because PagerDuty keeps V at a whole minute.

Two questions PagerDuty's documentation leaves open are answered here, each in one function so a
different answer is a one-line change (see docs/oncall.md, "Open questions"):

- `localize`: which instant a skipped or repeated local time means;
- `handoff_instant`: whether turns shorter than a day stay on the wall clock across a DST change.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

from infra.catalog.fields import clock_minutes

UTC = dt.UTC
# The instants the commands accept: wide enough for any real schedule, and far enough inside
# Python's years 1-9999 that the date arithmetic around an instant (weeks of restriction
# windows, turns of up to a year) cannot overflow.
FIRST_YEAR, LAST_YEAR = 2000, 2100


@cache
def zone_info(time_zone: str) -> ZoneInfo:
    """The IANA zone, loaded once."""
    return ZoneInfo(time_zone)


def localize(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant at which `zone`'s clock reads the naive `wall` time.

    Open question 3 (non-existent and repeated local times). Choice: read the time with the
    offset in force just before the clock change (`fold=0`). A time skipped by spring-forward
    therefore lands as far after the jump as it was after the last valid minute (02:30 becomes
    03:30 summer time), and a repeated time means its first occurrence. This is what Ruby's
    ActiveSupport, on which PagerDuty runs, does for the same inputs.
    """
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def wall_time(instant: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The naive local time `zone`'s clock shows at `instant`."""
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def virtual_start(start: dt.date | dt.datetime, handoff: str, time_zone: str) -> dt.datetime:
    """The UTC instant at which the rotation's first member's turn begins.

    A date is combined with the local hand-off time in `time_zone`. An instant with an offset
    is taken as it is; a naive date-time is read on the zone's wall clock.
    """
    zone = zone_info(time_zone)
    if isinstance(start, dt.datetime):
        aware = start.tzinfo is not None
        instant = start.astimezone(UTC) if aware else localize(start, zone)
    else:
        minutes = clock_minutes(handoff)
        instant = localize(dt.datetime.combine(start, dt.time(minutes // 60, minutes % 60)), zone)
    return instant.replace(second=0, microsecond=0)


def handoff_instant(
    anchor: dt.datetime, anchor_wall: dt.datetime, turn: int, length_seconds: int, zone: ZoneInfo
) -> dt.datetime:
    """The instant turn number `turn` begins; turn 0 begins at `anchor` (V).

    Hand-offs stay on the zone's wall clock: turn k begins when the clock reads V's local time
    plus k turn lengths, so a weekly 09:00 hand-off stays at 09:00 all year and the one turn
    spanning a DST change is an hour shorter or longer.

    Open question 1 (turns that are not whole days, such as 12 h, across a DST change).
    Choice: the wall clock as well, so a 08:00/20:00 follow-the-sun rotation keeps those
    times all year. It is the simplest reading that also gives PagerDuty's documented
    whole-day behaviour: add the turns on the local clock, whatever their length.
    """
    if turn == 0:
        return anchor  # V itself, even when its local time is a repeated one
    return localize(anchor_wall + dt.timedelta(seconds=turn * length_seconds), zone)


@dataclass(frozen=True)
class Cadence:
    """The turns of one schedule layer: V, the turn length and the zone they are counted in."""

    anchor: dt.datetime  # V, a UTC instant at a whole minute
    length_seconds: int
    zone: ZoneInfo

    @property
    def anchor_wall(self) -> dt.datetime:
        return wall_time(self.anchor, self.zone)

    def handoff(self, turn: int) -> dt.datetime:
        """The instant turn number `turn` begins."""
        return handoff_instant(self.anchor, self.anchor_wall, turn, self.length_seconds, self.zone)

    def turn_at(self, at: dt.datetime) -> int:
        """The number of the turn in progress at `at` (negative before V)."""
        turn = math.floor((at - self.anchor).total_seconds() / self.length_seconds)
        # The absolute estimate is off by at most one turn per DST change; walk to the turn.
        while self.handoff(turn) > at:
            turn -= 1
        while self.handoff(turn + 1) <= at:
            turn += 1
        return turn


def cadence(
    start: dt.date | dt.datetime, handoff: str, length_seconds: int, time_zone: str
) -> Cadence:
    """The turns of a rotation with this anchor, hand-off time, turn length and zone."""
    return Cadence(virtual_start(start, handoff, time_zone), length_seconds, zone_info(time_zone))


def handoff_spacing_minutes(length_seconds: int) -> int:
    """The spacing, in minutes, of the local times of day at which hand-offs can fall.

    Hand-offs fall at the hand-off time plus whole multiples of the turn length, so on the
    clock they repeat every gcd(turn length, 1 day): 1440 minutes for daily and weekly turns,
    720 for 12-hour turns, 60 for 5-hour turns.
    """
    return math.gcd(length_seconds // 60, 24 * 60)


def anchor_value(instant: dt.datetime, handoff: str, time_zone: str) -> dt.date | dt.datetime:
    """How to write V = `instant` as a rotation's `start`, in the plainest form that reads back.

    A date when V falls at the hand-off time (the usual case), else the local date-time on the
    zone's clock (a 12-hour rotation's evening turn), else the instant with its offset (a
    repeated local time on the night clocks go back).
    """
    zone = zone_info(time_zone)
    local = wall_time(instant, zone)
    candidates: tuple[dt.date | dt.datetime, ...] = (
        local.date(),
        local,
        # A fixed offset, not the zone: it writes as `-05:00` and compares as an instant.
        instant.astimezone(dt.timezone(instant.astimezone(zone).utcoffset() or dt.timedelta())),
    )
    for candidate in candidates:
        if virtual_start(candidate, handoff, time_zone) == instant:
            return candidate
    raise ValueError(f"{instant} is not at a whole minute")


def parse_instant(text: str) -> dt.datetime:
    """An ISO 8601 time with a UTC offset, in UTC, in the years FIRST_YEAR..LAST_YEAR.

    ValueError says, after the quoted text, what is wrong with it.
    """
    try:
        instant = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"`{text}` is not an ISO 8601 instant such as 2026-03-04T12:00:00Z"
        ) from None
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"`{text}` needs a UTC offset, such as Z or +01:00")
    utc = supported_utc(instant)
    if utc is None:
        raise ValueError(f"`{text}` is outside the years {FIRST_YEAR}-{LAST_YEAR} (UTC)")
    return utc


def supported_utc(instant: dt.datetime) -> dt.datetime | None:
    """The aware `instant` in UTC, or None when it is outside FIRST_YEAR..LAST_YEAR."""
    try:
        utc = instant.astimezone(UTC)
    except OverflowError:
        return None
    return utc if FIRST_YEAR <= utc.year <= LAST_YEAR else None


def format_instant(instant: dt.datetime) -> str:
    """An instant in the RFC 3339 UTC form PagerDuty's provider sends."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
