"""The measured phases of one benchmark size, run in a fresh process by `bench/scale.py`.

Each phase calls what the `teamcat` command calls, in process, and is timed with
`time.perf_counter` (best of `repeat` runs): validate (`load_catalog`, what `teamcat validate`
does), plan (`plan_catalog`, what `teamcat plan` does before printing), the floor (the same
registrations with no program logic, `bench.floor`), policy (the policy pack's rules over the
plan already made) and diff (`teamcat diff BASE HEAD --format json`, both catalogs read).
Policy and diff are measured only when their modules are importable; otherwise they are None
and a note says why. Peak memory is the process's peak resident set right after the plan.
"""

from __future__ import annotations

import gc
import importlib.util
import resource
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from unittest import mock

from bench.floor import registrations, replay

T = TypeVar("T")

USERGROUP = "harness:platform/usergroup:Usergroup"
OKTA_GROUP = "okta:group/group:Group"
OKTA_MEMBERSHIPS = "okta:index/groupMemberships:GroupMemberships"


def progress(message: str) -> None:
    """A progress line on stderr, so long runs show where they are."""
    print(f"  {message}", file=sys.stderr, flush=True)


def best_of(repeat: int, action: Callable[[], T]) -> tuple[float, T]:
    """The shortest of `repeat` timed runs of `action`, and the last run's result."""
    best = float("inf")
    result: Any = None
    for _ in range(max(1, repeat)):
        gc.collect()  # garbage of an earlier phase is not collected on this one's clock
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def peak_rss_mb() -> float:
    """The peak resident set of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(base: Path, head: Path, stack: str, repeat: int) -> dict[str, Any]:
    """Every phase for one catalog (and its next version, for the diff)."""
    # The program and the provider SDKs are imported before any clock starts: `teamcat plan`
    # pays that once per process (a few seconds, the same at every size); the floor never does.
    import infra.program.main  # noqa: F401
    from infra.catalog.loader import load_catalog
    from infra.cli.plan import plan_catalog

    notes: list[str] = []
    progress("validate")
    validate_s, loaded = best_of(repeat, lambda: load_catalog(base))
    errors = [f.render() for f in loaded.findings if f.severity == "error"]
    if loaded.catalog is None or errors:
        raise SystemExit(f"the generated catalog {base} has errors: {errors[:3]}")
    progress("plan (the program on the mock runtime)")
    plan_s, plan = best_of(repeat, lambda: plan_catalog(str(base), stack))
    peak = peak_rss_mb()
    facts = plan_facts(plan)
    progress("floor (bare registrations)")
    items = registrations(plan)
    policy_s = _policy(base, stack, plan, repeat, notes)
    del plan
    floor_s, _ = best_of(repeat, lambda: replay(items, stack))
    items.clear()
    progress("diff")
    diff_s = _diff(base, head, repeat, notes)
    return {
        "teams": len(loaded.catalog.teams),
        "people": len(loaded.catalog.people),
        "services": len(loaded.catalog.services),
        **facts,
        "validate_s": round(validate_s, 3),
        "plan_s": round(plan_s, 3),
        "floor_s": round(floor_s, 3),
        "plan_floor_ratio": round(plan_s / floor_s, 3) if floor_s else None,
        "policy_s": None if policy_s is None else round(policy_s, 3),
        "diff_s": None if diff_s is None else round(diff_s, 3),
        "peak_rss_mb": round(peak, 1),
        "peak_rss_all_phases_mb": round(peak_rss_mb(), 1),
        "notes": notes,
    }


def plan_facts(plan: Any) -> dict[str, Any]:
    """Counts and the structural targets read from one plan."""
    per_type = Counter(r.type for r in plan.resources)
    lookups = Counter(i.token for i in plan.invokes)
    providers = Counter(token.split(":", 1)[0] for token in lookups.elements())
    listing = [
        r.name
        for r in plan.resources
        if r.type == USERGROUP and (r.inputs.get("users") or r.inputs.get("userEmails"))
    ]
    return {
        "resources": len(plan.resources),
        "per_type": dict(sorted(per_type.items())),
        "invokes": len(plan.invokes),
        "invokes_per_provider": dict(sorted(providers.items())),
        "okta_memberships_per_group": (
            per_type[OKTA_MEMBERSHIPS] / per_type[OKTA_GROUP] if per_type[OKTA_GROUP] else None
        ),
        "harness_groups_listing_members": len(listing),
    }


def _policy(base: Path, stack: str, plan: Any, repeat: int, notes: list[str]) -> float | None:
    """The pack's rules over the plan already made (`teamcat policy` costs plan_s + policy_s)."""
    if importlib.util.find_spec("infra.rules") is None:
        notes.append("policy_s is null: infra.rules (teamcat policy) is not importable")
        return None
    try:
        from infra.cli import policy as policy_cli
    except ImportError as exc:
        notes.append(f"policy_s is null: infra.cli.policy does not import ({exc})")
        return None
    if not hasattr(policy_cli, "run_policies") or not hasattr(policy_cli, "plan_catalog"):
        notes.append("policy_s is null: infra.cli.policy has no run_policies(catalog, stack)")
        return None
    progress("policy (the pack's rules over the plan)")
    with mock.patch.object(policy_cli, "plan_catalog", lambda catalog, stack: plan):
        seconds, _ = best_of(repeat, lambda: policy_cli.run_policies(base, stack))
    return seconds


def _diff(base: Path, head: Path, repeat: int, notes: list[str]) -> float | None:
    """`teamcat diff BASE HEAD --format json`, in process, output discarded."""
    if importlib.util.find_spec("infra.diff") is None:
        notes.append("diff_s is null: infra.diff (teamcat diff) is not importable")
        return None
    from typer.testing import CliRunner

    from infra.cli.app import app

    names = {
        command.name or getattr(command.callback, "__name__", "")
        for command in app.registered_commands
    }
    if "diff" not in names:
        notes.append("diff_s is null: `teamcat diff` is not registered in the CLI")
        return None
    runner = CliRunner()
    seconds, result = best_of(
        repeat, lambda: runner.invoke(app, ["diff", str(base), str(head), "--format", "json"])
    )
    if result.exit_code != 0:
        notes.append(f"teamcat diff exited {result.exit_code}: {result.output[-300:]}")
    return seconds
