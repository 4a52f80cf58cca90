"""Run `teamcat` with known sentinel values planted where real keys would be.

Used as a subprocess by test_secrets.py: `python sentinel_driver.py <teamcat arguments>`.
The mock runtime answers the Events API v2 integration's routing key and the Harness token's
value with the sentinels, and the stack config gets the sentinels as provider credentials
(marked secret, as `pulumi config set --secret` would), before the real CLI runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SENTINEL_ROUTING_KEY = "5e7f1a2b3c4d5e6f7a8b9c0d1e2f3a4b"
SENTINEL_API_KEY = "pat.sentinelAccount0000.0123456789abcdef01234567.SentinelSecret000"
SENTINEL_CONFIG = {
    "pagerduty:token": "u+SentinelPdToken0001",
    "harness:platformApiKey": SENTINEL_API_KEY,
    "okta:apiToken": "00SentinelOktaToken0000000000000000000000",
}
SENTINELS = (SENTINEL_ROUTING_KEY, SENTINEL_API_KEY, *SENTINEL_CONFIG.values())


def plant() -> None:
    """Put the sentinels into the mock outputs and the stack config of every offline run."""
    from infra.cli import plan as plan_cli
    from infra.program import offline

    offline._COMPUTED["pagerduty:index/serviceIntegration:ServiceIntegration"] = {
        "integrationKey": SENTINEL_ROUTING_KEY
    }
    offline._COMPUTED["harness:platform/token:Token"] = {"value": SENTINEL_API_KEY}
    original = plan_cli.read_stack_config

    def with_secrets(path: Path) -> tuple[dict[str, str], list[str]]:
        config, secrets = original(path)
        config.update(SENTINEL_CONFIG)
        return config, [*secrets, *SENTINEL_CONFIG]

    plan_cli.read_stack_config = with_secrets  # type: ignore[assignment]


def main(argv: list[str]) -> Any:
    plant()
    from infra.cli.app import main as teamcat

    sys.argv = ["teamcat", *argv]
    return teamcat()


if __name__ == "__main__":
    main(sys.argv[1:])
