"""The plain words of the diff, shared by the text and Markdown renderers.

Each phrase takes a `Style` that formats identifiers (`code`) and free text such as display
names (`text`), so the Markdown renderer can escape what a catalog author typed while the text
renderer prints it as it is, save for control characters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple, TypeVar

from infra.diff.escape import inert
from infra.diff.model import (
    AccessDiff,
    ActionRef,
    FieldChange,
    HarnessRole,
    LevelSeat,
    PersonDiff,
    RotationSeat,
    ScheduleRef,
    ServiceDiff,
    TeamDiff,
    TeamRole,
)

Sign = Literal["+", "-", "~"]
T = TypeVar("T")


@dataclass(frozen=True)
class Style:
    code: Callable[[str], str]
    text: Callable[[str], str]
    arrow: str = "->"


# Text for a terminal or CI log: one line per value, control characters shown, not obeyed.
PLAIN = Style(code=lambda s: f"`{inert(s)}`", text=inert)

_FIELD_NAMES = {
    "name": "name",
    "parent": "parent team",
    "okta_group": "Okta group",
    "harness_project": "Harness project",
    "harness_roles": "Harness roles",
    "schedules": "schedules",
    "owner": "owner",
    "escalation_policy": "escalation policy",
    "harness_service": "Harness service",
    "decommissioned": "decommissioned",
    "pagerduty_account_role": "PagerDuty account role",
}
# Fields holding free text rather than identifiers.
_FREE_TEXT = {"name"}


class Row(NamedTuple):
    """One line of a person's changes: a sign, what kind of access, and the detail."""

    sign: Sign
    access: str
    detail: str


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 person`, `2 people`."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def instant(at: dt.datetime) -> str:
    """An instant as `2026-03-04 12:00 UTC`."""
    return f"{at.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


def summary_parts(diff: AccessDiff) -> list[str]:
    """The summary line's parts; an empty diff says so in one part."""
    if diff.empty:
        return ["no access changes"]
    parts = [plural(len(diff.risks), "risky change") if diff.risks else "no risky changes"]
    if diff.people:
        parts.append(f"{plural(len(diff.people), 'person', 'people')} affected")
    if diff.teams:
        parts.append(f"{plural(len(diff.teams), 'team')} changed")
    if diff.services:
        parts.append(f"{plural(len(diff.services), 'service')} changed")
    if diff.on_call_now:
        parts.append(f"on call now changes in {plural(len(diff.on_call_now), 'schedule')}")
    return parts


def person_title(person: PersonDiff, style: Style) -> str:
    """`ada@example.com` (Ada Example), with a note when joining or leaving the catalog."""
    note = {"added": ", new in the catalog", "removed": ", leaves the catalog", "changed": ""}
    return f"{style.code(person.email)} ({style.text(person.name)}{note[person.status]})"


def person_rows(person: PersonDiff, style: Style) -> list[Row]:
    """Every change of one person, grouped by kind of access, gains before losses."""
    c = style.code
    rows: list[Row] = []
    if person.account_role:
        change = person.account_role
        detail = f"{change.before or 'none'} {style.arrow} {change.after or 'none'}"
        rows.append(Row("~", "PagerDuty account role", detail))
    rows.extend(_signed("Okta group", person.okta_groups.gained, person.okta_groups.lost, c))
    rows.extend(_team_roles(person.pagerduty_roles.gained, person.pagerduty_roles.lost, style))
    rows.extend(
        _signed(
            "Harness role",
            person.harness_roles.gained,
            person.harness_roles.lost,
            lambda r: _harness_role(r, style),
        )
    )
    rows.extend(
        _signed(
            "rotation",
            person.rotations.gained,
            person.rotations.lost,
            lambda r: _rotation(r, style),
        )
    )
    rows.extend(
        _signed(
            "paged at",
            person.escalation_levels.gained,
            person.escalation_levels.lost,
            lambda r: _level(r, style),
        )
    )
    rows.extend(
        _signed(
            "on call now",
            person.on_call_now.gained,
            person.on_call_now.lost,
            lambda r: _schedule(r, style),
        )
    )
    return rows


def person_counts(person: PersonDiff) -> str:
    """`2 gained, 1 lost`, plus the on-call-now change."""
    parts = [f"{person.gained} gained", f"{person.lost} lost"]
    if person.on_call_now.gained:
        parts.append("goes on call now")
    if person.on_call_now.lost:
        parts.append("goes off call now")
    return ", ".join(parts)


def team_line(team: TeamDiff, style: Style) -> str:
    """One team's change in a sentence."""
    c = style.code
    title = f"{c(team.key)} ({style.text(team.name)})"
    if team.status == "added":
        return f"{title} is created with {plural(team.member_count, 'member')}"
    if team.status == "removed":
        return f"{title} is removed; its {plural(team.member_count, 'member')} lose its access"
    parts = []
    if team.renamed_from:
        parts.append(f"renamed from {c(team.renamed_from)}")
    if team.members.gained:
        parts.append(f"{plural(len(team.members.gained), 'member')} added")
    if team.members.lost:
        parts.append(f"{plural(len(team.members.lost), 'member')} removed")
    parts.extend(field_change(f, style) for f in team.changes)
    if not team.access_changed:
        parts.append("no access change")
    elif not parts:
        # Only what members hold through the team changes (a role, a rotation, a level).
        parts.append("what members hold through the team changes")
    return f"{title}: {'; '.join(parts)}"


def team_members(team: TeamDiff, style: Style) -> list[Row]:
    """The team's added and removed members."""
    return _signed("member", team.members.gained, team.members.lost, style.code)


def service_lines(service: ServiceDiff, style: Style) -> list[str]:
    """One service's changes, its status first."""
    c = style.code
    title = f"{c(service.key)} ({style.text(service.name)})"
    heads = {"added": "is created", "removed": "is removed", "changed": "changes"}
    lines = [
        f"{title} renamed from {c(service.renamed_from)}"
        if service.renamed_from
        else f"{title} {heads[service.status]}"
    ]
    lines.extend(field_change(f, style) for f in service.changes)
    lines.extend(f"gains incident action {action(a, style)}" for a in service.actions.gained)
    lines.extend(f"loses incident action {action(a, style)}" for a in service.actions.lost)
    return lines


def field_change(change: FieldChange, style: Style) -> str:
    """`owner `core` -> `payments``; an unset value reads "none"."""
    show = style.text if change.field in _FREE_TEXT else style.code

    def value(v: str | None) -> str:
        return "none" if v is None else show(v)

    name = _FIELD_NAMES.get(change.field, change.field)
    return f"{name} {value(change.before)} {style.arrow} {value(change.after)}"


def action(ref: ActionRef, style: Style) -> str:
    """`rollback` via `rollback_api` (button) or (automatic on incident.triggered)."""
    events = ", ".join(style.text(e) for e in ref.events)
    how = "button" if ref.mode == "button" else f"automatic on {events}"
    return f"{style.text(ref.action)} via {style.code(ref.pipeline)} ({how})"


def on_call_line(before: str | None, after: str | None, style: Style) -> tuple[str, str]:
    """Who is on call now before and after, `nobody` for a gap."""
    return (
        style.code(before) if before else "nobody",
        style.code(after) if after else "nobody",
    )


def schedule_name(team: str, schedule: str, style: Style) -> str:
    return style.code(f"{team}/{schedule}")


def _signed(
    access: str, gained: tuple[T, ...], lost: tuple[T, ...], show: Callable[[T], str]
) -> list[Row]:
    return [Row("+", access, show(x)) for x in gained] + [Row("-", access, show(x)) for x in lost]


def _team_roles(
    gained: tuple[TeamRole, ...], lost: tuple[TeamRole, ...], style: Style
) -> list[Row]:
    """Role changes within one team read as one change; the rest as gains and losses."""
    c = style.code
    old = {r.team: r.role for r in lost}
    new = {r.team: r.role for r in gained}
    rows = [
        Row("~", "PagerDuty role", f"in team {c(t)}: {old[t]} {style.arrow} {new[t]}")
        for t in sorted(old.keys() & new.keys())
    ]
    rows.extend(
        Row("+", "PagerDuty role", f"{r.role} in team {c(r.team)}")
        for r in gained
        if r.team not in old
    )
    rows.extend(
        Row("-", "PagerDuty role", f"{r.role} in team {c(r.team)}")
        for r in lost
        if r.team not in new
    )
    return rows


def _harness_role(role: HarnessRole, style: Style) -> str:
    return f"{style.code(role.role)} in {style.code(f'{role.org}/{role.project}')}"


def _rotation(seat: RotationSeat, style: Style) -> str:
    return (
        f"{style.code(seat.rotation)} of schedule {schedule_name(seat.team, seat.schedule, style)}"
    )


def _level(seat: LevelSeat, style: Style) -> str:
    return f"level {seat.level} of the escalation policy of {style.code(seat.team)}"


def _schedule(ref: ScheduleRef, style: Style) -> str:
    return f"in schedule {schedule_name(ref.team, ref.schedule, style)}"
