"""`teamcat diff BASE HEAD`: the access preview between two catalogs, offline.

BASE and HEAD are catalog files or `REV:path` read through git. No credentials and no network
are needed, so the command runs on pull requests from forks.
"""

from __future__ import annotations

import datetime as dt
import enum
import sys
from typing import Annotated, NoReturn

import typer

from infra.catalog.findings import Finding, Position
from infra.catalog.loader import LoadResult, load_catalog_bytes
from infra.cli import output
from infra.cli.output import EXIT_FINDINGS, EXIT_USAGE
from infra.core.layers import FIRST_YEAR, LAST_YEAR, parse_instant
from infra.diff.compute import DEFAULT_THRESHOLD, compute_diff
from infra.diff.model import AccessDiff
from infra.diff.source import CatalogSource, SourceError, read_source


class DiffFormat(enum.StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


class FailOn(enum.StrEnum):
    risky = "risky"


def diff(
    base: Annotated[
        str,
        typer.Argument(
            help="The catalog before the change: a file, or REV:path such as main:catalog.yaml.",
            metavar="BASE",
            show_default=False,
        ),
    ],
    head: Annotated[
        str,
        typer.Argument(
            help="The catalog after the change: a file, or REV:path.",
            metavar="HEAD",
            show_default=False,
        ),
    ],
    output_format: Annotated[
        DiffFormat,
        typer.Option(
            "--format",
            "-f",
            help="text (Rich on a terminal), markdown (a pull-request comment) or json.",
        ),
    ] = DiffFormat.text,
    fail_on: Annotated[
        FailOn | None,
        typer.Option("--fail-on", help="Exit 1 when the diff has risky changes."),
    ] = None,
    threshold: Annotated[
        str,
        typer.Option(
            "--threshold",
            help="Removing more than this share of a team's members is risky: 25% or 0.25.",
        ),
    ] = f"{DEFAULT_THRESHOLD:.0%}",
    at: Annotated[
        str | None,
        typer.Option(
            "--at",
            metavar="TIME",
            help="The instant 'on call now' means, with an offset: 2026-03-04T12:00:00Z, in "
            f"the years {FIRST_YEAR}-{LAST_YEAR}. Default: now.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Show who gains or loses which access between two catalogs, risky changes first.

    Per person: Okta groups, PagerDuty team roles, rotations (and who is on call right now),
    escalation levels and Harness roles. Per team and service: created, removed, renamed,
    owner, escalation policy and incident actions. Exit 0; 1 when a catalog has errors, or
    with --fail-on risky when there are risky changes; 2 for a malformed argument.
    """
    share = _parse_threshold(threshold)
    instant = _parse_at(at)
    base_result, head_result = _load_both(base, head)

    assert base_result.catalog is not None and head_result.catalog is not None
    from infra.core.state import resolve

    access_diff = compute_diff(
        resolve(base_result.catalog),
        resolve(head_result.catalog),
        at=instant,
        threshold=share,
        base_label=base,
        head_label=head,
    )
    _print(access_diff, output_format)
    if fail_on is FailOn.risky and access_diff.risks:
        raise typer.Exit(EXIT_FINDINGS)


def parse_threshold(value: str) -> float:
    """`25%` or `0.25` as a share between 0 and 1; ValueError otherwise."""
    text = value.strip()
    number = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if not 0.0 <= number <= 1.0:
        raise ValueError(value)
    return number


def _parse_threshold(value: str) -> float:
    try:
        return parse_threshold(value)
    except ValueError:
        _usage_error(f"--threshold `{value}` is not a share between 0% and 100% (25% or 0.25)")


def _parse_at(value: str | None) -> dt.datetime:
    if value is None:
        return dt.datetime.now(dt.UTC)
    try:
        return parse_instant(value)
    except ValueError as exc:
        _usage_error(f"--at {exc}")


def _load_both(base: str, head: str) -> tuple[LoadResult, LoadResult]:
    """Both catalogs read and checked; every problem in either is reported before exiting."""
    sources: list[CatalogSource] = []
    problems: list[tuple[str, SourceError]] = []
    for argument in (base, head):
        try:
            sources.append(read_source(argument))
        except SourceError as exc:
            problems.append((argument, exc))
    if problems:
        _report_source_problems(problems)

    results = [load_catalog_bytes(s.content, s.label) for s in sources]
    if not all(r.ok for r in results):
        from infra.cli.app import report_findings

        for result in results:
            if not result.ok:
                report_findings(result)
        raise typer.Exit(EXIT_FINDINGS)
    return results[0], results[1]


def _report_source_problems(problems: list[tuple[str, SourceError]]) -> NoReturn:
    """Malformed arguments as usage errors; missing files as located `unreadable-file`."""
    console = output.stderr()
    for argument, problem in problems:
        if problem.usage:
            text = f"teamcat: error: {problem.message}"
            text += f"\n    hint: {problem.hint}" if problem.hint else ""
        else:
            where = Position(argument, 1, 1)
            text = Finding("unreadable-file", problem.message, where, problem.hint).render()
        console.print(text, markup=False, highlight=False)
    raise typer.Exit(EXIT_USAGE if any(p.usage for _, p in problems) else EXIT_FINDINGS)


def _print(access_diff: AccessDiff, output_format: DiffFormat) -> None:
    from infra.diff.render_json import render_json
    from infra.diff.render_markdown import render_markdown
    from infra.diff.render_text import render_rich, render_text

    if output_format is DiffFormat.json:
        sys.stdout.write(render_json(access_diff))
    elif output_format is DiffFormat.markdown:
        sys.stdout.write(render_markdown(access_diff))
    elif sys.stdout.isatty():
        console = output.stdout()
        for line in render_rich(access_diff):
            console.print(line)
    else:
        sys.stdout.write(render_text(access_diff))


def _usage_error(message: str) -> NoReturn:
    output.stderr().print(f"teamcat: error: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)
