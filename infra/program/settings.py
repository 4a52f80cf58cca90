"""Stack settings: what differs between stacks, read from `pulumi.Config("teamcat")`.

Every missing or malformed setting is reported at once in a `SettingsError`, whose message
names the `pulumi config set` command that fixes it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pulumi

from infra.core.slices import SliceSpec, slice_settings

PROVIDERS = ("okta", "pagerduty", "harness")
PAGERDUTY_USER_MODES = ("scim", "managed")
PAGERDUTY_REGIONS = ("us", "eu")
DEFAULT_VAULT_PATH = "teamcat/pagerduty/{service}#routing_key"


class SettingsError(pulumi.RunError):
    """The stack's settings are incomplete or wrong; the message lists the fixing commands."""


@dataclass(frozen=True)
class StackSettings:
    catalog: str
    providers: tuple[str, ...]
    okta_pagerduty_app_id: str | None
    okta_harness_app_id: str | None
    harness_org: str
    harness_sso_id: str | None
    harness_sso_display_name: str | None
    harness_secret_manager: str
    pagerduty_users: str
    # The handshake (docs/handshake.md); the ids are required only when an incident action
    # needs them, so the handshake module reports them, not parse_settings.
    harness_account_id: str | None = None
    harness_vault_connector: str | None = None
    harness_vault_path: str = DEFAULT_VAULT_PATH
    pagerduty_region: str = "us"
    pagerduty_webhook_action: str | None = None
    pagerduty_webhook_connection: str | None = None
    trigger_key_generation: str = "1"
    # Sharding (docs/sharding.md): the slice this stack declares, and every slice's definition.
    slice: str | None = None
    slices: tuple[SliceSpec, ...] = ()

    def enabled(self, provider: str) -> bool:
        return provider in self.providers


def read_settings(config: pulumi.Config | None = None) -> StackSettings:
    """The stack's settings, or a SettingsError naming every missing one."""
    config = config or pulumi.Config("teamcat")
    return parse_settings(config.get)


def parse_settings(get: Callable[[str], str | None]) -> StackSettings:
    """Build settings from a `get(key)` lookup (pulumi.Config.get in a program)."""
    problems: list[str] = []
    providers = _providers(get("providers"), problems)
    pagerduty_users = get("pagerdutyUsers") or "scim"
    if pagerduty_users not in PAGERDUTY_USER_MODES:
        problems.append(
            f"teamcat:pagerdutyUsers is `{pagerduty_users}`; use `scim` (users provisioned "
            "by Okta) or `managed` (teamcat declares them): "
            "pulumi config set teamcat:pagerdutyUsers scim"
        )
    problems += _handshake_problems(get)
    slice_name, slices = slice_settings(get("slice"), get("slices"), problems)
    required = []
    if "okta" in providers:
        required += [
            ("oktaPagerdutyAppId", "the id of the PagerDuty app in Okta"),
            ("oktaHarnessAppId", "the id of the Harness app in Okta"),
        ]
    if "harness" in providers:
        required += [
            ("harnessSsoId", "the identifier of the SAML SSO setting in Harness"),
            ("harnessSsoDisplayName", "the display name of that SAML SSO setting"),
        ]
    for key, what in required:
        if not get(key):
            problems.append(
                f"teamcat:{key} is not set ({what}): pulumi config set teamcat:{key} <value>"
            )
    if problems:
        raise SettingsError("the stack's settings need attention:\n  " + "\n  ".join(problems))
    return StackSettings(
        catalog=get("catalog") or "catalog.yaml",
        providers=providers,
        okta_pagerduty_app_id=get("oktaPagerdutyAppId"),
        okta_harness_app_id=get("oktaHarnessAppId"),
        harness_org=get("harnessOrg") or "default",
        harness_sso_id=get("harnessSsoId"),
        harness_sso_display_name=get("harnessSsoDisplayName"),
        harness_secret_manager=get("harnessSecretManager") or "harnessSecretManager",
        pagerduty_users=pagerduty_users,
        harness_account_id=get("harnessAccountId"),
        harness_vault_connector=get("harnessVaultConnector"),
        harness_vault_path=get("harnessVaultPath") or DEFAULT_VAULT_PATH,
        pagerduty_region=get("pagerdutyRegion") or "us",
        pagerduty_webhook_action=get("pagerdutyWebhookAction"),
        pagerduty_webhook_connection=get("pagerdutyWebhookConnection"),
        trigger_key_generation=get("triggerKeyGeneration") or "1",
        slice=slice_name,
        slices=slices,
    )


def _handshake_problems(get: Callable[[str], str | None]) -> list[str]:
    problems = []
    region = get("pagerdutyRegion") or "us"
    if region not in PAGERDUTY_REGIONS:
        problems.append(
            f"teamcat:pagerdutyRegion is `{region}`; use `us` or `eu` (the service region of "
            "the PagerDuty account): pulumi config set teamcat:pagerdutyRegion us"
        )
    path = get("harnessVaultPath")
    if path is not None and "{service}" not in path:
        problems.append(
            f"teamcat:harnessVaultPath is `{path}`, which has no `{{service}}`, so every "
            "service would share one routing key: "
            f'pulumi config set teamcat:harnessVaultPath "{DEFAULT_VAULT_PATH}"'
        )
    generation = get("triggerKeyGeneration") or "1"
    if not generation.isascii() or not generation.isalnum():
        problems.append(
            f"teamcat:triggerKeyGeneration is `{generation}`; use letters and digits only: "
            "pulumi config set teamcat:triggerKeyGeneration 2"
        )
    return problems


def _providers(raw: str | None, problems: list[str]) -> tuple[str, ...]:
    if not raw:
        return PROVIDERS
    names = tuple(
        part.strip()
        for part in raw.replace("[", "").replace("]", "").replace('"', "").split(",")
        if part.strip()
    )
    unknown = [name for name in names if name not in PROVIDERS]
    if unknown:
        problems.append(
            f"teamcat:providers names {', '.join(unknown)}; choose from {', '.join(PROVIDERS)}: "
            'pulumi config set teamcat:providers "okta,pagerduty,harness"'
        )
    return tuple(name for name in PROVIDERS if name in names)
