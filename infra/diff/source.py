"""Read a catalog to compare: a file, or `REV:path` read from git.

An existing file always wins. Otherwise an argument with a colon is `REV:path`: the revision
and the path are checked before git sees them, so the argument cannot name an option, leave
the repository or run anything: the revision must look like a revision (`HEAD~1`, `main`,
`origin/main`, a commit id) and the path must be relative to the repository root without `..`.
Git then runs with a fixed argument list and no shell: the revision is resolved to a commit
id first, and only a blob (a file, not a directory) is read.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

# Letters, digits and the characters of git's revision syntax (`~`, `^`, `@{...}`, `/`), not
# starting with `-` (an option) or `.`; `:` and `..` never appear (paths and ranges).
_REVISION = re.compile(r"^[A-Za-z0-9@][A-Za-z0-9._/~^@{}+-]{0,199}$")
_COMMIT_ID = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")
# Variables that would point git at another repository than the working directory's.
_REPOSITORY_VARIABLES = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_NAMESPACE")
_GIT_TIMEOUT_SECONDS = 30


class SourceError(Exception):
    """A catalog argument that cannot be read; `usage` says whether the argument is malformed.

    A malformed argument, an unknown revision or a missing git is a usage error (exit 2); a
    file or path that does not exist is a problem with the input (exit 1), as for `validate`.
    """

    def __init__(self, message: str, hint: str | None = None, *, usage: bool) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.usage = usage


@dataclass(frozen=True)
class CatalogSource:
    """Catalog bytes and the label that findings and the diff name them by."""

    label: str
    content: bytes


def read_source(argument: str, cwd: Path | None = None) -> CatalogSource:
    """The catalog named by `argument`: a file, or `REV:path` in the git repository of `cwd`."""
    cwd = cwd or Path.cwd()
    if not argument:
        raise SourceError("an empty catalog argument", "pass a file or REV:path", usage=True)
    as_file = cwd / argument
    if as_file.is_file():
        return _read_file(as_file, argument)
    if ":" not in argument:
        raise SourceError(
            f"cannot read `{argument}`: no such file",
            "pass a catalog file, or REV:path such as HEAD~1:catalog.yaml",
            usage=False,
        )
    revision, path = split_revision_path(argument)
    return _read_from_git(revision, path, argument, cwd)


def split_revision_path(argument: str) -> tuple[str, str]:
    """`REV:path` checked and split; the path comes back relative to the repository root."""
    revision, _, path = argument.partition(":")
    if not _REVISION.match(revision) or ".." in revision:
        raise SourceError(
            f"`{revision}` in `{argument}` is not a git revision",
            "use a branch, tag or commit such as main, HEAD~1 or origin/main",
            usage=True,
        )
    return revision, _checked_path(path, argument)


def _checked_path(path: str, argument: str) -> str:
    hint = "give the path from the repository root, such as HEAD~1:catalog.yaml"
    if not path or "\0" in path or "\\" in path:
        raise SourceError(f"`{argument}` names no usable path after the colon", hint, usage=True)
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        raise SourceError(f"the path in `{argument}` leaves the repository", hint, usage=True)
    parts = [p for p in pure.parts if p != "."]
    if not parts:
        raise SourceError(f"`{argument}` names no file after the colon", hint, usage=True)
    return "/".join(parts)


def _read_file(path: Path, label: str) -> CatalogSource:
    try:
        return CatalogSource(label, path.read_bytes())
    except OSError as exc:
        raise SourceError(f"cannot read `{label}`: {exc.strerror or exc}", usage=False) from None


def _read_from_git(revision: str, path: str, label: str, cwd: Path) -> CatalogSource:
    root = _git(["rev-parse", "--show-toplevel"], cwd)
    if root.returncode != 0:
        raise SourceError(
            f"cannot read `{label}`: {cwd} is not in a git repository",
            "run teamcat diff inside the repository, or pass catalog files",
            usage=True,
        )
    top = Path(root.stdout.decode().strip())
    commit = _resolve(revision, label, top)
    kind = _git(["cat-file", "-t", f"{commit}:{path}"], top)
    if kind.returncode != 0:
        raise SourceError(
            f"`{path}` does not exist at `{revision}` ({commit[:12]})",
            "check the path from the repository root, e.g. with git ls-tree",
            usage=False,
        )
    if kind.stdout.decode().strip() != "blob":
        raise SourceError(f"`{path}` at `{revision}` is not a file", usage=False)
    shown = _git(["show", "--no-textconv", f"{commit}:{path}", "--"], top)
    if shown.returncode != 0:
        raise SourceError(f"git could not show `{label}`: {_first_line(shown)}", usage=False)
    return CatalogSource(label, shown.stdout)


def _resolve(revision: str, label: str, top: Path) -> str:
    """The full commit id `revision` names; `--end-of-options` keeps it from being an option."""
    resolved = _git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], top
    )
    commit = resolved.stdout.decode().strip()
    if resolved.returncode != 0 or not _COMMIT_ID.match(commit):
        raise SourceError(
            f"unknown revision `{revision}` in `{label}`",
            "check the name, or fetch it first (a shallow clone may lack it: git fetch)",
            usage=True,
        )
    return commit


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in _REPOSITORY_VARIABLES}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", GIT_PAGER="cat", LC_ALL="C")
    try:
        return subprocess.run(
            ["git", "--no-pager", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            timeout=_GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except FileNotFoundError:
        raise SourceError(
            "reading REV:path needs git, which is not installed",
            "install git, or pass catalog files",
            usage=True,
        ) from None
    except subprocess.TimeoutExpired:
        raise SourceError(
            f"git did not answer within {_GIT_TIMEOUT_SECONDS} s", usage=True
        ) from None


def _first_line(result: subprocess.CompletedProcess[bytes]) -> str:
    lines = result.stderr.decode(errors="replace").strip().splitlines()
    return lines[0] if lines else f"exit {result.returncode}"
