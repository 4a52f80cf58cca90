"""The catalog a catalog rule reads: its desired state and where each entry sits in the file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from infra.catalog.findings import Finding, has_errors
from infra.catalog.loader import load_catalog
from infra.core.state import DEFAULT_HARNESS_ORG, DesiredState, resolve
from infra.rules.where import CatalogPaths


@dataclass(frozen=True)
class CatalogSubject:
    """A valid catalog, resolved, with its paths and positions."""

    state: DesiredState
    where: CatalogPaths


class CatalogUnusable(Exception):
    """The catalog could not be read or has errors; `findings` say why."""

    def __init__(self, display: str, findings: list[Finding]) -> None:
        errors = [f for f in findings if f.severity == "error"]
        first = errors[0].render().splitlines()[0] if errors else "it could not be read"
        super().__init__(f"the catalog {display} has {len(errors)} error(s), first: {first}")
        self.findings = findings


def load_subject(
    path: Path, display: str | None = None, harness_org: str = DEFAULT_HARNESS_ORG
) -> CatalogSubject:
    """Load, check and resolve the catalog at `path`; CatalogUnusable when it has errors."""
    name = display or str(path)
    result = load_catalog(path, display=name)
    if result.catalog is None or result.source is None or has_errors(result.findings):
        raise CatalogUnusable(name, result.findings)
    state = resolve(result.catalog, harness_org)
    return CatalogSubject(state, CatalogPaths.of(result.catalog, result.source))


def find_catalog(value: str, roots: Iterable[Path]) -> Path:
    """`value` as a path: absolute as it is, else the first root holding it (else the first)."""
    path = Path(value)
    if path.is_absolute():
        return path
    candidates = [root / path for root in roots]
    return next((c for c in candidates if c.is_file()), candidates[0] if candidates else path)
