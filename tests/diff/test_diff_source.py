"""Reading BASE and HEAD: files, `REV:path` from a temporary git repository, hostile input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from infra.cli.app import app
from infra.diff.source import SourceError, read_source, split_revision_path
from tests.diff.helpers import base_text
from tests.diff.scenarios import AT, BY_NAME

# Variables that would send git to another repository than the temporary one.
_GIT_REDIRECTS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_NAMESPACE")


def git(repo: Path, *args: str) -> None:
    """Run git in the temporary repository only."""
    env = {k: v for k, v in os.environ.items() if k not in _GIT_REDIRECTS}
    env["GIT_CEILING_DIRECTORIES"] = str(repo.parent)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=teamcat tests",
            "-c",
            "user.email=tests@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        check=True,
        capture_output=True,
        env=env,
        timeout=60,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh repository: `catalog.yaml` at the base commit, then at the promotion commit."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    assert (root / ".git").is_dir()
    (root / "catalog.yaml").write_text(base_text(), encoding="utf-8")
    (root / "nested").mkdir()
    (root / "nested" / "catalog.yaml").write_text(base_text(), encoding="utf-8")
    git(root, "add", "catalog.yaml", "nested/catalog.yaml")
    git(root, "commit", "-q", "-m", "base")
    (root / "catalog.yaml").write_text(BY_NAME["promotion"].head(base_text()), encoding="utf-8")
    git(root, "commit", "-q", "-am", "promote fin")
    return root


def teamcat(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command as a user runs it: a real process in `cwd`."""
    return subprocess.run(
        [sys.executable, "-m", "infra.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def diff_in(cwd: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """`teamcat diff` in-process from `cwd`: faster, for the error paths."""
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(app, ["diff", *args])
    return result.exit_code, result.stdout, result.stderr


def test_rev_path_reads_the_file_as_committed(repo: Path) -> None:
    source = read_source("HEAD~1:catalog.yaml", cwd=repo)

    assert source.label == "HEAD~1:catalog.yaml"
    assert source.content.decode() == base_text()


def test_rev_path_is_relative_to_the_repository_root_from_any_directory(repo: Path) -> None:
    inside = repo / "nested"

    assert read_source("HEAD:nested/catalog.yaml", cwd=inside).content.decode() == base_text()
    assert read_source("HEAD:./nested/catalog.yaml", cwd=repo).content.decode() == base_text()


def test_diff_between_two_commits_through_the_command(repo: Path) -> None:
    result = teamcat(
        "diff", "HEAD~1:catalog.yaml", "HEAD:catalog.yaml", "--format", "json", "--at", AT, cwd=repo
    )

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["base"] == "HEAD~1:catalog.yaml"
    assert [(r["code"], r["subject"]) for r in document["risks"]] == [
        ("privilege-increase", "fin@example.com")
    ]


def test_a_revision_against_the_working_tree_file(repo: Path) -> None:
    result = teamcat("diff", "HEAD~1:catalog.yaml", "catalog.yaml", "--at", AT, cwd=repo)

    assert result.returncode == 0, result.stderr
    assert "becomes manager of PagerDuty team `web`" in result.stdout


def test_a_missing_path_is_a_located_input_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = diff_in(repo, monkeypatch, "HEAD:missing.yaml", "catalog.yaml")

    assert (code, out) == (1, "")
    assert err.startswith("HEAD:missing.yaml:1:1: unreadable-file: ")
    assert "`missing.yaml` does not exist at `HEAD`" in err


def test_a_directory_is_not_a_catalog(repo: Path) -> None:
    with pytest.raises(SourceError, match="is not a file") as raised:
        read_source("HEAD:nested", cwd=repo)
    assert raised.value.usage is False


def test_an_unknown_revision_is_a_usage_error(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = diff_in(repo, monkeypatch, "no-such-branch:catalog.yaml", "catalog.yaml")

    assert code == 2
    assert "unknown revision `no-such-branch`" in err


def test_outside_a_repository_rev_path_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "catalog.yaml").write_text(base_text(), encoding="utf-8")

    code, _, err = diff_in(tmp_path, monkeypatch, "HEAD:catalog.yaml", "catalog.yaml")

    assert code == 2
    assert "is not in a git repository" in err


def test_catalog_errors_at_a_revision_are_located_there(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (repo / "catalog.yaml").write_text(
        base_text().replace("    owner: sre\n", "    owner: sreh\n"), encoding="utf-8"
    )
    git(repo, "commit", "-q", "-am", "typo")

    code, out, err = diff_in(repo, monkeypatch, "HEAD~1:catalog.yaml", "HEAD:catalog.yaml")

    assert (code, out) == (1, "")
    assert "HEAD:catalog.yaml:" in err
    assert ": unknown-owner: " in err


HOSTILE = [
    "--output=/tmp/x:catalog.yaml",
    "-p:catalog.yaml",
    "HEAD:../../etc/passwd",
    "HEAD:nested/../../outside.yaml",
    "HEAD:/abs",
    "HEAD:/etc/passwd",
    "HEAD:",
    "HEAD:.",
    "HEAD:a\\b.yaml",
    "HEAD..main:catalog.yaml",
    "$(touch pwned):catalog.yaml",
    "HEAD;touch pwned:catalog.yaml",
    ":catalog.yaml",
    ".git/HEAD:catalog.yaml",
]


@pytest.mark.parametrize("argument", HOSTILE)
def test_hostile_rev_path_arguments_are_refused_before_git_runs(argument: str) -> None:
    with pytest.raises(SourceError) as raised:
        split_revision_path(argument)

    assert raised.value.usage is True


@pytest.mark.parametrize(
    "argument",
    ["--output={out}:catalog.yaml", "HEAD:../../etc/passwd", "HEAD:/abs", "HEAD;touch {out}:x"],
)
def test_hostile_arguments_exit_2_and_write_nothing(
    repo: Path, argument: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = repo.parent / "written-by-git"
    hostile = argument.format(out=target)

    # `--` lets an argument that starts with a dash reach the command instead of the parser.
    code, out, err = diff_in(repo, monkeypatch, "--", hostile, "catalog.yaml")

    assert (code, out) == (2, ""), err
    assert "teamcat: error: " in err
    assert not target.exists()


def test_an_existing_file_wins_over_the_rev_path_reading(tmp_path: Path) -> None:
    odd = tmp_path / "HEAD:catalog.yaml"
    odd.write_text("version: 1\n", encoding="utf-8")

    assert read_source("HEAD:catalog.yaml", cwd=tmp_path).content == b"version: 1\n"


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file") as raised:
        read_source("missing.yaml", cwd=tmp_path)

    assert raised.value.usage is False
