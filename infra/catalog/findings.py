"""Findings: what is wrong with a catalog, where, and how to fix it.

Every check in teamcat reports `Finding`s instead of raising, so a user sees every problem in one
run. A finding always names a file, line and column (1-based) and carries a stable kebab-case
code that tests and scripts can rely on.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a source file; line and column count from 1."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Finding:
    """One problem found in a catalog."""

    code: str
    message: str
    position: Position
    hint: str | None = None
    severity: Severity = "error"

    def render(self) -> str:
        """The finding as `file:line:col: code: message`, with the hint on its own line."""
        level = "" if self.severity == "error" else "warning "
        text = f"{self.position}: {level}{self.code}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.position.file, self.position.line, self.position.col, self.code, self.message)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Findings in file order, each reported once."""
    unique = {(f.sort_key(), f.hint, f.severity): f for f in findings}
    return [unique[key] for key in sorted(unique)]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known name, or None when nothing is close."""
    lowered = {c.lower(): c for c in choices}
    matches = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.7)
    if not matches:
        return None
    return f"did you mean `{lowered[matches[0]]}`?"


def did_you_mean_email(address: str, choices: Iterable[str]) -> str | None:
    """A hint naming the closest known address, or None when nothing is close.

    Most addresses share one domain, so when the domains match only the parts before `@` are
    compared: `zed@example.com` is not a near miss of `ada@example.com`.
    """
    local, _, domain = address.lower().rpartition("@")
    best: tuple[float, str] | None = None
    for choice in choices:
        other_local, _, other_domain = choice.lower().rpartition("@")
        same_domain = domain == other_domain
        pair = (local, other_local) if same_domain else (address.lower(), choice.lower())
        score = difflib.SequenceMatcher(None, *pair).ratio()
        if score >= 0.7 and (best is None or score > best[0]):
            best = (score, choice)
    return f"did you mean `{best[1]}`?" if best else None
