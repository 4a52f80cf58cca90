"""Harness roles: which let a user group run pipelines, and which are built-in admin roles.

This is the one table the rules read. Built-in roles come from Harness's own role fixtures
(see docs/policies.md and the vendor notes, section C7): `_pipeline_executor` holds
`core_pipeline_execute` (which also covers abort and retry), and the admin roles hold every
permission of their scope. A custom role that includes `core_pipeline_execute` is declared in
the pack's config (`paged-can-fix: {executionRoles: [...]}`), never here.
"""

from __future__ import annotations

from collections.abc import Iterable

# Built-in role identifier -> whether it includes `core_pipeline_execute`.
BUILT_IN_ROLES: dict[str, bool] = {
    "_pipeline_executor": True,
    "_project_admin": True,
    "_organization_admin": True,
    "_account_admin": True,
    "_project_viewer": False,
    "_organization_viewer": False,
    "_account_viewer": False,
}

# Built-in roles that administer a whole scope; granting one is an admin override.
ADMIN_ROLES: frozenset[str] = frozenset({"_account_admin", "_organization_admin", "_project_admin"})
ACCOUNT_ADMIN_ROLE = "_account_admin"

# Resource groups that reach beyond one project.
ACCOUNT_RESOURCE_GROUPS: frozenset[str] = frozenset(
    {"_all_account_level_resources", "_all_resources"}
)

# The built-in user group holding account administrators, by display name.
ADMIN_GROUP_NAMES: frozenset[str] = frozenset({"account administrator", "account administrators"})


def execution_roles(custom: Iterable[str] = ()) -> frozenset[str]:
    """Role identifiers that allow running pipelines: the built-in ones plus `custom`."""
    built_in = {role for role, executes in BUILT_IN_ROLES.items() if executes}
    return frozenset(built_in | {role.strip() for role in custom if role.strip()})
