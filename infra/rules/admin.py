"""No admin override: no account-level Harness admin, no SSO group linked to a built-in group.

Responders get `_pipeline_executor` in their project; an admin role would let anyone in the
Okta group change RBAC, secrets and every pipeline. Harness's built-in groups (identifiers start
with `_`; the Account Administrator group above all) must never take members from Okta, or an
Okta group edit would make someone an administrator.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from infra.rules.harness_roles import (
    ACCOUNT_ADMIN_ROLE,
    ACCOUNT_RESOURCE_GROUPS,
    ADMIN_GROUP_NAMES,
    ADMIN_ROLES,
)
from infra.rules.resources import (
    HARNESS_ROLE_ASSIGNMENTS,
    HARNESS_USERGROUP,
    NO_OPTIONS,
    DeclaredOptions,
    mapping,
    text,
)
from infra.rules.violations import Violation

NO_HARNESS_ADMIN = "no-harness-admin"


def check_no_harness_admin(
    resource_type: str,
    props: Mapping[str, Any],
    name: str,
    options: DeclaredOptions = NO_OPTIONS,
) -> list[Violation]:
    """A role assignment grants no account-level admin; no SSO link targets a built-in group."""
    if resource_type == HARNESS_ROLE_ASSIGNMENTS:
        return _role_assignment(props, name)
    if resource_type == HARNESS_USERGROUP:
        return _user_group(props, name)
    return []


def _role_assignment(props: Mapping[str, Any], name: str) -> list[Violation]:
    role = text(props.get("roleIdentifier")) or text(
        mapping(props.get("roleReference")).get("identifier")
    )
    account_level = not text(props.get("orgId")) or (
        text(props.get("resourceGroupIdentifier")) in ACCOUNT_RESOURCE_GROUPS
    )
    if role == ACCOUNT_ADMIN_ROLE:
        message = f"role assignment `{name}` grants the account-level admin role `{role}`"
    elif role in ADMIN_ROLES and account_level:
        message = f"role assignment `{name}` grants admin role `{role}` at account level"
    else:
        return []
    hint = "grant `_pipeline_executor` (or a narrower custom role) in the team's project instead"
    return [Violation(NO_HARNESS_ADMIN, message, resource=name, hint=hint)]


def _user_group(props: Mapping[str, Any], name: str) -> list[Violation]:
    identifier = text(props.get("identifier"))
    display = text(props.get("name"))
    built_in = identifier.startswith("_") or display.strip().lower() in ADMIN_GROUP_NAMES
    if props.get("ssoLinked") is not True or not built_in:
        return []
    sso_group = text(props.get("ssoGroupName")) or text(props.get("ssoGroupId")) or "?"
    message = (
        f"user group `{name}` links SSO group `{sso_group}` to Harness's built-in group "
        f"`{identifier or display}`"
    )
    hint = "link the Okta group to the team's own user group (`team_<key>`), never a built-in one"
    return [Violation(NO_HARNESS_ADMIN, message, resource=name, hint=hint)]
