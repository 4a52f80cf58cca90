"""`teamcat plan --json` is byte-identical across runs and hash seeds."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def _plan_json(seed: str) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    result = subprocess.run(
        [sys.executable, "-m", "infra.cli", "plan", "catalog.yaml", "--stack", "prod", "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def test_plan_json_is_identical_across_hash_seeds() -> None:
    first = _plan_json("0")
    second = _plan_json("4242")

    assert first == second
    assert len(first) > 10_000
