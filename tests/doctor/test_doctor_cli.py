"""`teamcat doctor` end to end: catalog and stack in, fake vendors on 127.0.0.1, table out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from infra.cli import doctor as doctor_cli
from infra.cli.app import app
from tests.conftest import MINIMAL, ROOT
from tests.doctor.conftest import TWO_ACTIONS, expected_actions, now_ms
from tests.doctor.fakes import (
    HARNESS_ACCOUNT,
    HARNESS_KEY,
    PAGERDUTY_TOKEN,
    FakeHarness,
    FakePagerDuty,
    event,
    fixed,
    harness_echo,
    pagerduty_echo,
    subscription,
    trigger,
)

ROUTING_KEY = "0123456789abcdef0123456789abcdef"
Fakes = tuple[tuple[FakePagerDuty, str], tuple[FakeHarness, str]]


@pytest.fixture
def fakes(pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]) -> Fakes:
    """Both fakes, serving a healthy account for the two-action catalog."""
    actions = expected_actions()
    pause = next(a for a in actions if a.mode == "automatic")
    pagerduty[0].subscriptions = [subscription(1, "unrelated"), subscription(2, pause.description)]
    for action in actions:
        harness[0].pipelines[(action.org, action.project, action.pipeline)] = [
            trigger(action.trigger_id)
        ]
        harness[0].history[action.trigger_id] = [event(action.trigger_id, now_ms() - 60_000)]
    return pagerduty, harness


def _environment(fakes: Fakes, **extra: str) -> dict[str, str]:
    (_, pd_url), (_, harness_url) = fakes
    return {
        doctor_cli.ENV_PAGERDUTY_URL: pd_url,
        doctor_cli.ENV_EVENTS_URL: pd_url,
        doctor_cli.ENV_HARNESS_URL: harness_url,
        doctor_cli.ENV_PAGERDUTY_TOKEN: PAGERDUTY_TOKEN,
        doctor_cli.ENV_HARNESS_KEY: HARNESS_KEY,
        doctor_cli.ENV_HARNESS_ACCOUNT: HARNESS_ACCOUNT,
        **extra,
    }


def _doctor(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(app, ["doctor", str(TWO_ACTIONS), "--timeout", "0.5", *args], env=env)


def test_healthy_stack_prints_the_table_and_exits_0(fakes: Fakes) -> None:
    result = _doctor(_environment(fakes))

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["CHECK", "TARGET", "STATUS", "DETAIL"]
    assert len(lines) == 5
    assert lines[-1] == "doctor: all 3 checks passed in stack `dev`"
    assert result.stderr == ""


def test_anything_broken_exits_1_and_names_it(fakes: Fakes) -> None:
    (pagerduty, _), _ = fakes
    pagerduty.subscriptions[1]["delivery_method"]["temporarily_disabled"] = True

    result = _doctor(_environment(fakes))

    assert result.exit_code == 1
    assert "api pause     BROKEN  temporarily disabled by PagerDuty" in result.stdout
    assert result.stdout.splitlines()[-1] == "doctor: 1 of 3 checks broken in stack `dev`"


def test_missing_credentials_are_a_usage_error_naming_every_variable(fakes: Fakes) -> None:
    env = _environment(fakes)
    env[doctor_cli.ENV_PAGERDUTY_TOKEN] = ""
    env[doctor_cli.ENV_HARNESS_KEY] = ""

    result = _doctor(env, "--alert")

    assert result.exit_code == 2
    assert result.stdout == ""
    for variable in ("PAGERDUTY_TOKEN", "HARNESS_PLATFORM_API_KEY", "TEAMCAT_ALERT_ROUTING_KEY"):
        assert variable in result.stderr
    (pagerduty, _), (harness, _) = fakes
    assert pagerduty.requests == [] and harness.requests == []


def test_a_catalog_with_only_buttons_needs_no_pagerduty_key(fakes: Fakes) -> None:
    env = _environment(fakes)
    env[doctor_cli.ENV_PAGERDUTY_TOKEN] = ""

    result = CliRunner().invoke(app, ["doctor", str(MINIMAL)], env=env)

    (pagerduty, _), (harness, _) = fakes
    assert result.exit_code == 0, result.output
    assert pagerduty.requests == []
    assert {r.query["targetIdentifier"] for r in harness.requests} == {"rollback_api"}
    assert result.stdout.splitlines()[-1] == "doctor: all 1 checks passed in stack `dev`"


def test_alert_triggers_one_event_when_broken(fakes: Fakes) -> None:
    (pagerduty, _), (harness, _) = fakes
    harness.pipelines[("eng", "core", "rollback_api")] = []

    result = _doctor(_environment(fakes, TEAMCAT_ALERT_ROUTING_KEY=ROUTING_KEY), "--alert")

    assert result.exit_code == 1
    [sent] = pagerduty.events
    assert sent["event_action"] == "trigger"
    assert sent["dedup_key"] == "teamcat-doctor-dev"
    assert sent["payload"]["severity"] == "error"
    assert sent["payload"]["custom_details"]["broken"] == [
        "harness trigger api rollback: trigger pagerduty_rollback_api not found on "
        "eng/core/rollback_api"
    ]
    assert "sent a PagerDuty trigger event" in result.stderr


def test_alert_resolves_when_healthy(fakes: Fakes) -> None:
    result = _doctor(_environment(fakes, TEAMCAT_ALERT_ROUTING_KEY=ROUTING_KEY), "--alert")

    (pagerduty, _), _ = fakes
    assert result.exit_code == 0
    assert [(e["event_action"], e["dedup_key"]) for e in pagerduty.events] == [
        ("resolve", "teamcat-doctor-dev")
    ]


def test_an_alert_pagerduty_refuses_fails_the_run(fakes: Fakes) -> None:
    result = _doctor(_environment(fakes, TEAMCAT_ALERT_ROUTING_KEY="too-short"), "--alert")

    assert result.exit_code == 1
    assert "sending the alert: HTTP 400" in result.stderr


def test_as_a_subprocess_no_credential_reaches_any_output(fakes: Fakes) -> None:
    (pagerduty, _), _ = fakes
    pagerduty.pings["PSUB0002"] = (404, None)  # a broken row, so details are printed too
    env = {**os.environ, **_environment(fakes, TEAMCAT_ALERT_ROUTING_KEY=ROUTING_KEY)}

    result = subprocess.run(
        [sys.executable, "-m", "infra.cli", "-v", "doctor", str(TWO_ACTIONS), "--alert"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 1, result.stderr
    assert "BROKEN" in result.stdout
    assert "teamcat: DEBUG:" in result.stderr  # -v really logged the calls
    for secret in (PAGERDUTY_TOKEN, HARNESS_KEY, ROUTING_KEY):
        assert secret not in result.stdout + result.stderr


SLICED_STACK = """\
config:
  teamcat:providers: pagerduty,harness
  teamcat:harnessSsoId: okta_saml
  teamcat:harnessSsoDisplayName: Okta
  teamcat:harnessAccountId: {account}
  teamcat:slice: {slice}
  teamcat:slices:
    core: {{teams: [core], stack: example/teamcat/core}}
    rest: {{rest: true, stack: example/teamcat/rest}}
"""


@pytest.mark.parametrize(("slice_name", "checked"), [("core", 3), ("rest", 0)])
def test_a_sliced_stack_checks_only_its_own_slice(
    fakes: Fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slice_name: str, checked: int
) -> None:
    (tmp_path / "stacks").mkdir()
    stack_file = tmp_path / "stacks" / f"Pulumi.{slice_name}.yaml"
    stack_file.write_text(SLICED_STACK.format(account=HARNESS_ACCOUNT, slice=slice_name))
    monkeypatch.chdir(tmp_path)
    (pagerduty, _), (harness, _) = fakes
    pause = next(a for a in expected_actions(stack=slice_name) if a.mode == "automatic")
    pagerduty.subscriptions[1]["description"] = pause.description  # the marker names the stack

    result = CliRunner().invoke(
        app, ["doctor", str(TWO_ACTIONS), "--stack", slice_name], env=_environment(fakes)
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.count(" ok ") == checked
    assert bool(harness.requests) == bool(pagerduty.requests) == bool(checked)


def test_help_names_the_credential_variables() -> None:
    result = CliRunner().invoke(app, ["doctor", "--help"])

    for variable in (
        "PAGERDUTY_TOKEN",
        "HARNESS_PLATFORM_API_KEY",
        "HARNESS_ACCOUNT_ID",
        "TEAMCAT_ALERT_ROUTING_KEY",
    ):
        assert variable in result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        (doctor_cli.ENV_PAGERDUTY_URL, "http://[::1", "it does not parse as a URL"),
        (doctor_cli.ENV_HARNESS_URL, "127.0.0.1:9", "it needs to start with http:// or https://"),
        (doctor_cli.ENV_EVENTS_URL, "ftp://127.0.0.1/", "it needs to start with http://"),
        (doctor_cli.ENV_PAGERDUTY_URL, "http://127.0.0.1:99999", "it does not parse as a URL"),
        (doctor_cli.ENV_HARNESS_URL, "http:///gateway", "it names no host"),
        (doctor_cli.ENV_PAGERDUTY_URL, "http://127.0.0.1:9/?x=1", "takes no query"),
    ],
)
def test_a_malformed_base_url_is_a_usage_error_naming_its_variable(
    fakes: Fakes, variable: str, value: str, problem: str
) -> None:
    result = _doctor(_environment(fakes, **{variable: value}))

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"teamcat: error: {variable} is not a usable base URL: ")
    assert problem in result.stderr
    (pagerduty, _), (harness, _) = fakes
    assert pagerduty.requests == [] and harness.requests == []


def _words(text: str) -> str:
    """Text with wrapped lines and column padding reduced to single spaces."""
    return " ".join(text.split())


def test_an_answer_of_another_shape_is_a_broken_row_not_a_crash(fakes: Fakes) -> None:
    (pagerduty, _), (harness, _) = fakes
    pagerduty.listing = fixed(200, {"webhook_subscriptions": ["a", 1, None], "more": False})
    harness.listing = fixed(200, [1, 2, 3])

    result = _doctor(_environment(fakes))

    assert result.exit_code == 1, result.output
    assert "PagerDuty answered an unexpected shape for /webhook_subscriptions" in _words(
        result.stdout
    )
    assert "Harness answered an unexpected shape for /pipeline/api/triggers" in _words(
        result.stdout
    )
    assert "Traceback" not in result.output


FOREIGN_TOKEN = "pat.OTHERacct12345.OTHERtok12345.OTHERsecret987"  # one doctor does not hold


def test_vendor_text_echoing_credentials_is_masked_and_stripped_of_escapes(fakes: Fakes) -> None:
    (pagerduty, _), (harness, _) = fakes
    pagerduty.listing = pagerduty_echo
    harness.listing = harness_echo

    result = _doctor(_environment(fakes, TEAMCAT_ALERT_ROUTING_KEY=ROUTING_KEY), "--alert")

    assert result.exit_code == 1, result.output
    [sent] = pagerduty.events
    printed = result.stdout + result.stderr + str(sent["payload"])
    for secret in (PAGERDUTY_TOKEN, HARNESS_KEY, ROUTING_KEY):
        assert secret not in printed
    assert "\x1b" not in printed
    assert "Invalid token: Token token=<credential> red" in _words(result.stdout)
    assert "Token <credential> is invalid" in _words(result.stdout)


def test_a_vendor_text_echo_is_masked_in_the_failed_deliveries_too(fakes: Fakes) -> None:
    _, (harness, _) = fakes
    for action in expected_actions():
        failed = event(action.trigger_id, now_ms() - 1000, "INVALID_AUTH")
        reason = f"bad key {HARNESS_KEY} or {FOREIGN_TOKEN}"
        harness.history[action.trigger_id] = [failed | {"message": reason}]

    result = _doctor(_environment(fakes))

    assert result.exit_code == 1, result.output
    assert HARNESS_KEY not in result.stdout and FOREIGN_TOKEN not in result.stdout
    assert "(latest: INVALID_AUTH: bad key <credential> or <credential>)" in _words(result.stdout)


def test_plain_output_fits_100_columns(fakes: Fakes) -> None:
    (pagerduty, _), (harness, _) = fakes
    pagerduty.subscriptions[1]["description"] = "renamed by hand"
    for action in expected_actions():
        reason = "Failed while requesting pipeline execution because " + "the input set " * 8
        failed = event(action.trigger_id, now_ms() - 1000, "FAILED_TO_REQUEST_EXECUTION")
        harness.history[action.trigger_id] = [failed | {"message": reason}]

    result = _doctor(_environment(fakes))

    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert len(lines) > 5  # the long details were wrapped, not cut
    assert "no subscription described `teamcat/dev: pause api" in _words(result.stdout)
