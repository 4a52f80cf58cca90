"""The diff as text for a terminal or a CI log: risky changes first, then on call now, people,
teams and services. Plain text wraps at 100 columns; on a terminal the same lines are coloured
with Rich."""

from __future__ import annotations

import textwrap

from rich.text import Text

from infra.diff.escape import inert, show_controls
from infra.diff.model import AccessDiff
from infra.diff.wording import (
    PLAIN,
    instant,
    on_call_line,
    person_rows,
    person_title,
    schedule_name,
    service_lines,
    summary_parts,
    team_line,
    team_members,
)

WIDTH = 100
Line = tuple[str, str]  # (text, Rich style)

_SIGN_STYLE = {"+": "green", "-": "red", "~": "yellow"}


def render_text(diff: AccessDiff) -> str:
    """The diff as plain text, every line at most 100 columns where words allow."""
    wrapped = []
    for text, _ in text_lines(diff):
        indent = " " * (len(text) - len(text.lstrip(" ")) + 4)
        wrapped.extend(
            textwrap.wrap(
                text,
                WIDTH,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return "\n".join(wrapped) + "\n"


def render_rich(diff: AccessDiff) -> list[Text]:
    """The same lines as `render_text`, styled for a terminal; Rich wraps them to its width."""
    return [Text(text, style=style) for text, style in text_lines(diff)]


def text_lines(diff: AccessDiff) -> list[Line]:
    """Every line of the text form with its style, before wrapping."""
    lines: list[Line] = [
        (f"teamcat diff: {inert(diff.base)} -> {inert(diff.head)}", "bold"),
        (
            f"on call now means {instant(diff.at)}; team removal threshold {diff.threshold:.0%}",
            "dim",
        ),
        ("; ".join(summary_parts(diff)), "bold red" if diff.risks else "bold"),
    ]
    for section in (_risks, _on_call, _people, _teams, _services):
        lines.extend(section(diff))
    # Values are made inert where they are worded; this catches any that reach a line another way.
    return [(show_controls(text), style) for text, style in lines]


def _risks(diff: AccessDiff) -> list[Line]:
    if not diff.risks:
        return []
    lines: list[Line] = [("", ""), (f"Risky changes ({len(diff.risks)})", "bold red")]
    for risk in diff.risks:
        lines.append((f"  ! {risk.code}: {risk.message}", "red"))
        lines.append((f"      why: {risk.reason}", ""))
    return lines


def _on_call(diff: AccessDiff) -> list[Line]:
    if not diff.on_call_now:
        return []
    lines: list[Line] = [("", ""), (f"On call right now ({len(diff.on_call_now)})", "bold")]
    for change in diff.on_call_now:
        before, after = on_call_line(change.before, change.after, PLAIN)
        name = schedule_name(change.team, change.schedule, PLAIN)
        lines.append((f"  {name}: {before} -> {after}", "yellow"))
    return lines


def _people(diff: AccessDiff) -> list[Line]:
    if not diff.people:
        return []
    lines: list[Line] = [("", ""), (f"People ({len(diff.people)})", "bold")]
    for person in diff.people:
        lines.append((f"  {person_title(person, PLAIN)}", "bold"))
        rows = person_rows(person, PLAIN)
        if not rows:
            lines.append(("    no access", "dim"))
        for row in rows:
            lines.append((f"    {row.sign} {row.access} {row.detail}", _SIGN_STYLE[row.sign]))
    return lines


def _teams(diff: AccessDiff) -> list[Line]:
    if not diff.teams:
        return []
    lines: list[Line] = [("", ""), (f"Teams ({len(diff.teams)})", "bold")]
    for team in diff.teams:
        lines.append((f"  {team_line(team, PLAIN)}", ""))
        if team.status in ("changed", "renamed"):
            for row in team_members(team, PLAIN):
                lines.append((f"    {row.sign} {row.access} {row.detail}", _SIGN_STYLE[row.sign]))
    return lines


def _services(diff: AccessDiff) -> list[Line]:
    if not diff.services:
        return []
    lines: list[Line] = [("", ""), (f"Services ({len(diff.services)})", "bold")]
    for service in diff.services:
        first, *rest = service_lines(service, PLAIN)
        lines.append((f"  {first}", ""))
        lines.extend((f"    {line}", "") for line in rest)
    return lines
