"""The health checks: each expected callback, found at its vendor and exercised where possible.

- every automatic incident action has a v3 webhook subscription (found by its description),
  which is active, not temporarily disabled by PagerDuty, and accepts a test ping;
- every incident action's Harness trigger exists, is enabled, and its recent webhook events
  show no failed deliveries.

A vendor error becomes a broken row for what it prevented checking; nothing raises.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from infra.doctor.harness import HarnessClient, Trigger, TriggerEvent
from infra.doctor.pagerduty import PagerDutyClient, Subscription
from infra.doctor.transport import VendorError
from infra.program.wiring import ActionWiring

# Harness's final statuses of a custom-trigger event that started (or confirmed) the pipeline.
DELIVERED = {"TARGET_EXECUTION_REQUESTED", "TRIGGER_CONFIRMATION_SUCCESSFUL"}
WEBHOOK = "pagerduty webhook"
TRIGGER = "harness trigger"


@dataclass(frozen=True)
class Check:
    """One row of the report."""

    kind: str
    target: str
    broken: bool
    detail: str


def check_subscriptions(client: PagerDutyClient, actions: list[ActionWiring]) -> list[Check]:
    """A row per automatic action: its subscription's state and a test ping."""
    expected = [a for a in actions if a.mode == "automatic"]
    if not expected:
        return []
    try:
        found = {s.description: s for s in client.webhook_subscriptions() if s.description}
    except VendorError as exc:
        return [Check(WEBHOOK, "webhook subscriptions", True, str(exc))]
    return [_subscription(client, action, found.get(action.description)) for action in expected]


def check_triggers(
    client: HarnessClient, actions: list[ActionWiring], since_ms: int, window: str
) -> list[Check]:
    """A row per action: its trigger exists, is enabled and delivered its recent events."""
    by_pipeline: dict[tuple[str, str, str], list[ActionWiring]] = defaultdict(list)
    for action in actions:
        by_pipeline[(action.org, action.project, action.pipeline)].append(action)
    rows = []
    for (org, project, pipeline), group in by_pipeline.items():
        try:
            triggers = client.triggers(org, project, pipeline)
        except VendorError as exc:
            rows += [Check(TRIGGER, _target(a), True, str(exc)) for a in group]
            continue
        for action in group:
            rows.append(_trigger(client, action, triggers.get(action.trigger_id), since_ms, window))
    return rows


def _subscription(
    client: PagerDutyClient, action: ActionWiring, subscription: Subscription | None
) -> Check:
    target = _target(action)
    if subscription is None:
        return Check(WEBHOOK, target, True, f"no subscription described `{action.description}`")
    if not subscription.active:
        return Check(WEBHOOK, target, True, "disabled: the subscription is not active")
    if subscription.temporarily_disabled:
        detail = "temporarily disabled by PagerDuty after repeated failures"
        return Check(WEBHOOK, target, True, detail)
    try:
        client.ping(subscription.id)
    except VendorError as exc:  # refused, a server error after retries, or a timeout
        return Check(WEBHOOK, target, True, str(exc))
    return Check(WEBHOOK, target, False, "active; test ping accepted")


def _trigger(
    client: HarnessClient,
    action: ActionWiring,
    trigger: Trigger | None,
    since_ms: int,
    window: str,
) -> Check:
    target = _target(action)
    where = f"{action.org}/{action.project}/{action.pipeline}"
    if trigger is None:
        return Check(TRIGGER, target, True, f"trigger {action.trigger_id} not found on {where}")
    if not trigger.enabled:
        return Check(TRIGGER, target, True, f"trigger {action.trigger_id} is disabled")
    try:
        events = client.trigger_events(
            action.org, action.project, action.pipeline, action.trigger_id, since_ms
        )
    except VendorError as exc:
        return Check(TRIGGER, target, True, str(exc))
    failed = [e for e in events if _failed(e)]
    if failed:
        latest = failed[0]
        reason = f": {latest.message}" if latest.message else ""
        return Check(
            TRIGGER,
            target,
            True,
            f"{len(failed)} of {len(events)} deliveries in the last {window} failed "
            f"(latest: {latest.final_status}{reason})",
        )
    return Check(
        TRIGGER, target, False, f"{len(events)} deliveries in the last {window}, none failed"
    )


def _failed(event: TriggerEvent) -> bool:
    return event.exception or event.final_status not in DELIVERED


def _target(action: ActionWiring) -> str:
    return f"{action.service} {action.action}"
