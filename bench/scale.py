"""The scale benchmark: teamcat on synthetic organisations of 10, 100 and 1,000 teams.

    python bench/scale.py [--sizes 10,100,1000] [--json] [--repeat N] [--stack prod]

For each size it writes the generated catalog and its next version (bench/generate.py), then
measures every phase in a fresh Python process (bench/phases.py), so one size's memory and
warm caches never reach the next. Progress goes to stderr; the results to stdout: a table
with the targets of issue 7, or with --json one JSON object per size and line, with the fields
`teams, people, services, resources, invokes, validate_s, plan_s, floor_s, policy_s, diff_s,
peak_rss_mb` and a few more (per_type, plan_floor_ratio, notes). Timings on a shared machine
are noisy: --repeat keeps the best of N runs of each phase. docs/performance.md has figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench` and `infra` importable
    sys.path.insert(0, str(ROOT))

from bench.generate import write_versions  # noqa: E402

FIELDS = (
    "teams",
    "people",
    "services",
    "resources",
    "invokes",
    "validate_s",
    "plan_s",
    "floor_s",
    "policy_s",
    "diff_s",
    "peak_rss_mb",
)
TIMINGS = ("validate_s", "plan_s", "floor_s", "policy_s", "diff_s")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark (or, with --worker, one size of it) and print the results."""
    args = _arguments().parse_args(argv)
    if args.worker:
        return _worker(args)
    try:
        sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        print(
            f"scale.py: --sizes takes numbers such as 10,100,1000, not {args.sizes}",
            file=sys.stderr,
        )
        return 2
    if not sizes or min(sizes) < 1:
        print("scale.py: --sizes needs at least one size of 1 team or more", file=sys.stderr)
        return 2
    directory = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="teamcat-bench-"))
    results = []
    for size in sizes:
        started = time.perf_counter()
        print(f"{size} teams: generating the catalogs in {directory}", file=sys.stderr, flush=True)
        base, head = write_versions(size, directory)
        results.append(_run_size(size, base, head, args.stack, args.repeat))
        print(
            f"{size} teams: done in {time.perf_counter() - started:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    if args.json:
        for result in results:
            print(json.dumps(result, sort_keys=True))
    else:
        print("\n".join(render_table(results, args.stack, args.repeat)))
    return 0


def render_table(results: list[dict[str, Any]], stack: str, repeat: int) -> list[str]:
    """The results side by side per size, then the targets of issue 7."""
    lines = [f"teamcat scale benchmark: {_machine()}, stack `{stack}`, best of {repeat} run(s)", ""]
    header = f"{'':<34}" + "".join(f"{r['teams']:>11,} t" for r in results)
    lines.append(header)
    rows: list[tuple[str, str]] = [
        ("people", "people"),
        ("services", "services"),
        ("resources declared", "resources"),
    ]
    for label, key in rows:
        lines.append(f"{label:<34}" + "".join(_cell(r.get(key)) for r in results))
    types = sorted({t for r in results for t in r.get("per_type", {})})
    for type_ in types:
        label = f"  {type_.rsplit(':', 1)[-1]}"
        lines.append(f"{label:<34}" + "".join(_cell(r["per_type"].get(type_, 0)) for r in results))
    for label, key in (
        ("lookups (invokes)", "invokes"),
        ("validate, s", "validate_s"),
        ("plan on the mock runtime, s", "plan_s"),
        ("floor (bare registrations), s", "floor_s"),
        ("plan / floor", "plan_floor_ratio"),
        ("policy (rules over the plan), s", "policy_s"),
        ("diff of the two versions, s", "diff_s"),
        ("peak memory after plan, MiB", "peak_rss_mb"),
    ):
        lines.append(f"{label:<34}" + "".join(_cell(r.get(key)) for r in results))
    lines += ["", "Targets:"]
    lines += [
        f"  {'ok  ' if ok else 'MISS' if ok is False else '--  '} {text}"
        for ok, text in targets(results)
    ]
    notes = sorted({n for r in results for n in r.get("notes", [])})
    if notes:
        lines += ["", "Notes:", *(f"  {n}" for n in notes)]
    return lines


def targets(results: list[dict[str, Any]]) -> list[tuple[bool | None, str]]:
    """Each target of issue 7 with whether it is met (None: not measurable with these sizes)."""
    by_size = {r["teams"]: r for r in results}
    big, mid = by_size.get(1000), by_size.get(100)
    checks: list[tuple[bool | None, str]] = []
    if big:
        ratio = big.get("plan_floor_ratio")
        checks.append(
            (ratio is not None and ratio <= 1.5, f"plan/floor at 1,000 teams <= 1.5: {ratio}")
        )
    if big and mid:
        for key in TIMINGS:
            if big.get(key) is None or not mid.get(key):
                checks.append((None, f"{key} 100 -> 1,000 teams: not measured"))
                continue
            growth = big[key] / mid[key]
            checks.append(
                (growth <= 11, f"{key} grows {growth:.1f}x from 100 to 1,000 teams (<= 11)")
            )
    for result in results:
        per_provider = result.get("invokes_per_provider", {})
        worst = max(per_provider.values(), default=0)
        checks.append(
            (
                worst <= 1,
                f"{result['teams']} teams: lookups per provider {per_provider or 'none'} (<= 1)",
            )
        )
        ratio = result.get("okta_memberships_per_group")
        checks.append(
            (
                ratio in (1, 1.0, None),
                f"{result['teams']} teams: Okta membership resources per group: {ratio}",
            )
        )
        listing = result.get("harness_groups_listing_members")
        checks.append(
            (
                listing == 0,
                f"{result['teams']} teams: Harness user groups listing members: {listing}",
            )
        )
    if big:
        checks.append(_under(big.get("validate_s"), 1.0, "validate of 1,000 teams < 1 s"))
        checks.append(_under(big.get("diff_s"), 2.0, "diff of the two 1,000-team versions < 2 s"))
        checks.append(
            _under(big.get("peak_rss_mb"), 2048, "peak memory of plan at 1,000 teams < 2,048 MiB")
        )
    return checks


def _under(value: float | None, limit: float, text: str) -> tuple[bool | None, str]:
    return (None if value is None else value < limit, f"{text}: {value}")


def _cell(value: Any) -> str:
    if value is None:
        return f"{'null':>13}"
    if isinstance(value, float):
        return f"{value:>13,.2f}"
    return f"{value:>13,}"


def _machine() -> str:
    pulumi = metadata.version("pulumi")
    return f"Python {platform.python_version()}, pulumi {pulumi}, {os.cpu_count()} CPUs"


def _run_size(size: int, base: Path, head: Path, stack: str, repeat: int) -> dict[str, Any]:
    """Measure one size in a fresh interpreter; its progress lines pass through to stderr."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        "--base", str(base),
        "--head", str(head),
        "--stack", stack,
        "--repeat", str(repeat),
    ]  # fmt: skip
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"the {size}-team run failed (exit {done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _worker(args: argparse.Namespace) -> int:
    from bench.phases import measure

    result = measure(Path(args.base), Path(args.head), args.stack, args.repeat)
    print(json.dumps(result, sort_keys=True))
    return 0


def _arguments() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python bench/scale.py",
        description="Time teamcat on synthetic organisations (see docs/performance.md).",
    )
    parser.add_argument("--sizes", default="10,100,1000", help="team counts, comma-separated")
    parser.add_argument("--json", action="store_true", help="one JSON object per size and line")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs of each phase")
    parser.add_argument("--stack", default="prod", help="the stack settings to plan with")
    parser.add_argument(
        "--keep", metavar="DIR", help="write the catalogs here (default: a temp dir)"
    )
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--base", help=argparse.SUPPRESS)
    parser.add_argument("--head", help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
