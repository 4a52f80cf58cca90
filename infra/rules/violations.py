"""Violations: what a rule found, and where it points (a catalog path or a resource name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from infra.catalog.findings import Position
from infra.catalog.yamlsource import PathKey

Level = Literal["advisory", "mandatory", "remediate", "disabled"]
LEVELS: tuple[Level, ...] = ("advisory", "mandatory", "remediate", "disabled")


@dataclass(frozen=True)
class Violation:
    """One broken rule: a message in plain words, the place that caused it and a fix."""

    policy: str
    message: str
    path: PathKey | None = None
    position: Position | None = None
    resource: str | None = None
    hint: str | None = None

    def render(self) -> str:
        """`file:line:col: message` (or the bare message), then the hint on its own line."""
        text = f"{self.position}: {self.message}" if self.position else self.message
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text
