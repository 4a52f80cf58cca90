"""Names derived from catalog keys: Pulumi logical names and vendor identifiers.

Every resource name comes from team and service keys and lower-cased e-mail addresses, never
from display names, so renaming a team's `name` changes inputs but replaces nothing.
"""

from __future__ import annotations

import re

_NOT_NAME = re.compile(r"[^a-z0-9]+")


def person_slug(email: str) -> str:
    """A stable name fragment for a person: `Ada.L@Example.com` -> `ada-l-at-example-com`."""
    local, _, domain = email.lower().partition("@")
    return f"{_NOT_NAME.sub('-', local).strip('-')}-at-{_NOT_NAME.sub('-', domain).strip('-')}"


def harness_identifier(key: str) -> str:
    """A Harness identifier from a catalog key: `checkout-api` -> `checkout_api`."""
    return key.replace("-", "_")


def resource_name(kind: str, *parts: str) -> str:
    """The Pulumi logical name of one resource, such as `pd-schedule-payments-primary`."""
    return "-".join((kind, *parts))
