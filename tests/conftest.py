"""Shared fixtures: paths, and running the real program on Pulumi's mock runtime."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from infra.program.main import run
from infra.program.offline import Plan, catalog_people, read_stack_config, run_offline

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
MINIMAL = DATA / "valid" / "minimal.yaml"
SHARED = ROOT.parent / "shared"

PlanRunner = Callable[..., Plan]


def stack_config(stack: str = "dev", **overrides: str) -> tuple[dict[str, str], list[str]]:
    """A stack file's settings with `teamcat:` keys overridden (None removes a key)."""
    config, secrets = read_stack_config(ROOT / "stacks" / f"Pulumi.{stack}.yaml")
    for key, value in overrides.items():
        full = f"teamcat:{key}"
        if value is None:
            config.pop(full, None)
        else:
            config[full] = value
    return config, secrets


@pytest.fixture
def plan_catalog() -> PlanRunner:
    """Run the program for a catalog and stack.

    `settings` override `teamcat:` keys; `people` replaces the users the offline lookups know
    (by default, the catalog's own people).
    """

    def runner(
        catalog: Path = MINIMAL,
        stack: str = "dev",
        settings: Mapping[str, str | None] | None = None,
        people: Mapping[str, str] | None = None,
    ) -> Plan:
        config, secrets = stack_config(stack, **dict(settings or {}))  # type: ignore[arg-type]
        return run_offline(
            lambda: run(str(catalog)),
            people=catalog_people(str(catalog)) if people is None else people,
            stack=stack,
            config=config,
            secret_keys=secrets,
        )

    return runner
