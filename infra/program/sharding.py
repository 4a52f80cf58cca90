"""Sharding glue: declare one slice of the catalog, and read the rest from the other stacks.

The pure selection is `infra.core.slices`; this module turns its `Elsewhere` into ids read
through one `pulumi.StackReference` per other slice, and exports this slice's own ids under
the names the other stacks read (`pagerdutyTeamIds`, `pagerdutyEscalationPolicyIds`,
`pagerdutyServiceIds`, `pagerdutyUserIds`). See docs/sharding.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from infra.core.slices import Slice, SliceError, select_slice, without_people
from infra.core.state import DesiredState
from infra.program.pagerduty import ElsewhereIds, PagerDutyDeclared
from infra.program.settings import SettingsError, StackSettings

TEAM_IDS = "pagerdutyTeamIds"
POLICY_IDS = "pagerdutyEscalationPolicyIds"
SERVICE_IDS = "pagerdutyServiceIds"
USER_IDS = "pagerdutyUserIds"


class MissingReferenceError(pulumi.RunError):
    """Another slice's stack does not (yet) export an id this slice needs."""


def select(state: DesiredState, settings: StackSettings) -> Slice | None:
    """This stack's slice, or None when the stack declares the whole catalog."""
    if settings.slice is None:
        return None
    try:
        return select_slice(state, settings.slices, settings.slice)
    except SliceError as exc:
        raise SettingsError(
            "the stack's slices do not fit the catalog:\n  " + "\n  ".join(exc.problems)
        ) from None


def own_users(state: DesiredState, sliced: Slice | None) -> DesiredState:
    """The people whose PagerDuty user this stack declares (all of them when unsliced)."""
    return state if sliced is None else without_people(state, sliced.home_people)


class References:
    """Ids read from the other slices' stacks, one StackReference per slice, made on demand."""

    def __init__(self, settings: StackSettings) -> None:
        self.stacks = {spec.name: spec.stack for spec in settings.slices}
        self.refs: dict[str, pulumi.StackReference] = {}

    def id(self, slice_name: str, output: str, key: str) -> pulumi.Output[str]:
        """The id `key` in the `output` map that the stack of `slice_name` exports."""
        stack = self.stacks[slice_name]
        if slice_name not in self.refs:
            self.refs[slice_name] = pulumi.StackReference(f"slice-{slice_name}", stack_name=stack)
        return (
            self.refs[slice_name]
            .get_output(output)
            .apply(lambda ids: _pick(ids, key, output, stack))
        )

    def pagerduty(self, sliced: Slice | None) -> ElsewhereIds:
        """Parent teams, escalation policies and supporting services of other slices."""
        if sliced is None:
            return ElsewhereIds()
        where = sliced.elsewhere
        return ElsewhereIds(
            teams={k: self.id(s, TEAM_IDS, k) for k, s in where.teams.items()},
            escalation_policies={
                k: self.id(s, POLICY_IDS, k) for k, s in where.escalation_policies.items()
            },
            services={k: self.id(s, SERVICE_IDS, k) for k, s in where.services.items()},
        )

    def users(self, sliced: Slice | None) -> dict[str, pulumi.Input[str]]:
        """PagerDuty users that the stacks of the people's first teams declare."""
        if sliced is None:
            return {}
        return {e: self.id(s, USER_IDS, e) for e, s in sliced.elsewhere.users.items()}


def export_ids(
    declared: PagerDutyDeclared, user_ids: Mapping[str, pulumi.Input[str]], sliced: Slice
) -> None:
    """Export this slice's ids for the stacks of the other slices."""
    policies = {k: t.escalation_policy.id for k, t in declared.teams.items() if t.escalation_policy}
    pulumi.export(TEAM_IDS, {k: t.team.id for k, t in declared.teams.items()})
    pulumi.export(POLICY_IDS, policies)
    pulumi.export(SERVICE_IDS, {k: s.service.id for k, s in declared.services.items()})
    pulumi.export(USER_IDS, {e: user_ids[e] for e in sorted(sliced.home_people) if e in user_ids})


def _pick(ids: Any, key: str, output: str, stack: str) -> str:
    value = ids.get(key) if isinstance(ids, dict) else None
    if not isinstance(value, str):
        raise MissingReferenceError(
            f"stack `{stack}` exports no `{output}` entry for `{key}`: run `pulumi up` on that "
            "stack first, or check teamcat:slices (docs/sharding.md)"
        )
    return value
