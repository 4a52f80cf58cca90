"""People lookups: one bulk call per provider, never one call per person.

Each lookup answers a map from lower-cased e-mail to the provider's user id, and fails with a
`MissingUsersError` that names everyone the provider does not know, all at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pulumi
import pulumi_okta as okta
import pulumi_pagerduty as pagerduty


class MissingUsersError(pulumi.RunError):
    """People in the catalog have no account at a provider."""


def okta_user_ids(emails: Iterable[str]) -> dict[str, str]:
    """Okta user ids of `emails`, from one search for active users."""
    result = okta.user.get_users(
        searches=[{"name": "status", "value": "ACTIVE", "comparison": "eq"}]
    )
    found = {(u.email or u.login).lower(): u.id for u in result.users}
    return _select(found, emails, "Okta", "activate them in Okta (or fix the catalog's address)")


def pagerduty_user_ids(emails: Iterable[str]) -> dict[str, str]:
    """PagerDuty user ids of `emails`, from one listing of the account's users."""
    result = pagerduty.get_users()
    found = {u.email.lower(): u.id for u in result.users}
    return _select(
        found,
        emails,
        "PagerDuty",
        "wait for SCIM provisioning from Okta, or set `teamcat:pagerdutyUsers managed`",
    )


def _select(
    found: Mapping[str, str], emails: Iterable[str], vendor: str, remedy: str
) -> dict[str, str]:
    wanted = sorted(set(emails))
    missing = [email for email in wanted if email not in found]
    if missing:
        listed = ", ".join(missing[:10]) + (
            f" and {len(missing) - 10} more" if len(missing) > 10 else ""
        )
        raise MissingUsersError(f"{vendor} has no user for {listed}: {remedy}")
    return {email: found[email] for email in wanted}
