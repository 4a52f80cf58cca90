"""The `teamcat` command: validate, plan, schema and the commands built on them.

Exit codes: 0 success; 1 the input has problems (catalog findings, failed checks); 2 the
command was used wrongly (unknown option, missing stack settings file); 70 an internal error.
Results go to stdout, diagnostics to stderr; tracebacks only with `-v`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from infra.catalog.loader import LoadResult, load_catalog
from infra.cli import oncall as oncall_commands
from infra.cli import output
from infra.cli.diff import diff as diff_command
from infra.cli.doctor import doctor as doctor_command
from infra.cli.output import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_USAGE, LOGGER
from infra.cli.policy import policy as policy_command

app = typer.Typer(
    name="teamcat",
    help=(
        "One YAML team catalog drives PagerDuty, Harness and Okta.\n\n"
        "Check the catalog with `validate`, see what Pulumi would declare with `plan` (offline, "
        "no credentials), and apply it for real with `pulumi up`."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

CatalogArg = Annotated[
    Path,
    typer.Argument(help="The catalog file.", show_default=True),
]
StackOpt = Annotated[
    str,
    typer.Option(
        "--stack", "-s", help="The stack whose settings to use (stacks/Pulumi.<stack>.yaml)."
    ),
]


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        output.stdout().print(f"teamcat {version('teamcat')}", markup=False)
        raise typer.Exit(0)


@app.callback()
def _main(
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show debug logs and tracebacks.")
    ] = False,
    _version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    output.configure_logging(verbose)


def report_findings(result: LoadResult) -> None:
    """Print every finding to stderr with a closing count."""
    console = output.stderr()
    for finding in result.findings:
        console.print(finding.render(), markup=False)
    errors = sum(1 for f in result.findings if f.severity == "error")
    warnings = len(result.findings) - errors
    if result.findings:
        console.print(f"{errors} error(s), {warnings} warning(s) in {result.file}", markup=False)


def load_or_exit(catalog: Path) -> LoadResult:
    """Load the catalog; print findings and exit 1 when it has errors."""
    result = load_catalog(catalog, display=str(catalog))
    if not result.ok:
        report_findings(result)
        raise typer.Exit(EXIT_FINDINGS)
    return result


@app.command()
def validate(catalog: CatalogArg = Path("catalog.yaml")) -> None:
    """Check the catalog: its YAML, fields, references, duplicates and cycles.

    Prints each finding as FILE:LINE:COL: CODE: MESSAGE with a hint. Exit 0 when the catalog
    is clean (warnings allowed), 1 when it has errors.
    """
    result = load_catalog(catalog, display=str(catalog))
    report_findings(result)
    if not result.ok:
        raise typer.Exit(EXIT_FINDINGS)
    assert result.catalog is not None
    catalog_model = result.catalog
    output.stdout().print(
        f"{catalog}: valid ({len(catalog_model.people)} people, {len(catalog_model.teams)} teams, "
        f"{len(catalog_model.services)} services)",
        markup=False,
    )


@app.command()
def plan(
    catalog: CatalogArg = Path("catalog.yaml"),
    stack: StackOpt = "dev",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print every resource and lookup as JSON.")
    ] = False,
) -> None:
    """Show what `pulumi up` would declare, without credentials or network.

    Runs the real Pulumi program on Pulumi's mock runtime with the stack's settings. People
    lookups are answered from the catalog with placeholder ids; secret values are redacted.
    A catalog with errors stops here with exit 1, before anything is declared.
    """
    from infra.cli.plan import StackFileError, plan_catalog, render_json, render_summary
    from infra.core.state import resolve

    result = load_or_exit(catalog)
    try:
        with output.progress(f"running the program for stack `{stack}` on the mock runtime"):
            planned = plan_catalog(str(catalog), stack)
    except StackFileError as exc:
        output.stderr().print(f"teamcat: error: {exc}", markup=False)
        raise typer.Exit(EXIT_USAGE) from None
    if as_json:
        sys.stdout.write(render_json(planned) + "\n")
        return
    assert result.catalog is not None
    state = resolve(result.catalog)
    console = output.stdout()
    for line in render_summary(planned, state, str(catalog)):
        console.print(line, markup=False)


@app.command()
def schema() -> None:
    """Print the catalog's JSON Schema, for editors that validate YAML as you type."""
    from infra.catalog.schema import catalog_schema

    sys.stdout.write(json.dumps(catalog_schema(), indent=2, sort_keys=True) + "\n")


oncall_commands.register(app)
app.command(name="diff")(diff_command)
app.command(name="doctor")(doctor_command)
app.command(name="policy")(policy_command)


def _print_run_error(exc: Exception) -> None:
    console = output.stderr()
    console.print(f"teamcat: error: {exc}", markup=False)


def main() -> None:
    """Console-script entry point: run the app and turn failures into clean exit codes.

    Usage errors are handled by Typer itself (exit 2); a `pulumi.RunError` from the program
    (bad stack settings, a provider lookup that failed) is a problem with the input (exit 1);
    anything else is an internal error (exit 70) whose traceback `-v` shows.
    """
    import pulumi

    try:
        app()
    except pulumi.RunError as exc:
        LOGGER.debug("the program stopped", exc_info=True)
        _print_run_error(exc)
        sys.exit(EXIT_FINDINGS)
    except Exception as exc:
        LOGGER.debug("internal error", exc_info=True)
        output.stderr().print(
            f"teamcat: internal error: {type(exc).__name__}: {exc} (run with -v for details)",
            markup=False,
        )
        sys.exit(EXIT_INTERNAL)
