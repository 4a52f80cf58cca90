"""Field types of the catalog: keys, e-mail addresses, time zones, clock times, durations.

Each type checks one thing and fails with a stable code (the `PydanticCustomError` type), which
becomes the finding's code, and a message in plain words.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Callable
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

_KEY = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$")
_HARNESS_ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CLOCK = re.compile(r"^(?P<h>[01][0-9]|2[0-3]):(?P<m>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?$")
_DURATION = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")
_HOURS = re.compile(r"^(?P<h>[1-9][0-9]*)h$")

# C0 and C1 controls (DEL included) and the bidi embedding, override and isolate characters
# that can make a name display as something else in a terminal, a PR or the vendors' UIs.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_TEXT_LAYOUT = "\n\t"  # a description may span lines
MAX_KEY_LENGTH = 48
MAX_NAME_LENGTH = 120
MIN_START_YEAR = 2000
MAX_START_YEAR = 2100


def _key(value: str) -> str:
    if len(value) > MAX_KEY_LENGTH:
        raise PydanticCustomError(
            "bad-key",
            "`{value}…` is longer than {limit} characters",
            {"value": value[:20], "limit": MAX_KEY_LENGTH},
        )
    if not _KEY.match(value):
        raise PydanticCustomError(
            "bad-key",
            "`{value}` is not a key: use lower-case letters, digits and single hyphens, "
            "starting with a letter",
            {"value": value},
        )
    return value


def _email(value: str) -> str:
    if len(value) > 254 or not _EMAIL.match(value):
        raise PydanticCustomError(
            "bad-email", "`{value}` is not an e-mail address", {"value": value[:80]}
        )
    return value


def _harness_id(value: str) -> str:
    if len(value) > 128 or not _HARNESS_ID.match(value):
        raise PydanticCustomError(
            "bad-harness-identifier",
            "`{value}` is not a Harness identifier: letters, digits and `_`, "
            "not starting with a digit",
            {"value": value[:80]},
        )
    return value


# Files of the zone database that are not zones of any place: the host's own zone, a
# placeholder, POSIX rules, and the duplicate trees for POSIX and leap-second clocks.
_NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
_NOT_ZONE_TREES = ("posix/", "right/")


@functools.cache
def _known_zones() -> frozenset[str]:
    return frozenset(
        zone
        for zone in zoneinfo.available_timezones()
        if zone not in _NOT_ZONES and not zone.startswith(_NOT_ZONE_TREES)
    )


def _time_zone(value: str) -> str:
    if value not in _known_zones():
        raise PydanticCustomError(
            "bad-time-zone",
            "`{value}` is not an IANA time zone (such as `Europe/Berlin` or `America/New_York`)",
            {"value": value[:80]},
        )
    return value


def has_control_character(value: str) -> bool:
    """Whether `value` holds a character that could disguise it when printed."""
    return _CONTROL.search(value) is not None


def _control_free(allowed: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        for index, char in enumerate(value):
            if char not in allowed and _CONTROL.match(char):
                raise PydanticCustomError(
                    "control-character",
                    "contains the control character U+{code} at position {position}",
                    {"code": f"{ord(char):04X}", "position": index + 1},
                )
        return value

    return check


def _clock_time(value: str) -> str:
    match = _CLOCK.match(value)
    if not match:
        raise PydanticCustomError(
            "bad-time", "`{value}` is not a time of day in 24-hour `HH:MM`", {"value": value[:40]}
        )
    if match.group("s") not in (None, "00"):
        raise PydanticCustomError(
            "time-with-seconds",
            "`{value}` has seconds; PagerDuty hand-offs and restrictions start on whole minutes",
            {"value": value},
        )
    return f"{match.group('h')}:{match.group('m')}"


def clock_minutes(value: str) -> int:
    """Minutes after midnight of a validated `HH:MM` time."""
    hours, minutes = value.split(":")[:2]
    return int(hours) * 60 + int(minutes)


def _duration(value: str | int) -> str:
    text = str(value)
    match = _DURATION.match(text)
    if not text or not match:
        raise PydanticCustomError(
            "bad-duration",
            "`{value}` is not a duration such as `8h`, `90m`, `1d12h`",
            {"value": text[:40]},
        )
    return text


def duration_seconds(value: str) -> int:
    """Seconds in a validated duration such as `1d12h30m`."""
    match = _DURATION.match(value)
    assert match is not None
    days, hours, minutes = (int(match.group(g) or 0) for g in ("d", "h", "m"))
    return ((days * 24 + hours) * 60 + minutes) * 60


def _rotation_length(value: str | int) -> str:
    text = str(value)
    if text in ("daily", "weekly") or _HOURS.match(text):
        return text
    raise PydanticCustomError(
        "bad-rotation-length",
        "`{value}` is not a rotation length: use `daily`, `weekly` or a number of hours like `12h`",
        {"value": text[:40]},
    )


def rotation_length_seconds(value: str) -> int:
    """Seconds in one turn of a rotation."""
    if value == "daily":
        return 86_400
    if value == "weekly":
        return 7 * 86_400
    return int(value[:-1]) * 3_600


_ANCHOR_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ANCHOR_INSTANT = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?$"
)


def _anchor(value: object) -> dt.date | dt.datetime:
    """A rotation anchor: a date, or an instant (with or without an offset)."""
    if isinstance(value, dt.date):  # a datetime is a date too
        return _in_years(value)
    # Only the extended forms people read at a glance: `20260105` or `2026-W02-1` are ISO 8601
    # too, but a reviewer would not recognise them as the dates they are.
    if isinstance(value, str) and (_ANCHOR_DATE.match(value) or _ANCHOR_INSTANT.match(value)):
        try:
            parsed = (
                dt.date.fromisoformat(value)
                if len(value) == 10
                else dt.datetime.fromisoformat(value)
            )
        except ValueError:
            pass
        else:
            return _in_years(parsed)
    raise PydanticCustomError(
        "bad-date",
        "`{value}` is not a date (YYYY-MM-DD) or an instant (2026-03-02T09:00:00-05:00)",
        {"value": str(value)[:40]},
    )


def _in_years(value: dt.date) -> dt.date:
    # Hand-offs are computed from the start forward and back; a start near year 1 or 9999
    # would overflow Python's dates in later commands.
    if not MIN_START_YEAR <= value.year <= MAX_START_YEAR:
        raise PydanticCustomError(
            "bad-date",
            "`{value}` is outside the years {low} to {high}",
            {"value": value.isoformat()[:40], "low": MIN_START_YEAR, "high": MAX_START_YEAR},
        )
    return value


def _to_text(value: object) -> object:
    # Integers typed where a duration or length is expected (`duration: 8`) read as text so the
    # finding says what the unit must be, instead of "should be a valid string".
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Key = Annotated[str, Field(min_length=1), AfterValidator(_key)]
Email = Annotated[str, AfterValidator(_email)]
HarnessId = Annotated[str, AfterValidator(_harness_id)]
TimeZone = Annotated[str, AfterValidator(_time_zone)]
ClockTime = Annotated[str, AfterValidator(_clock_time)]
Duration = Annotated[str, BeforeValidator(_to_text), AfterValidator(_duration)]
RotationLength = Annotated[str, BeforeValidator(_to_text), AfterValidator(_rotation_length)]
Anchor = Annotated[
    dt.date | dt.datetime,
    PlainValidator(_anchor),
    WithJsonSchema({"type": "string", "anyOf": [{"format": "date"}, {"format": "date-time"}]}),
]
Name = Annotated[
    str, Field(min_length=1, max_length=MAX_NAME_LENGTH), AfterValidator(_control_free(""))
]
Description = Annotated[str, Field(max_length=1024), AfterValidator(_control_free(_TEXT_LAYOUT))]
