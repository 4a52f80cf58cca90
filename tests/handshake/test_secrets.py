"""No key in plain sight: which inputs and outputs are secret, and sentinels that must not leak."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.catalog.loader import load_catalog
from infra.cli.plan import render_summary
from infra.core.state import resolve
from infra.program import offline
from infra.program.offline import Plan
from tests.conftest import ROOT
from tests.handshake import sentinel_driver
from tests.handshake.conftest import BUNDLED, PD, TWO_ACTIONS, H, inputs, plan_of
from tests.handshake.sentinel_driver import (
    SENTINEL_API_KEY,
    SENTINEL_CONFIG,
    SENTINEL_ROUTING_KEY,
    SENTINELS,
)

DRIVER = Path(sentinel_driver.__file__)

# Inputs that carry a key, a key-bearing URL or a signing secret, by resource type.
SECRET_INPUTS = {
    H + "secretText:SecretText": ["value"],
    PD + "webhookSubscription:WebhookSubscription": ["deliveryMethods"],
    PD + "incidentWorkflow:IncidentWorkflow": ["steps"],
}
# Outputs that carry one, flagged secret on the resource (the SDK's flag or teamcat's own).
SECRET_OUTPUTS = {
    PD + "serviceIntegration:ServiceIntegration": "integrationKey",
    H + "secretText:SecretText": "value",
    H + "token:Token": "value",
    H + "triggers:Triggers": "webhookUrl",
    PD + "webhookSubscription:WebhookSubscription": "deliveryMethods",
}


@pytest.fixture(scope="module")
def bundled() -> Plan:
    return plan_of(BUNDLED)


def test_exactly_the_key_bearing_inputs_are_secret(bundled: Plan) -> None:
    for resource in bundled.resources:
        expected = SECRET_INPUTS.get(resource.type, [])
        assert resource.secret_paths() == expected, resource.name


def test_every_key_bearing_output_is_flagged_secret(bundled: Plan) -> None:
    for type_, output in SECRET_OUTPUTS.items():
        resources = bundled.of_type(type_)
        assert resources, type_
        for resource in resources:
            assert output in resource.additional_secret_outputs, resource.name


def test_harness_notification_settings_hold_no_routing_key(bundled: Plan) -> None:
    channels = bundled.of_type(H + "centralNotificationChannel:CentralNotificationChannel")

    for channel in channels:
        [key] = channel.inputs["channel"]["pagerDutyIntegrationKeys"]
        assert key.startswith('<+secrets.getValue("pd_routing_key_') and key.endswith('")>')
    assert not bundled.of_type(H + "usergroup:Usergroup")[0].inputs.get("notificationConfigs")


class _Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name} {record.getMessage()} {record.args!r}")


@pytest.fixture
def every_log_line() -> Iterator[list[str]]:
    """Every log record of the run, from every logger, at every level."""
    handler = _Everything()
    loggers = [
        logging.getLogger(),
        logging.getLogger("teamcat"),
        logging.getLogger("teamcat.offline"),
    ]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    yield handler.lines
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_planted_sentinels_flow_into_the_resources_but_into_no_output_or_log(
    monkeypatch: pytest.MonkeyPatch, every_log_line: list[str]
) -> None:
    monkeypatch.setitem(
        offline._COMPUTED,
        "pagerduty:index/serviceIntegration:ServiceIntegration",
        {"integrationKey": SENTINEL_ROUTING_KEY},
    )
    monkeypatch.setitem(
        offline._COMPUTED, "harness:platform/token:Token", {"value": SENTINEL_API_KEY}
    )

    plan = plan_of(TWO_ACTIONS, config=SENTINEL_CONFIG, secret_keys=tuple(SENTINEL_CONFIG))

    # The sentinels really are in the declared inputs: the test would see a leak.
    assert inputs(plan.named("harness-routing-key-api"))["value"] == SENTINEL_ROUTING_KEY
    [method] = inputs(plan.named("pd-webhook-api-pause"))["deliveryMethods"]
    assert method["customHeaders"][0]["value"] == SENTINEL_API_KEY
    loaded = load_catalog(TWO_ACTIONS)
    assert loaded.catalog is not None
    shown = "\n".join(
        [
            json.dumps(plan.to_json()),
            *render_summary(plan, resolve(loaded.catalog), str(TWO_ACTIONS)),
            *plan.warnings,
            *every_log_line,
        ]
    )
    assert every_log_line, "the run logged nothing, so the log check proves nothing"
    for sentinel in SENTINELS:
        assert sentinel not in shown


def _teamcat(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DRIVER), "-v", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "args",
    [
        ("plan", str(TWO_ACTIONS)),
        ("plan", str(BUNDLED), "--json", "--stack", "prod"),
    ],
    ids=["plan", "plan-json-bundled-prod"],
)
def test_no_sentinel_in_what_teamcat_plan_prints(args: tuple[str, ...]) -> None:
    result = _teamcat(*args)

    assert result.returncode == 0, result.stderr
    assert "teamcat: INFO:" in result.stderr  # -v: the log lines are checked too
    printed = result.stdout + result.stderr
    for sentinel in SENTINELS:
        assert sentinel not in printed
    if "--json" in args:
        document = json.loads(result.stdout)
        secret = [r for r in document["resources"] if r["type"] == H + "secretText:SecretText"]
        assert secret and all(r["inputs"]["value"] == "[secret]" for r in secret)


def _with_pasted_key(tmp_path: Path) -> Path:
    text = TWO_ACTIONS.read_text(encoding="utf-8").replace(
        "    name: Core API\n",
        f"    name: Core API\n    description: routes to {SENTINEL_ROUTING_KEY}\n",
    )
    head = tmp_path / "head.yaml"
    head.write_text(text, encoding="utf-8")
    return head


@pytest.mark.parametrize("output_format", ["text", "markdown", "json"])
def test_no_sentinel_in_what_teamcat_diff_prints(output_format: str) -> None:
    result = _teamcat("diff", str(TWO_ACTIONS), str(TWO_ACTIONS), "--format", output_format)

    assert result.returncode == 0, result.stderr
    for sentinel in SENTINELS:
        assert sentinel not in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["validate", "plan", "diff"])
def test_a_key_pasted_into_the_catalog_is_refused_without_being_repeated(
    command: str, tmp_path: Path
) -> None:
    head = _with_pasted_key(tmp_path)
    args = (command, str(TWO_ACTIONS), str(head)) if command == "diff" else (command, str(head))

    result = _teamcat(*args)

    assert result.returncode == 1
    assert "credential-literal" in result.stderr
    assert SENTINEL_ROUTING_KEY not in result.stdout + result.stderr
