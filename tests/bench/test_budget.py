"""The API budget: calls per resource type and minutes under each vendor's published limit."""

from __future__ import annotations

import pytest

from infra.cli.plan import plan_budget, render_budget
from infra.core.budget import LIMITS, Usage, estimate
from infra.program.offline import Plan, PlannedInvoke, PlannedResource

TEAM = "pagerduty:index/team:Team"
MEMBERSHIPS = "okta:index/groupMemberships:GroupMemberships"
ASSIGNMENT = "okta:app/groupAssignment:GroupAssignment"
GROUP = "okta:group/group:Group"
PD_USERS = "pagerduty:index/getUsers:getUsers"


def test_a_resource_costs_a_write_and_a_read_to_create_and_a_read_to_refresh() -> None:
    (pagerduty,) = estimate([Usage(TEAM, 960)])

    assert (pagerduty.up_calls, pagerduty.refresh_calls) == (1920, 960)
    assert pagerduty.up_minutes == pytest.approx(2.0)
    assert pagerduty.refresh_minutes == pytest.approx(1.0)
    assert pagerduty.binding == LIMITS["pagerduty-rest"]
    assert pagerduty.binding.per_minute == 960


def test_okta_memberships_cost_a_call_per_member_and_a_listing_per_200() -> None:
    (okta,) = estimate([Usage(MEMBERSHIPS, 2, items=450)])

    # 450 members added one by one, then each group's 225 members read in 2 pages.
    assert okta.up_calls == 450 + 2 * 2
    assert okta.refresh_calls == 2 * 2


def test_a_vendor_takes_as_long_as_its_slowest_bucket() -> None:
    (okta,) = estimate([Usage(ASSIGNMENT, 100), Usage(GROUP, 100)])

    # 200 calls at 100/min on the apps endpoints; the groups' 200 calls at 600/min run alongside.
    assert okta.up_calls == 400
    assert okta.up_minutes == pytest.approx(2.0)
    assert okta.binding == LIMITS["okta-apps"]


def test_lookups_page_through_every_user_on_up_and_not_on_refresh() -> None:
    (pagerduty,) = estimate([], [Usage(PD_USERS, 1, items=1001)])

    assert pagerduty.up_calls == 11
    assert pagerduty.refresh_calls == 0


def test_a_type_without_an_estimate_counts_the_default_and_is_named() -> None:
    unknown = "harness:platform/somethingNew:SomethingNew"

    (harness,) = estimate([Usage(unknown, 10)])

    assert (harness.up_calls, harness.refresh_calls) == (20, 10)
    assert harness.estimated_by_default == [unknown]


def test_types_of_other_packages_cost_nothing_and_vendors_are_sorted() -> None:
    budgets = estimate([Usage("pulumi:pulumi:StackReference", 3), Usage(TEAM, 1), Usage(GROUP, 1)])

    assert [b.vendor for b in budgets] == ["okta", "pagerduty"]


def test_the_plan_budget_reads_member_counts_and_lookups_from_the_plan() -> None:
    plan = Plan(
        "dev",
        resources=[
            PlannedResource(MEMBERSHIPS, "okta-members-a", {"users": ["u1", "u2", "u3"]}),
            PlannedResource(TEAM, "pd-team-a", {}),
        ],
        invokes=[PlannedInvoke(PD_USERS, {})],
    )

    okta, pagerduty = plan_budget(plan, people=250)

    assert okta.up_calls == 3 + 1
    assert pagerduty.up_calls == 2 + 3  # the team, and 250 users in pages of 100
    lines = render_budget([okta, pagerduty])
    assert lines[0].startswith("API budget")
    assert all(len(line) <= 100 for line in lines)
    assert lines[3].split() == [
        "pagerduty",
        "5",
        "0.0",
        "1",
        "0.0",
        "REST",
        "API",
        "key:",
        "960/min",
    ]
    assert lines[-1] == (
        "  1 resource types without a specific estimate count 2 calls to create and 1 to read"
    )
