"""The doctor's table: one row per check, plain text that reads the same in a terminal and a log."""

from __future__ import annotations

from infra.doctor.checks import Check

HEADINGS = ("CHECK", "TARGET", "STATUS", "DETAIL")


def render_table(checks: list[Check]) -> list[str]:
    """Aligned columns, broken rows first so they are what a reader sees."""
    rows = [
        (c.kind, c.target, "BROKEN" if c.broken else "ok", c.detail)
        for c in sorted(checks, key=lambda c: (not c.broken, c.kind, c.target))
    ]
    widths = [max(len(row[i]) for row in [HEADINGS, *rows]) for i in range(3)]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in [HEADINGS, *rows]
    ]


def render_summary(checks: list[Check], stack: str) -> str:
    """One closing line with the count of broken checks."""
    broken = sum(1 for c in checks if c.broken)
    if not checks:
        return f"doctor: nothing to check: stack `{stack}` wires no incident actions"
    if broken:
        return f"doctor: {broken} of {len(checks)} checks broken in stack `{stack}`"
    return f"doctor: all {len(checks)} checks passed in stack `{stack}`"
