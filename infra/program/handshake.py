"""The two-way handshake between Harness and PagerDuty (docs/handshake.md).

Deploy -> PagerDuty: each service's routing key as a Harness secret, a change-event step
template and a page when its deploy pipeline fails. Incident -> Harness: a custom webhook
trigger per incident action, called by an incident workflow (button) or a v3 webhook
subscription (automatic) with a Harness API key that only ever exists as a Pulumi secret.

Declared only when the stack reconciles both PagerDuty and Harness.
"""

from __future__ import annotations

from collections import Counter

import pulumi

from infra.core.state import DesiredState
from infra.program import change_events, harness_secrets, harness_triggers, pagerduty_callbacks
from infra.program.pagerduty import PagerDutyDeclared
from infra.program.settings import SettingsError, StackSettings
from infra.program.trigger_key import declare_trigger_key
from infra.program.wiring import (
    EVENTS_HOSTS,
    ActionWiring,
    action_wirings,
    change_event_wirings,
)


def declare_handshake(
    state: DesiredState, settings: StackSettings, pagerduty_declared: PagerDutyDeclared, stack: str
) -> None:
    """Declare both directions for every service that asks for them."""
    changes = change_event_wirings(state)
    actions = action_wirings(state, stack)
    _check_unique(actions)
    _check_settings(actions, settings)

    secrets = harness_secrets.declare_routing_key_secrets(
        changes, pagerduty_declared.services, settings
    )
    change_events.declare_change_events(changes, EVENTS_HOSTS[settings.pagerduty_region], secrets)
    if actions:
        _declare_actions(actions, settings, pagerduty_declared)


def _declare_actions(
    actions: list[ActionWiring], settings: StackSettings, pagerduty_declared: PagerDutyDeclared
) -> None:
    assert settings.harness_account_id is not None
    key = declare_trigger_key(actions, settings, settings.harness_account_id)
    urls = harness_triggers.declare_triggers(actions)
    for action in actions:
        if action.mode == "automatic":
            pagerduty_callbacks.declare_automatic(
                action, urls[action], key.value, pagerduty_declared
            )
        else:
            pagerduty_callbacks.declare_button(action, urls[action], pagerduty_declared, settings)


class DuplicateActionError(pulumi.RunError):
    """A service lists the same incident action twice; each needs its own trigger name."""


def _check_unique(actions: list[ActionWiring]) -> None:
    twice = sorted(k for k, n in Counter((a.service, a.action) for a in actions).items() if n > 1)
    if twice:
        listed = ", ".join(f"{action} of `{service}`" for service, action in twice)
        raise DuplicateActionError(
            f"the catalog lists these incident actions more than once: {listed}; keep one "
            "entry per action and service (one trigger and one callback each)"
        )


def _check_settings(actions: list[ActionWiring], settings: StackSettings) -> None:
    """Every setting the catalog's incident actions need, reported together."""
    needed = []
    if actions and not settings.harness_account_id:
        needed.append(
            ("harnessAccountId", "the Harness account id, for the trigger API key", "<account id>")
        )
    if any(a.mode == "button" for a in actions):
        if not settings.pagerduty_webhook_action:
            needed.append(
                (
                    "pagerdutyWebhookAction",
                    "the id of PagerDuty's `Send a Webhook POST` workflow action, listed by "
                    "GET https://api.pagerduty.com/incident_workflows/actions",
                    "<action id>",
                )
            )
        if not settings.pagerduty_webhook_connection:
            needed.append(
                (
                    "pagerdutyWebhookConnection",
                    "the id of the PagerDuty Web API connection holding the X-Api-Key header",
                    "<connection id>",
                )
            )
    if needed:
        lines = [
            f"teamcat:{k} is not set ({what}): pulumi config set teamcat:{k} {v}"
            for k, what, v in needed
        ]
        raise SettingsError(
            "the catalog's incident actions need settings the stack does not have:\n  "
            + "\n  ".join(lines)
        )
