"""`teamcat oncall` and `teamcat keep-on-call`: who is on call, and keeping them there.

`oncall` answers, from the catalog alone, who each schedule puts on call at an instant and whom
a service pages. `keep-on-call` compares the catalog with its previous version and rewrites the
`start` of every rotation whose members changed, in the YAML text (comments and layout stay),
so the person on call at the moment of the change stays on call. See docs/oncall.md.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import yaml

from infra.catalog.findings import Finding, Position, did_you_mean
from infra.catalog.loader import LoadResult, load_catalog_bytes
from infra.catalog.models import Catalog
from infra.catalog.yamlsource import PathKey
from infra.cli import output
from infra.cli.output import EXIT_FINDINGS, EXIT_USAGE
from infra.core.layers import FIRST_YEAR, LAST_YEAR, UTC, parse_instant, zone_info
from infra.core.oncall import (
    AnchorMove,
    OnCallChange,
    escalation_at,
    keep_on_call,
    on_call_changes,
    schedule_on_call,
    skipped_turns,
)
from infra.core.state import DesiredState, resolve
from infra.diff.source import SourceError, read_source

# The YAML parser infra.catalog.yamlsource reads catalogs with (libyaml when installed), so
# text `validate` accepts composes here too; the pure-Python one refuses a tab after `key:`.
_COMPOSER: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# A node property (anchor or tag) in front of a scalar, with the blanks after it.
_PROPERTY = re.compile(r"[&!]\S*\s+")

AT_HELP = (
    "The instant, ISO 8601 with an offset (2026-03-04T09:00:00+01:00 or ...Z), in the years "
    f"{FIRST_YEAR}-{LAST_YEAR}. Default: now."
)
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        metavar="TIME",
        help=AT_HELP,
        show_default=False,
    ),
]


def now() -> dt.datetime:
    """The current instant; the one place the commands read the clock."""
    return dt.datetime.now(UTC)


def parse_at(text: str | None) -> dt.datetime:
    """`--at` as an aware UTC instant; a usage error when it is not one teamcat supports."""
    if text is None or text == "now":
        return now()
    try:
        return parse_instant(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--at") from None


def oncall(
    catalog: Annotated[Path, typer.Argument(help="The catalog file.")] = Path("catalog.yaml"),
    at: AtOpt = None,
    service: Annotated[
        str | None,
        typer.Option(
            "--service", metavar="KEY", help="Show whom this service pages, level by level."
        ),
    ] = None,
) -> None:
    """Show who is on call on every schedule, or whom one service pages.

    Computed from the catalog alone, the way PagerDuty decides: layers (rotations) with their
    restrictions, the highest layer first. Exit 0; 1 when the catalog has errors; 2 for a bad
    --at or an unknown --service.
    """
    from infra.cli.app import load_or_exit, report_findings

    instant = parse_at(at)
    result = load_or_exit(catalog)
    if result.findings:
        report_findings(result)  # warnings only: errors stopped above
    assert result.catalog is not None
    state = resolve(result.catalog)
    if service is not None and service not in state.services:
        hint = did_you_mean(service, state.services) or "see the `services` of the catalog"
        raise typer.BadParameter(f"no service `{service}`; {hint}", param_hint="--service")
    lines = (
        render_service(state, service, instant)
        if service is not None
        else render_schedules(state, instant, str(catalog))
    )
    _print(lines)


def keep_on_call_command(
    base: Annotated[
        str,
        typer.Argument(
            help="The catalog before the change: a file, or REV:PATH in git "
            "(such as origin/main:catalog.yaml).",
            show_default=False,
        ),
    ],
    catalog: Annotated[
        Path, typer.Argument(help="The changed catalog; its rotation starts are rewritten.")
    ] = Path("catalog.yaml"),
    at: AtOpt = None,
    check: Annotated[
        bool,
        typer.Option("--check", help="Rewrite nothing; exit 1 if a start needs rewriting."),
    ] = False,
) -> None:
    """Keep the person on call when rotation members are added, removed or reordered.

    For each rotation whose members differ from BASE, rewrites its `start` in CATALOG so the
    turn in progress at --at stays with the same person (or, when that person left, goes to
    the next of the old order at once); hand-off times do not move. Prints each rewrite and
    who the change puts on call instead. Exit 0; 1 with --check when a rewrite is needed, or
    when a catalog has errors or cannot be rewritten; 2 for a malformed BASE or --at.
    """
    from infra.cli.app import load_or_exit

    instant = parse_at(at)
    head = load_or_exit(catalog)
    base_result = _load_base(base)
    assert head.catalog is not None and base_result.catalog is not None
    base_state, head_state = resolve(base_result.catalog), resolve(head.catalog)

    moves = keep_on_call(base_state, head_state, instant)
    moved = [m for m in moves if m.new_start is not None]
    edits = {_start_path(head.catalog, m): m.new_start for m in moved if m.new_start}
    raw = catalog.read_bytes()
    new_text = _rewritten(raw, edits, str(catalog))
    keys = {(m.team, m.schedule, m.rotation) for m in moved}
    final_state = _verified(new_text, str(catalog), (base_state, head_state), keys, instant)

    lines = render_moves(moves, head, edits, instant, check=check)
    _print(lines + render_changes(on_call_changes(base_state, final_state, instant), instant))
    if check and edits:
        raise typer.Exit(EXIT_FINDINGS)
    if edits:
        bom = "\ufeff" if raw.startswith(b"\xef\xbb\xbf") else ""
        catalog.write_bytes((bom + new_text).encode("utf-8"))


def register(app: typer.Typer) -> None:
    """Add the on-call commands to the `teamcat` app."""
    app.command("oncall")(oncall)
    app.command("keep-on-call")(keep_on_call_command)


# --- rendering ----------------------------------------------------------------------------


def render_schedules(state: DesiredState, at: dt.datetime, catalog: str) -> list[str]:
    """One line per schedule: who is on call at `at`, the deciding layer, the local time."""
    rows = [("schedule", "on call", "layer", "local time")]
    for team_key, team in state.teams.items():
        for schedule in team.schedules:
            answer = schedule_on_call(schedule, at)
            local = at.astimezone(zone_info(schedule.time_zone))
            rows.append(
                (
                    f"{team_key}/{schedule.key}",
                    answer.email if answer else "nobody",
                    answer.rotation if answer else "-",
                    f"{local:%a %H:%M %Z}",
                )
            )
    widths = [max(len(row[c]) for row in rows) for c in range(3)]
    lines = [f"On call at {_instant(at)} ({catalog}):"]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  " + "  ".join([*cells, row[3]]).rstrip())
    return lines + render_skipped_turns(state, at)


def render_skipped_turns(state: DesiredState, at: dt.datetime) -> list[str]:
    """A note for each turn in the coming year that a spring-forward clock change swallows."""
    lines = []
    for team_key, team in state.teams.items():
        for schedule in team.schedules:
            for rotation in schedule.rotations:
                for wall, email in skipped_turns(rotation, schedule.time_zone, at):
                    lines += [
                        f"note: {team_key}/{schedule.key}, rotation `{rotation.name}`: the turn of "
                        f"{email} at {wall:%Y-%m-%d %H:%M} {schedule.time_zone}",
                        "  falls in the time the clocks skip and lasts 0 min: PagerDuty passes "
                        "over them silently",
                    ]
    return lines


def render_service(state: DesiredState, key: str, at: dt.datetime) -> list[str]:
    """Whom the service's escalation policy notifies at `at`, first and level by level."""
    service = state.services[key]
    team = state.teams.get(service.policy_team)
    lines = [
        f"{key} pages the escalation policy of team `{service.policy_team}` at {_instant(at)}:"
    ]
    if service.decommissioned:
        lines.append("  (the service is decommissioned)")
    if team is None or team.escalation is None:
        return [*lines, "  the team has no escalation policy"]
    levels = escalation_at(state, team.key, at)
    first = next((level.reached for level in levels if level.reached), [])
    lines.append(f"  first paged: {', '.join(first) if first else 'nobody'}")
    for level in levels:
        reached = [
            f"{kind} {ref} -> {email or 'nobody on call'}"
            if kind == "schedule"
            else f"person {ref}"
            for kind, ref, email in level.targets
        ]
        skipped = "" if level.reached else " (skipped: nobody to notify)"
        lines.append(
            f"  level {level.number}, escalates after {level.delay_minutes} min: "
            f"{'; '.join(reached)}{skipped}"
        )
    loops = team.escalation.loops
    lines.append(f"  then the policy repeats {loops} more time(s)" if loops else "  no repeats")
    return lines


def render_moves(
    moves: list[AnchorMove],
    head: LoadResult,
    edits: dict[PathKey, Any],
    at: dt.datetime,
    *,
    check: bool,
) -> list[str]:
    """What keeping the on-call person does, rotation by rotation."""
    lines = [f"Rotations whose members changed, at {_instant(at)}:"]
    if not moves:
        lines.append("  none")
    assert head.catalog is not None and head.source is not None
    for move in moves:
        lines.append(f"  {move.team}/{move.schedule}, rotation `{move.rotation}`:")
        lines.extend(f"    {line}" for line in _outcome(move))
        if move.new_start is not None:
            path = _start_path(head.catalog, move)
            verb = "needs" if check else "rewrote"
            lines.append(
                f"    {verb} start: {_yaml_value(move.old_start)} -> "
                f"{_yaml_value(move.new_start)} ({head.source.at(path)})"
            )
    if check and edits:
        lines.append(
            f"{len(edits)} start(s) need rewriting: run `teamcat keep-on-call` without --check"
        )
    return lines


def render_changes(changes: list[OnCallChange], at: dt.datetime) -> list[str]:
    """The schedules whose on-call person at `at` the change replaces."""
    lines = [f"On-call changes at {_instant(at)}:"]
    lines += [
        f"  {c.team}/{c.schedule}: {c.before or 'nobody'} -> {c.after or 'nobody'}" for c in changes
    ]
    return lines if changes else [*lines, "  none: everyone on call stays on call"]


def _outcome(move: AnchorMove) -> list[str]:
    if move.kept is None:
        return [
            f"{move.held_by} is on call and nobody of the old line-up remains;",
            "the new line-up counts from its own start",
        ]
    if move.removed:
        return [
            f"{move.held_by} is on call and leaves the rotation;",
            f"{move.kept}, next in order, takes over now",
        ]
    already = " (the start already does this)" if move.new_start is None else ""
    return [f"{move.kept} stays on call{already}"]


# --- reading the base and rewriting the catalog -------------------------------------------


def _load_base(spec: str) -> LoadResult:
    from infra.cli.app import report_findings

    result = load_catalog_bytes(_read_base(spec), spec)
    if not result.ok:
        report_findings(result)
        output.stderr().print(f"teamcat: error: the base catalog {spec} has errors", markup=False)
        raise typer.Exit(EXIT_FINDINGS)
    return result


def _read_base(spec: str) -> bytes:
    """BASE's bytes through the reader `diff` uses, so a `REV:path` is checked the same way."""
    try:
        return read_source(spec).content
    except SourceError as problem:
        if problem.usage:
            hint = f"\n    hint: {problem.hint}" if problem.hint else ""
            _usage_error(f"{problem.message}{hint}")
        finding = Finding("unreadable-file", problem.message, Position(spec, 1, 1), problem.hint)
        output.stderr().print(finding.render(), markup=False, highlight=False)
        raise typer.Exit(EXIT_FINDINGS) from None


def _usage_error(message: str) -> NoReturn:
    output.stderr().print(f"teamcat: error: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)


def _input_error(message: str) -> NoReturn:
    output.stderr().print(f"teamcat: error: {message}", markup=False)
    raise typer.Exit(EXIT_FINDINGS)


def _start_path(catalog: Catalog, move: AnchorMove) -> PathKey:
    """Where the moved rotation's `start` sits in the catalog document."""
    for i, team in enumerate(catalog.teams):
        if team.key != move.team or team.on_call is None:
            continue
        for k, schedule in enumerate(team.on_call.schedules):
            if schedule.key != move.schedule:
                continue
            for r, rotation in enumerate(schedule.rotations):
                if rotation.name == move.rotation:
                    return ("teams", i, "on_call", "schedules", k, "rotations", r, "start")
    raise KeyError(f"{move.team}/{move.schedule}/{move.rotation}")


def rewrite_starts(text: str, edits: dict[PathKey, dt.date | dt.datetime]) -> str:
    """`text` with the scalar at each path replaced by the new value, everything else kept."""
    if not edits:
        return text
    root = yaml.compose(text, Loader=_COMPOSER)
    assert root is not None, "the text loaded as a catalog, so it is not empty"
    spans = []
    for path, value in edits.items():
        node = _node_at(root, path)
        quote = node.style if node.style in ("'", '"') else ""
        start = _value_start(text, node.start_mark.index)
        # A block scalar (`>-`) ends after its line break, which must stay.
        end = start + len(text[start : node.end_mark.index].rstrip())
        spans.append((start, end, f"{quote}{_yaml_value(value)}{quote}"))
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _rewritten(raw: bytes, edits: dict[PathKey, dt.date | dt.datetime], name: str) -> str:
    """The catalog's text with the new starts; one line, never the source text, on failure."""
    try:
        return rewrite_starts(raw.decode("utf-8-sig"), edits)
    except (UnicodeDecodeError, yaml.YAMLError, KeyError) as exc:
        # The parser's message quotes the source line, which may hold a secret in a comment.
        _input_error(f"cannot rewrite {name} ({type(exc).__name__}); nothing was written")


def _value_start(text: str, index: int) -> int:
    """Where a scalar's value begins, after any `&anchor` or `!tag` written before it."""
    while match := _PROPERTY.match(text, index):
        index = match.end()
    return index


def _node_at(node: yaml.Node, path: PathKey) -> yaml.ScalarNode:
    for part in path:
        if isinstance(node, yaml.MappingNode):
            found = [value for key, value in node.value if key.value == part]
            if not found:
                raise KeyError(path)
            node = found[0]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part]
        else:
            raise KeyError(path)
    if not isinstance(node, yaml.ScalarNode):
        raise KeyError(path)
    return node


def _verified(
    text: str,
    name: str,
    states: tuple[DesiredState, DesiredState],
    moved: set[tuple[str, str, str]],
    at: dt.datetime,
) -> DesiredState:
    """The rewritten catalog's state, once it is known to move exactly the rotations meant."""
    base, head = states
    result = load_catalog_bytes(text.encode("utf-8"), name)
    if result.catalog is None or not result.ok:
        first = next(f for f in result.findings if f.severity == "error")
        _input_error(
            f"the rewritten {name} does not load ({first.position}: {first.code}); "
            "nothing was written"
        )
    assert result.catalog is not None
    state = resolve(result.catalog)
    before, after = _starts(head), _starts(state)
    # A `start` shared through a YAML alias would move every rotation that uses it.
    strays = sorted(key for key in after if after[key] != before.get(key) and key not in moved)
    left = [m for m in keep_on_call(base, state, at) if m.new_start is not None]
    if strays or left:
        where = ", ".join("/".join(key) for key in strays) or ", ".join(
            f"{m.team}/{m.schedule}/{m.rotation}" for m in left
        )
        _input_error(
            f"rewriting {name} would also move or not keep {where} (a `start` shared through "
            "a YAML alias?); nothing was written: set the `start` by hand"
        )
    return state


def _starts(state: DesiredState) -> dict[tuple[str, str, str], dt.date | dt.datetime]:
    return {
        (team.key, schedule.key, rotation.name): rotation.start
        for team in state.teams.values()
        for schedule in team.schedules
        for rotation in schedule.rotations
    }


def _yaml_value(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _instant(at: dt.datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _print(lines: list[str]) -> None:
    console = output.stdout()
    for line in lines:
        console.print(line, markup=False)
