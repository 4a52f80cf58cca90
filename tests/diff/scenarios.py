"""The diff scenarios: each edits a copy of data/org.yaml into the head catalog of a change.

An edit replaces text that must occur exactly once in the base, so a scenario cannot silently
stop applying when the base changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
BASE = DATA / "org.yaml"
SNAPSHOTS = Path(__file__).resolve().parent / "snapshots"
# "Right now" in every scenario: a Wednesday, in the ninth week of every rotation.
AT = "2026-03-04T12:00:00Z"
AT_INSTANT = dt.datetime(2026, 3, 4, 12, 0, tzinfo=dt.UTC)

Edit = tuple[str, str]


@dataclass(frozen=True)
class Scenario:
    name: str
    edits: tuple[Edit, ...]
    generate: Callable[[str], str] | None = field(default=None)

    def head(self, base: str) -> str:
        """The head catalog's text."""
        for old, new in self.edits:
            count = base.count(old)
            assert count == 1, f"{self.name}: {old!r} occurs {count} times in the base"
            base = base.replace(old, new)
        return self.generate(base) if self.generate else base


def person(email: str, name: str, zone: str) -> str:
    return f"  - email: {email}\n    name: {name}\n    time_zone: {zone}\n"


KAI = person("kai@example.com", "Kai Example", "Europe/Berlin")
HAL = person("hal@example.com", "Hal Example", "America/New_York")
WEB_ROTATION = "members: [fin@example.com, gus@example.com, hal@example.com, ivy@example.com]"
CORE_ROTATION = "members: [bo@example.com, cy@example.com, dee@example.com]"
LONG_COUNT = 130


def _many_new_hires(text: str) -> str:
    """130 new people joining `web` and its rotation: too long for one comment."""
    emails = [f"new{n:03}@example.com" for n in range(1, LONG_COUNT + 1)]
    people = "".join(person(e, f"New Hire {e[3:6]}", "America/New_York") for e in emails)
    members = "".join(f"      - {{email: {e}}}\n" for e in emails)
    rotation = ", ".join(["fin@example.com", "gus@example.com", "hal@example.com", *emails])
    text = text.replace(KAI, KAI + people)
    text = text.replace(
        "      - {email: ivy@example.com}\n", "      - {email: ivy@example.com}\n" + members
    )
    return text.replace(WEB_ROTATION, f"members: [{rotation}, ivy@example.com]")


SCENARIOS = (
    Scenario(
        "new-hire",
        (
            (KAI, KAI + person("lou@example.com", "Lou Example", "America/New_York")),
            (
                "      - {email: ivy@example.com}\n",
                "      - {email: ivy@example.com}\n      - {email: lou@example.com}\n",
            ),
            (WEB_ROTATION, WEB_ROTATION[:-1] + ", lou@example.com]"),
        ),
    ),
    Scenario(
        "leaver",
        (
            (HAL, ""),
            ("      - {email: hal@example.com}\n", ""),
            (WEB_ROTATION, WEB_ROTATION.replace(" hal@example.com,", "")),
        ),
    ),
    Scenario(
        "move-teams",
        (
            ("      - {email: dee@example.com}\n", ""),
            (CORE_ROTATION, "members: [bo@example.com, cy@example.com]"),
            (
                "      - {email: ivy@example.com}\n",
                "      - {email: ivy@example.com}\n      - {email: dee@example.com}\n",
            ),
            (WEB_ROTATION, WEB_ROTATION[:-1] + ", dee@example.com]"),
        ),
    ),
    Scenario(
        "promotion",
        (
            (
                "      - {email: fin@example.com}\n",
                "      - {email: fin@example.com, role: manager}\n",
            ),
        ),
    ),
    Scenario(
        "on-call-now",
        ((CORE_ROTATION, "members: [dee@example.com, bo@example.com, cy@example.com]"),),
    ),
    Scenario("owner-change", (("    owner: sre\n", "    owner: core\n"),)),
    Scenario(
        "team-rename",
        (
            (
                "  - key: sre\n    name: Site Reliability\n",
                "  - key: platform-sre\n    name: Site Reliability\n    renamed_from: [sre]\n",
            ),
            ("    owner: sre\n", "    owner: platform-sre\n"),
        ),
    ),
    Scenario(
        "remove-40-percent",
        (
            ("      - {email: gus@example.com}\n", ""),
            ("      - {email: ivy@example.com}\n", ""),
            (WEB_ROTATION, "members: [fin@example.com, hal@example.com]"),
        ),
    ),
    Scenario("long", (), _many_new_hires),
)
BY_NAME = {s.name: s for s in SCENARIOS}
