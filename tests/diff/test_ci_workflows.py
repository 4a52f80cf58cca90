"""The CI workflows' guard rails: pinned actions, least privilege, no untrusted checkout."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@v\d+\.\d+\.\d+$")


def load(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    # YAML 1.1 reads the key `on` as True.
    document["on"] = document.pop(True, document.get("on"))
    return document


def steps(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in document["jobs"].values() for step in job.get("steps", [])]


ALL = sorted(p.name for p in WORKFLOWS.glob("*.yml"))


def test_the_four_workflows_exist() -> None:
    expected = {"deploy.yml", "nightly.yml", "pull-request-comment.yml", "pull-request.yml"}
    assert expected <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_action_is_pinned_to_a_version(name: str) -> None:
    uses = [step["uses"] for step in steps(load(name)) if "uses" in step]

    assert uses
    assert [u for u in uses if not PINNED.match(u)] == []


@pytest.mark.parametrize("name", ALL)
def test_permissions_are_declared_and_least(name: str) -> None:
    document = load(name)
    granted = dict(document["permissions"])
    for job in document["jobs"].values():
        granted.update(job.get("permissions", {}))

    writes = {scope for scope, level in granted.items() if level == "write"}
    expected = {"pull-requests"} if name == "pull-request-comment.yml" else set()
    assert writes == expected


def test_the_comment_workflow_never_checks_out_pull_request_code() -> None:
    document = load("pull-request-comment.yml")

    assert list(document["on"]) == ["workflow_run"]
    assert not [s for s in steps(document) if s.get("uses", "").startswith("actions/checkout")]


def test_pull_requests_run_without_pull_request_target() -> None:
    assert list(load("pull-request.yml")["on"]) == ["pull_request"]


def test_previews_skip_forks() -> None:
    preview = load("pull-request.yml")["jobs"]["preview"]

    assert preview["if"] == "github.event.pull_request.head.repo.full_name == github.repository"


def test_each_stack_updates_one_run_at_a_time() -> None:
    jobs = load("deploy.yml")["jobs"]

    assert jobs["up-dev"]["concurrency"] == {"group": "pulumi-up-dev", "cancel-in-progress": False}
    assert jobs["up-prod"]["concurrency"] == {
        "group": "pulumi-up-prod",
        "cancel-in-progress": False,
    }
    assert jobs["up-prod"]["needs"] == "up-dev"


def test_the_drift_check_expects_no_changes_without_writing_state() -> None:
    run = "\n".join(s.get("run", "") for s in steps(load("nightly.yml")))

    assert "pulumi refresh" in run
    assert "--preview-only" in run
    assert "--expect-no-changes" in run
    assert "teamcat doctor" in run


def test_the_diff_comment_marker_matches_the_renderer() -> None:
    from infra.diff.render_markdown import COMMENT_MARKER

    assert COMMENT_MARKER in (WORKFLOWS / "pull-request-comment.yml").read_text(encoding="utf-8")
    assert COMMENT_MARKER in (WORKFLOWS / "pull-request.yml").read_text(encoding="utf-8")
