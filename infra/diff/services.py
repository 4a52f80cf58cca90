"""Per service: created, removed, renamed, or a changed owner, escalation policy or actions."""

from __future__ import annotations

from infra.core.state import DesiredState, ServiceState
from infra.diff.model import ActionRef, FieldChange, ServiceDiff, ServiceStatus
from infra.diff.people import delta
from infra.diff.renames import Renames


def service_diffs(
    aligned: DesiredState, head: DesiredState, renames: Renames
) -> tuple[ServiceDiff, ...]:
    """A diff for every service created, removed, renamed or changed, sorted by key."""
    old_key = {new: old for old, new in renames.services.items()}
    diffs = (
        _service(key, aligned.services.get(key), head.services.get(key), old_key.get(key))
        for key in sorted(set(aligned.services) | set(head.services))
    )
    return tuple(d for d in diffs if d is not None)


def _service(
    key: str, before: ServiceState | None, now: ServiceState | None, renamed_from: str | None
) -> ServiceDiff | None:
    actions = delta(_actions(before), _actions(now))
    if before is None or now is None:
        service = now or before
        assert service is not None
        status: ServiceStatus = "added" if before is None else "removed"
        return ServiceDiff(key, service.name, status, None, _fields(before, now), actions)
    changes = _fields(before, now)
    if renamed_from is None and not changes and not actions:
        return None
    status = "renamed" if renamed_from else "changed"
    return ServiceDiff(key, now.name, status, renamed_from, changes, actions)


def _fields(before: ServiceState | None, now: ServiceState | None) -> tuple[FieldChange, ...]:
    pairs = [
        ("name", _get(before, "name"), _get(now, "name")),
        ("owner", _get(before, "owner"), _get(now, "owner")),
        ("escalation_policy", _get(before, "policy_team"), _get(now, "policy_team")),
        ("harness_service", _harness(before), _harness(now)),
        ("decommissioned", _flag(before), _flag(now)),
    ]
    if before is None or now is None:
        # A new or removed service: its owner and policy say who it concerns; no name churn.
        pairs = [p for p in pairs if p[0] in ("owner", "escalation_policy")]
    return tuple(FieldChange(field, old, new) for field, old, new in pairs if old != new)


def _get(service: ServiceState | None, field: str) -> str | None:
    return str(getattr(service, field)) if service is not None else None


def _harness(service: ServiceState | None) -> str | None:
    if service is None or service.harness is None:
        return None
    h = service.harness
    return f"{h.org}/{h.project}/{h.service}"


def _flag(service: ServiceState | None) -> str | None:
    return None if service is None else ("yes" if service.decommissioned else "no")


def _actions(service: ServiceState | None) -> list[ActionRef]:
    if service is None:
        return []
    return [ActionRef(a.action, a.pipeline, a.mode, a.events) for a in service.actions]
