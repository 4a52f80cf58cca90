"""The doctor's table: one row per check, plain text that reads the same in a terminal and a log."""

from __future__ import annotations

import textwrap

from infra.doctor.checks import Check

HEADINGS = ("CHECK", "TARGET", "STATUS", "DETAIL")
# The narrowest DETAIL column worth keeping beside the others; below it, details get own lines.
MIN_DETAIL = 30
HANGING = "    "


def render_table(checks: list[Check], width: int | None = None) -> list[str]:
    """Aligned columns, broken rows first so they are what a reader sees.

    With a `width`, every line fits it: a long detail wraps onto continuation lines under the
    DETAIL column (or, when the other columns leave too little room, below the row).
    """
    rows = [
        (c.kind, c.target, "BROKEN" if c.broken else "ok", c.detail)
        for c in sorted(checks, key=lambda c: (not c.broken, c.kind, c.target))
    ]
    widths = [max(len(row[i]) for row in [HEADINGS, *rows]) for i in range(3)]
    lines = []
    for row in [HEADINGS, *rows]:
        lead = "  ".join(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)) + "  "
        lines += _row_lines(lead, row[3], width)
    return lines


def _row_lines(lead: str, detail: str, width: int | None) -> list[str]:
    if width is None or len(lead) + len(detail) <= width:
        return [lead + detail]
    if width - len(lead) >= MIN_DETAIL:
        wrapped = textwrap.wrap(detail, width - len(lead), break_on_hyphens=False)
        return [lead + wrapped[0], *(" " * len(lead) + more for more in wrapped[1:])]
    wrapped = textwrap.wrap(detail, width - len(HANGING), break_on_hyphens=False)
    return [lead.rstrip()[:width], *(HANGING + more for more in wrapped)]


def render_summary(checks: list[Check], stack: str) -> str:
    """One closing line with the count of broken checks."""
    broken = sum(1 for c in checks if c.broken)
    if not checks:
        return f"doctor: nothing to check: stack `{stack}` wires no incident actions"
    if broken:
        return f"doctor: {broken} of {len(checks)} checks broken in stack `{stack}`"
    return f"doctor: all {len(checks)} checks passed in stack `{stack}`"
