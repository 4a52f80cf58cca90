"""PagerDuty services, escalation policies and schedules are protected from deletion.

Deleting one loses its incident and on-call history for good; `protect` makes `pulumi up`
refuse, so a removal has to go through `decommissioned: true` and a deliberate unprotect.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rules.resources import (
    NO_OPTIONS,
    PD_ESCALATION_POLICY,
    PD_SCHEDULE,
    PD_SERVICE,
    DeclaredOptions,
)
from infra.rules.violations import Violation

PAGERDUTY_PROTECTED = "pagerduty-protected"

_PROTECTED = {
    PD_SERVICE: "service",
    PD_ESCALATION_POLICY: "escalation policy",
    PD_SCHEDULE: "schedule",
}


def check_protected(
    resource_type: str,
    props: Mapping[str, Any],
    name: str,
    options: DeclaredOptions = NO_OPTIONS,
) -> list[Violation]:
    """A PagerDuty service, escalation policy or schedule is declared with `protect`."""
    kind = _PROTECTED.get(resource_type)
    if kind is None or options.protect:
        return []
    message = f"PagerDuty {kind} `{name}` is not protected, so `pulumi up` could delete it"
    hint = "declare it with `protect=True` (see infra/program/options.py)"
    return [Violation(PAGERDUTY_PROTECTED, message, resource=name, hint=hint)]
