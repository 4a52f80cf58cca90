"""Where a catalog rule points: data paths into the catalog file and their positions.

The desired state is keyed and sorted by key, so it has forgotten where each team and service
sits in the file. `CatalogPaths` keeps that order (from the catalog model) next to the loader's
source map, so a rule can say `services[3].owner` and the CLI can print `catalog.yaml:212:12`.
Schedules, rotations, levels and roles keep their catalog order in the state, so their index
is their position in the state's tuples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from infra.catalog.findings import Position
from infra.catalog.models import Catalog
from infra.catalog.yamlsource import PathKey, SourceMap
from infra.rules.violations import Violation


@dataclass(frozen=True)
class CatalogPaths:
    """Data paths of a loaded catalog's teams and services, and their source positions."""

    source: SourceMap
    teams: dict[str, int] = field(default_factory=dict)
    services: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog, source: SourceMap) -> CatalogPaths:
        """The paths of `catalog`; the first entry wins for a repeated key."""
        teams: dict[str, int] = {}
        services: dict[str, int] = {}
        for index, team in enumerate(catalog.teams):
            teams.setdefault(team.key, index)
        for index, service in enumerate(catalog.services):
            services.setdefault(service.key, index)
        return cls(source, teams, services)

    @property
    def file(self) -> str:
        return self.source.file

    def team(self, key: str, *rest: str | int) -> PathKey:
        """`("teams", i, *rest)` for the team `key`, or the `teams` list when it is unknown."""
        index = self.teams.get(key)
        return ("teams",) if index is None else ("teams", index, *rest)

    def service(self, key: str, *rest: str | int) -> PathKey:
        """`("services", i, *rest)` for the service `key`, or the `services` list."""
        index = self.services.get(key)
        return ("services",) if index is None else ("services", index, *rest)

    def at(self, path: PathKey, *, key: bool = False) -> Position:
        """The position of `path` (of its key with `key`), or of its closest recorded parent."""
        return self.source.at(path, key=key)

    def violation(
        self,
        policy: str,
        message: str,
        path: PathKey,
        hint: str | None = None,
        *,
        key: bool = False,
    ) -> Violation:
        """A violation of `policy` located at `path` (or its key) in this catalog."""
        return Violation(policy, message, path=path, position=self.at(path, key=key), hint=hint)
