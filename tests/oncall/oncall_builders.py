"""Small catalogs for the on-call tests, built as data and written as YAML.

One team `core` with five people (ana, ben, cai, dee, eve @example.com, all members) and one
service `api` it owns. Tests pass the schedules and, when it matters, the escalation levels.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from infra.catalog.loader import LoadResult, load_catalog_bytes
from infra.core.state import DesiredState, resolve

NAMES = ("ana", "ben", "cai", "dee", "eve")
ANA, BEN, CAI, DEE, EVE = (f"{name}@example.com" for name in NAMES)
UTC = dt.UTC

Data = dict[str, Any]


def rotation(
    members: list[str],
    *,
    name: str = "main",
    length: str = "weekly",
    handoff: str = "09:00",
    start: dt.date | dt.datetime | str = dt.date(2026, 1, 5),
    restrictions: list[Data] | None = None,
) -> Data:
    """One rotation (schedule layer)."""
    data: Data = {
        "name": name,
        "members": list(members),
        "length": length,
        "handoff": handoff,
        "start": start,
    }
    if restrictions:
        data["restrictions"] = restrictions
    return data


def schedule(*rotations: Data, key: str = "primary", time_zone: str = "America/New_York") -> Data:
    """A schedule whose layers are `rotations`, lowest precedence first."""
    return {"key": key, "name": f"Core {key}", "time_zone": time_zone, "rotations": list(rotations)}


def catalog(
    *schedules: Data,
    levels: list[Data] | None = None,
    roles: dict[str, str] | None = None,
    members: tuple[str, ...] = (ANA, BEN, CAI, DEE, EVE),
) -> Data:
    """The whole catalog; by default the policy pages the first schedule, then ana."""
    if levels is None:
        levels = [
            {"delay_minutes": 15, "targets": [{"schedule": schedules[0]["key"]}]},
            {"delay_minutes": 15, "targets": [{"person": ANA}]},
        ]
    people = []
    for name in NAMES:
        person: Data = {"email": f"{name}@example.com", "name": name.title(), "time_zone": "UTC"}
        if roles and person["email"] in roles:
            person["pagerduty_role"] = roles[person["email"]]
        people.append(person)
    team: Data = {
        "key": "core",
        "name": "Core",
        "members": [{"email": email} for email in members],
        "on_call": {"schedules": list(schedules), "escalation": {"loops": 0, "levels": levels}},
    }
    return {
        "version": 1,
        "people": people,
        "teams": [team],
        "services": [{"key": "api", "name": "API", "owner": "core"}],
    }


def dump(data: Data) -> str:
    return yaml.safe_dump(data, sort_keys=False)


def load(data: Data) -> LoadResult:
    return load_catalog_bytes(dump(data).encode("utf-8"), "test.yaml")


def state_of(data: Data) -> DesiredState:
    """The desired state of a catalog that must load without errors (warnings allowed)."""
    result = load(data)
    assert result.ok and result.catalog is not None, [f.render() for f in result.findings]
    return resolve(result.catalog)


def write(path: Path, data: Data) -> Path:
    path.write_text(dump(data), encoding="utf-8")
    return path


def at(text: str) -> dt.datetime:
    """An aware instant from ISO 8601 text with an offset."""
    instant = dt.datetime.fromisoformat(text)
    assert instant.tzinfo is not None
    return instant
