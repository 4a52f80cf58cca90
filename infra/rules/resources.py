"""What a resource rule reads: a declared resource's type, inputs, name and a few options.

Inputs arrive as CrossGuard hands them to a policy: camelCase names, plain values (numbers as
floats), nested mappings and sequences that may be read-only proxies. These helpers read them
defensively, so a missing or oddly typed input is "absent", never a crash.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

PD_SERVICE = "pagerduty:index/service:Service"
PD_ESCALATION_POLICY = "pagerduty:index/escalationPolicy:EscalationPolicy"
PD_SCHEDULE = "pagerduty:index/schedule:Schedule"
PD_WEBHOOK_SUBSCRIPTION = "pagerduty:index/webhookSubscription:WebhookSubscription"
PD_INCIDENT_WORKFLOW = "pagerduty:index/incidentWorkflow:IncidentWorkflow"
PD_EXTENSION = "pagerduty:index/extension:Extension"
HARNESS_TRIGGERS = "harness:platform/triggers:Triggers"
HARNESS_SECRET_TEXT = "harness:platform/secretText:SecretText"
HARNESS_ROLE_ASSIGNMENTS = "harness:platform/roleAssignments:RoleAssignments"
HARNESS_USERGROUP = "harness:platform/usergroup:Usergroup"
HARNESS_PIPELINE = "harness:platform/pipeline:Pipeline"
HARNESS_TEMPLATE = "harness:platform/template:Template"
HARNESS_SETTING = "harness:platform/setting:Setting"
HARNESS_NOTIFICATION_CHANNEL = (
    "harness:platform/centralNotificationChannel:CentralNotificationChannel"
)


@dataclass(frozen=True)
class DeclaredResource:
    """One resource of the stack, as a stack rule reads it: type, properties and name."""

    type: str
    props: Mapping[str, Any]
    name: str


@dataclass(frozen=True)
class DeclaredOptions:
    """The resource options a rule reads, as CrossGuard passes them in `args.opts`.

    `secret_inputs` are the dotted paths of inputs that are Pulumi secrets, such as
    `deliveryMethods[0].customHeaders[0].value`. CrossGuard's Python SDK unwraps secrets before
    it calls a validation (pulumi_policy/policy.py, `Analyze`), so under `pulumi preview` this is
    None: unknown. `teamcat policy` reads the program's own registrations and fills it in.
    """

    protect: bool = False
    additional_secret_outputs: tuple[str, ...] = ()
    secret_inputs: frozenset[str] | None = None

    def is_secret(self, path: str) -> bool | None:
        """Whether the input at `path` (or a parent of it) is a Pulumi secret; None if unknown."""
        if self.secret_inputs is None:
            return None
        return any(
            secret in (".", path) or path.startswith((f"{secret}.", f"{secret}["))
            for secret in self.secret_inputs
        )


NO_OPTIONS = DeclaredOptions()


def mapping(value: Any) -> Mapping[str, Any]:
    """`value` if it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}


def items(value: Any) -> list[Any]:
    """The elements of `value` if it is a list, else none."""
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return list(value)
    return []


def text(value: Any) -> str:
    """`value` if it is a string, else the empty string."""
    return value if isinstance(value, str) else ""
