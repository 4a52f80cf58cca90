"""Compute the access diff between two resolved catalogs."""

from __future__ import annotations

import datetime as dt

from infra.core.oncall import on_call_changes
from infra.core.state import DesiredState
from infra.diff.model import AccessDiff, OnCallNowChange
from infra.diff.people import person_diffs
from infra.diff.renames import align_base
from infra.diff.risks import find_risks
from infra.diff.services import service_diffs
from infra.diff.teams import team_diffs

# A change that removes more than this share of a team's members is risky.
DEFAULT_THRESHOLD = 0.25


def compute_diff(
    base: DesiredState,
    head: DesiredState,
    *,
    at: dt.datetime,
    threshold: float = DEFAULT_THRESHOLD,
    base_label: str = "base",
    head_label: str = "head",
) -> AccessDiff:
    """Who gains or loses what from `base` to `head`, and who is on call at `at`.

    `at` must carry a UTC offset; `threshold` is a share between 0 and 1. The labels name the
    two catalogs in the rendered output.
    """
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("`at` needs a UTC offset")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"the threshold is a share between 0 and 1, not {threshold}")

    aligned, renames = align_base(base, head)
    on_call = tuple(
        OnCallNowChange(c.team, c.schedule, c.before, c.after)
        for c in on_call_changes(aligned, head, at)
    )

    return AccessDiff(
        base=base_label,
        head=head_label,
        at=at.astimezone(dt.UTC),
        threshold=threshold,
        risks=find_risks(aligned, head, threshold),
        people=person_diffs(aligned, head, on_call),
        teams=team_diffs(base, aligned, head, renames),
        services=service_diffs(aligned, head, renames),
        on_call_now=on_call,
    )
