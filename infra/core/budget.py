"""The API budget: vendor API calls of a first `pulumi up` and of a refresh, and their minimum time.

Calls per resource are estimates of what the Terraform-based providers do, not measurements:
creating a resource is one write plus the read that follows it (2 calls); refreshing it is one
read. Okta's group memberships cost one call per member to create (the API adds members one at
a time) and one listing per 200 members to read. Lookups page through every user: 100 per page
at PagerDuty, 200 at Okta. Each vendor limits calls per minute per bucket (an API key, or an
endpoint family at Okta); buckets fill in parallel, so a vendor's minimum time is that of its
slowest bucket. The limits and their sources are in `LIMITS`; docs/performance.md cites them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limit:
    """A published rate limit: `per_minute` calls to one bucket of a vendor's API."""

    vendor: str
    bucket: str
    per_minute: int
    source: str


@dataclass(frozen=True)
class CallEstimate:
    """Calls one resource (or lookup) of a type costs; `per_item` and `page` scale with its list."""

    bucket: str
    create: int = 2
    refresh: int = 1
    per_item: int = 0  # calls per listed item to create (Okta adds group members one by one)
    page: int = 0  # items per page when the read lists them (0: the read is one call)


@dataclass(frozen=True)
class Usage:
    """How many resources (or lookups) of `type` a plan has, and their listed items in total."""

    type: str
    count: int
    items: int = 0


@dataclass
class VendorBudget:
    """One vendor's estimated calls and minimum minutes, with the bucket that limits it."""

    vendor: str
    up_calls: int = 0
    refresh_calls: int = 0
    up_minutes: float = 0.0
    refresh_minutes: float = 0.0
    binding: Limit | None = None
    estimated_by_default: list[str] = field(default_factory=list)


_PD = "pagerduty"
_OKTA = "okta"
_HARNESS = "harness"

# Okta's figures are its Enterprise column; Workforce Identity orgs have 500/min for group
# creation and listing and 1,000/min for a group by id, the same 100/min for app actions.
LIMITS: dict[str, Limit] = {
    "pagerduty-rest": Limit(
        _PD, "REST API key", 960, "https://support.pagerduty.com/docs/rest-api-rate-limits"
    ),
    "okta-apps": Limit(
        _OKTA,
        "/api/v1/apps*",
        100,
        "https://developer.okta.com/docs/reference/rl-global-mgmt/",
    ),
    "okta-groups": Limit(
        _OKTA,
        "/api/v1/groups",
        600,
        "https://developer.okta.com/docs/reference/rl-global-mgmt/",
    ),
    "okta-group": Limit(
        _OKTA,
        "/api/v1/groups/{id}",
        600,
        "https://developer.okta.com/docs/reference/rl-global-mgmt/",
    ),
    "okta-users": Limit(
        _OKTA,
        "/api/v1/users",
        600,
        "https://developer.okta.com/docs/reference/rl-global-mgmt/",
    ),
    "harness-api": Limit(
        _HARNESS,
        "API key",
        1000,
        "https://developer.harness.io/docs/platform/rate-limits/",
    ),
}

# A type not listed here costs the default estimate in its vendor's first bucket.
_DEFAULT_BUCKET = {_PD: "pagerduty-rest", _OKTA: "okta-group", _HARNESS: "harness-api"}

ESTIMATES: dict[str, CallEstimate] = {
    "okta:group/group:Group": CallEstimate("okta-groups", create=2, refresh=1),
    "okta:index/groupMemberships:GroupMemberships": CallEstimate(
        "okta-groups", create=0, refresh=0, per_item=1, page=200
    ),
    "okta:app/groupAssignment:GroupAssignment": CallEstimate("okta-apps"),
    "okta:user/getUsers:getUsers": CallEstimate("okta-users", create=0, refresh=0, page=200),
    "pagerduty:index/getUsers:getUsers": CallEstimate(
        "pagerduty-rest", create=0, refresh=0, page=100
    ),
}


# The list a resource's item count comes from, for the types that scale with one.
ITEM_FIELDS = {"okta:index/groupMemberships:GroupMemberships": "users"}


def vendor_of(type_: str) -> str:
    """`pagerduty:index/team:Team` -> `pagerduty`."""
    return type_.split(":", 1)[0]


def estimate(resources: Iterable[Usage], lookups: Iterable[Usage] = ()) -> list[VendorBudget]:
    """The budget of a plan: each vendor's calls and minimum minutes, vendors sorted by name.

    Lookups run with the program (a `pulumi up`), not with `pulumi refresh`, which only reads
    the resources in the state.
    """
    up: dict[str, float] = {}
    refresh: dict[str, float] = {}
    budgets: dict[str, VendorBudget] = {}
    for usage, runs_on_refresh in [(u, True) for u in resources] + [(u, False) for u in lookups]:
        vendor = vendor_of(usage.type)
        if vendor not in _DEFAULT_BUCKET or usage.count == 0:
            continue
        budget = budgets.setdefault(vendor, VendorBudget(vendor))
        known = ESTIMATES.get(usage.type)
        if known is None:
            budget.estimated_by_default.append(usage.type)
        cost = known or CallEstimate(_DEFAULT_BUCKET[vendor])
        reads = _pages(usage, cost)
        up[cost.bucket] = up.get(cost.bucket, 0) + _create_calls(usage, cost) + reads
        if runs_on_refresh:
            refresh[cost.bucket] = refresh.get(cost.bucket, 0) + usage.count * cost.refresh + reads
    for budget in budgets.values():
        _settle(budget, up, refresh)
    return [budgets[vendor] for vendor in sorted(budgets)]


def _create_calls(usage: Usage, cost: CallEstimate) -> int:
    return usage.count * cost.create + usage.items * cost.per_item


def _pages(usage: Usage, cost: CallEstimate) -> int:
    """Listing calls: each resource (or lookup) reads its items a page at a time."""
    if not cost.page:
        return 0
    per_resource = usage.items / usage.count if usage.count else 0
    return usage.count * max(1, math.ceil(per_resource / cost.page))


def _settle(budget: VendorBudget, up: dict[str, float], refresh: dict[str, float]) -> None:
    """Fill in the vendor's totals and the minutes of its slowest bucket."""
    buckets = [key for key, limit in LIMITS.items() if limit.vendor == budget.vendor]
    budget.up_calls = round(sum(up.get(b, 0) for b in buckets))
    budget.refresh_calls = round(sum(refresh.get(b, 0) for b in buckets))
    slowest = max(buckets, key=lambda b: up.get(b, 0) / LIMITS[b].per_minute)
    budget.binding = LIMITS[slowest]
    budget.up_minutes = max(up.get(b, 0) / LIMITS[b].per_minute for b in buckets)
    budget.refresh_minutes = max(refresh.get(b, 0) / LIMITS[b].per_minute for b in buckets)
