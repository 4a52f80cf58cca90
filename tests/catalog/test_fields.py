"""Field types: only zones of real places are time zones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator

import pytest
from pydantic import TypeAdapter, ValidationError

from infra.catalog import fields

ZONE = TypeAdapter(fields.TimeZone)


@pytest.fixture
def database_with_every_file(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A zone database listing, as some hosts do, the `posix/` and `right/` trees too."""
    names = {"Europe/Berlin", "posix/Europe/Berlin", "right/UTC", "posixrules", "localtime"}
    monkeypatch.setattr(zoneinfo, "available_timezones", lambda: names | {"Factory"})
    fields._known_zones.cache_clear()
    yield
    fields._known_zones.cache_clear()


@pytest.mark.usefixtures("database_with_every_file")
@pytest.mark.parametrize(
    "name", ["localtime", "Factory", "posixrules", "posix/Europe/Berlin", "right/UTC"]
)
def test_database_files_that_are_not_places_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ZONE.validate_python(name)
    assert raised.value.errors()[0]["type"] == "bad-time-zone"


@pytest.mark.usefixtures("database_with_every_file")
def test_a_region_zone_is_accepted() -> None:
    assert ZONE.validate_python("Europe/Berlin") == "Europe/Berlin"


@pytest.mark.parametrize("text", ["20260105", "2026-W02-1", "2026-005", "05/01/2026"])
def test_rotation_starts_only_in_the_readable_iso_forms(text: str) -> None:
    with pytest.raises(ValidationError) as caught:
        TypeAdapter(fields.Anchor).validate_python(text)

    assert [e["type"] for e in caught.value.errors()] == ["bad-date"]


def test_rotation_starts_accept_dates_and_instants() -> None:
    adapter = TypeAdapter(fields.Anchor)

    assert adapter.validate_python("2026-01-05") == dt.date(2026, 1, 5)
    assert adapter.validate_python("2026-01-05T09:00:00-05:00").utcoffset() == dt.timedelta(
        hours=-5
    )
