"""Schedule layer timing: where a rotation's turns are counted from.

PagerDuty counts a layer's turns from `rotation_virtual_start` (V) and keeps hand-offs on the
schedule zone's wall clock. The catalog gives V as a local date (or an instant) plus a local
hand-off time; this module turns that into the UTC instant PagerDuty expects. Seconds are
dropped because PagerDuty keeps V at a whole minute.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from infra.catalog.fields import clock_minutes

UTC = dt.UTC


def virtual_start(start: dt.date | dt.datetime, handoff: str, time_zone: str) -> dt.datetime:
    """The UTC instant at which the rotation's first member's turn begins.

    A date is combined with the local hand-off time in `time_zone`. An instant with an offset
    is taken as it is; a naive date-time is read on the zone's wall clock.
    """
    zone = ZoneInfo(time_zone)
    if isinstance(start, dt.datetime):
        local = start if start.tzinfo is not None else start.replace(tzinfo=zone)
    else:
        minutes = clock_minutes(handoff)
        naive = dt.datetime.combine(start, dt.time(minutes // 60, minutes % 60))
        local = naive.replace(tzinfo=zone)
    return local.astimezone(UTC).replace(second=0, microsecond=0)


def format_instant(instant: dt.datetime) -> str:
    """An instant in the RFC 3339 UTC form PagerDuty's provider sends."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
