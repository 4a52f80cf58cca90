"""`doctor --alert`: one PagerDuty event about the doctor's result, for a scheduled run.

A broken result triggers an alert and a healthy one resolves it; both use the same dedup key
per stack, so a scheduled doctor keeps exactly one incident open while something is broken.
"""

from __future__ import annotations

import time
from typing import Any

from infra.doctor.checks import Check
from infra.doctor.pagerduty import pagerduty_wait
from infra.doctor.transport import Retry, Sleep, Transport, VendorError

MAX_LISTED = 20  # keeps the event well under PagerDuty's payload limit


def alert_event(routing_key: str, stack: str, checks: list[Check]) -> dict[str, Any]:
    """The Events API v2 event: trigger when something is broken, resolve otherwise."""
    broken = [c for c in checks if c.broken]
    event: dict[str, Any] = {
        "routing_key": routing_key,
        "dedup_key": f"teamcat-doctor-{stack}",
        "event_action": "trigger" if broken else "resolve",
    }
    if broken:
        event["payload"] = {
            "summary": f"teamcat doctor: {len(broken)} broken callback check(s) in stack {stack}",
            "source": "teamcat doctor",
            "severity": "error",
            "custom_details": {
                "broken": [f"{c.kind} {c.target}: {c.detail}" for c in broken[:MAX_LISTED]]
            },
        }
    return event


def send_alert(
    events_url: str,
    event: dict[str, Any],
    *,
    timeout: float = 10.0,
    retry: Retry | None = None,
    sleep: Sleep = time.sleep,
) -> None:
    """Post the event to the Events API; raise VendorError unless PagerDuty accepted it."""
    transport = Transport(
        "PagerDuty Events API",
        events_url,
        {"Content-Type": "application/json"},
        wait_rule=pagerduty_wait,
        timeout=timeout,
        retry=retry,
        sleep=sleep,
    )
    try:
        response = transport.request("POST", "/v2/enqueue", what="sending the alert", json=event)
    finally:
        transport.close()
    if response.status_code != 202:
        raise VendorError(f"sending the alert: HTTP {response.status_code}", response.status_code)
