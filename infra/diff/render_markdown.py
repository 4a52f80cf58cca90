"""The diff as Markdown for one pull-request comment.

A summary line, the risky changes and on-call-now changes in tables, then a table per person
and the team and service changes, each in a collapsible `<details>` section (open for people a
risk names). GitHub refuses comments over 65,536 characters, so a body that would pass 60,000
is replaced by a shortened one that keeps the risks and a line per person, and says so.

Everything a catalog author typed is escaped: display names cannot break the layout, open HTML
or mention anyone.
"""

from __future__ import annotations

import html
import re

from infra.diff.escape import inert
from infra.diff.model import AccessDiff, PersonDiff
from infra.diff.wording import (
    Style,
    instant,
    on_call_line,
    person_counts,
    person_rows,
    person_title,
    plural,
    schedule_name,
    service_lines,
    summary_parts,
    team_line,
    team_members,
)

# Hidden first line by which CI finds its own comment to update it in place.
COMMENT_MARKER = "<!-- teamcat-diff -->"
LIMIT = 60_000

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]~#])")
_BACKTICK_RUNS = re.compile(r"`+")
# Where GitHub would start a link of its own: after a scheme's colon, and in `www.`.
_LINK_STARTS = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)", re.IGNORECASE)
_SIGN_WORDS = {"+": "gains", "-": "loses", "~": "changes"}


def md_text(value: str) -> str:
    """Free text made inert: no HTML, no Markdown, no links, no @-mentions, one line."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(inert(value), quote=False))
    # An entity rather than `\|`, so a table cell's own escaping cannot pair with it.
    return _unlinked(escaped.replace("|", "&#124;"))


def md_code(value: str) -> str:
    """An inline code span that shows any value literally, whatever backticks it holds.

    The fence is one backtick longer than the longest run in the value, so nothing inside can
    close it, and the spaces Markdown strips from both ends let the value start or end with a
    backtick. Inside a code span HTML, links and @-mentions are plain text (GitHub notifies no
    one from code), and entities would show as typed; a table row escapes its own `|`.
    """
    flat = inert(value)
    longest = max((len(run) for run in _BACKTICK_RUNS.findall(flat)), default=0)
    if not longest:
        return f"`{flat}`"
    fence = "`" * (longest + 1)
    return f"{fence} {flat} {fence}"


def html_text(value: str) -> str:
    """Free text inside an HTML element such as `<summary>`.

    GitHub does not read Markdown there; its characters become entities all the same, so the
    text stays inert wherever a renderer draws the line.
    """
    escaped = html.escape(inert(value), quote=False)
    escaped = _MARKDOWN_SPECIALS.sub(lambda m: f"&#{ord(m.group(1))};", escaped)
    return _unlinked(escaped.replace("|", "&#124;"))


def html_code(value: str) -> str:
    return f"<code>{html.escape(inert(value), quote=False)}</code>"


def _unlinked(text: str) -> str:
    """Text in which GitHub finds no @-mention and no bare URL to link.

    A zero-width space after `@`, after a scheme's colon and inside `www.` breaks the patterns
    GitHub links, while the reader sees the same characters.
    """
    return _LINK_STARTS.sub("\u200b", text.replace("@", "@\u200b"))


MARKDOWN = Style(code=md_code, text=md_text, arrow="→")
# GitHub does not read Markdown inside `<summary>`, so summaries are written in HTML.
SUMMARY = Style(code=html_code, text=html_text, arrow="→")


def render_markdown(diff: AccessDiff, limit: int = LIMIT) -> str:
    """The comment body: the full preview, or a shortened one when it would pass `limit`."""
    full = "\n".join(_full(diff)) + "\n"
    if len(full) <= limit:
        return full
    return _shortened(diff, len(full), limit)


def _header(diff: AccessDiff) -> list[str]:
    summary = " · ".join(summary_parts(diff))
    if diff.risks:
        first, _, rest = summary.partition(" · ")
        summary = f"**⚠️ {first}**" + (f" · {rest}" if rest else "")
    return [
        COMMENT_MARKER,
        "## teamcat access preview",
        "",
        summary,
        "",
        f"{md_code(diff.base)} → {md_code(diff.head)} · on call now means {instant(diff.at)} · "
        f"team removal threshold {diff.threshold:.0%}",
    ]


def _full(diff: AccessDiff) -> list[str]:
    lines = _header(diff)
    lines += _risks(diff)
    lines += _on_call(diff)
    lines += _people(diff)
    lines += _teams(diff)
    lines += _services(diff)
    return lines


def _risks(diff: AccessDiff) -> list[str]:
    head, rows = _risk_table(diff)
    return head + rows


def _risk_table(diff: AccessDiff) -> tuple[list[str], list[str]]:
    if not diff.risks:
        return [], []
    head = ["", "### Risky changes", "", "| risk | change | why it matters |", "|---|---|---|"]
    rows = [_row(r.code, r.message, r.reason) for r in diff.risks]
    return head, rows


def _on_call(diff: AccessDiff) -> list[str]:
    head, rows = _on_call_table(diff)
    return head + rows


def _on_call_table(diff: AccessDiff) -> tuple[list[str], list[str]]:
    if not diff.on_call_now:
        return [], []
    head = [
        "",
        "### On call right now",
        "",
        "| schedule | on call now | after this change |",
        "|---|---|---|",
    ]
    rows = []
    for change in diff.on_call_now:
        before, after = on_call_line(change.before, change.after, MARKDOWN)
        name = schedule_name(change.team, change.schedule, MARKDOWN)
        rows.append(_row(name, before, after))
    return head, rows


def _people(diff: AccessDiff) -> list[str]:
    if not diff.people:
        return []
    flagged = {email for risk in diff.risks for email in risk.people}
    lines = ["", f"### People ({len(diff.people)})"]
    for person in diff.people:
        lines += _person(person, person.email in flagged)
    return lines


def _person(person: PersonDiff, flagged: bool) -> list[str]:
    mark = " ⚠️" if flagged else ""
    lines = [
        "",
        "<details open>" if flagged else "<details>",
        f"<summary>{person_title(person, SUMMARY)}: {person_counts(person)}{mark}</summary>",
        "",
    ]
    rows = person_rows(person, MARKDOWN)
    if rows:
        lines += ["| change | access | detail |", "|---|---|---|"]
        lines += [_row(_SIGN_WORDS[r.sign], r.access, r.detail) for r in rows]
    else:
        lines.append("No access.")
    lines += ["", "</details>"]
    return lines


def _teams(diff: AccessDiff) -> list[str]:
    if not diff.teams:
        return []
    lines = [
        "",
        f"### Teams ({len(diff.teams)})",
        "",
        "<details>",
        f"<summary>{plural(len(diff.teams), 'team')} created, removed, renamed or changed"
        "</summary>",
        "",
    ]
    for team in diff.teams:
        lines.append(f"- {team_line(team, MARKDOWN)}")
        if team.status in ("changed", "renamed"):
            lines += [
                f"  - {_SIGN_WORDS[r.sign]} {r.access} {r.detail}"
                for r in team_members(team, MARKDOWN)
            ]
    lines += ["", "</details>"]
    return lines


def _services(diff: AccessDiff) -> list[str]:
    if not diff.services:
        return []
    lines = [
        "",
        f"### Services ({len(diff.services)})",
        "",
        "<details>",
        f"<summary>{plural(len(diff.services), 'service')} created, removed, renamed or changed"
        "</summary>",
        "",
    ]
    for service in diff.services:
        first, *rest = service_lines(service, MARKDOWN)
        lines.append(f"- {first}")
        lines += [f"  - {line}" for line in rest]
    lines += ["", "</details>"]
    return lines


def _shortened(diff: AccessDiff, full_length: int, limit: int) -> str:
    """The risks, on-call changes and one line per person, cut to fit within `limit`."""
    command = md_code(f"teamcat diff {diff.base} {diff.head}")
    notice = [
        "",
        "> [!NOTE]",
        f"> This preview is shortened: the full one has {full_length:,} characters, more than "
        f"a comment holds. Run {command} to see all of it.",
    ]
    budget = _Budget(limit)
    budget.add(_header(diff) + notice)
    sections = [
        (*_risk_table(diff), "risky changes"),
        (*_on_call_table(diff), "schedules"),
        (*_people_table(diff), "people"),
        (*_teams_list(diff), "teams"),
        (*_services_list(diff), "services"),
    ]
    for head, items, what in sections:
        budget.add_section(head, items, what)
    return budget.text()


def _people_table(diff: AccessDiff) -> tuple[list[str], list[str]]:
    if not diff.people:
        return [], []
    head = ["", f"### People ({len(diff.people)})", "", "| person | changes |", "|---|---|"]
    rows = [_row(person_title(p, MARKDOWN), person_counts(p)) for p in diff.people]
    return head, rows


def _teams_list(diff: AccessDiff) -> tuple[list[str], list[str]]:
    if not diff.teams:
        return [], []
    return ["", f"### Teams ({len(diff.teams)})", ""], [
        f"- {team_line(t, MARKDOWN)}" for t in diff.teams
    ]


def _services_list(diff: AccessDiff) -> tuple[list[str], list[str]]:
    if not diff.services:
        return [], []
    return ["", f"### Services ({len(diff.services)})", ""], [
        f"- {'; '.join(service_lines(s, MARKDOWN))}" for s in diff.services
    ]


class _Budget:
    """Lines added while they fit, keeping room for the closing "and N more" lines."""

    # Room for the "not shown" lines of every section after the one that filled the budget.
    _RESERVE = 500

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.lines: list[str] = []
        self.size = 0
        self.full = False

    def add(self, lines: list[str]) -> None:
        for line in lines:
            self.lines.append(line)
            self.size += len(line) + 1

    def fits(self, lines: list[str]) -> bool:
        return not self.full and self.size + sum(len(x) + 1 for x in lines) <= (
            self.limit - self._RESERVE
        )

    def add_section(self, head: list[str], items: list[str], what: str) -> None:
        """Add a section item by item; say how many items did not fit."""
        if not items:
            return
        shown = 0
        if self.fits(head + items[:1]):
            self.add(head)
            while shown < len(items) and self.fits(items[shown : shown + 1]):
                self.add([items[shown]])
                shown += 1
        if shown < len(items):
            self.full = True
            left = len(items) - shown
            note = f"… and {left} more {what} not shown" if shown else f"{left} {what} not shown"
            self.add(["", f"*{note}.*"])

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def _row(*cells: str) -> str:
    """A table row of Markdown cells, each `|` in them escaped so it cannot end a cell.

    GFM splits a row at unescaped pipes before it reads code spans, and drops the backslash of
    an escaped one even inside a code span, so the span still shows the value as typed.
    """
    return "| " + " | ".join(inert(cell).replace("|", "\\|") for cell in cells) + " |"
