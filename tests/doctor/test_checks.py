"""Every scenario the doctor must judge, against fake PagerDuty and Harness APIs on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from infra.doctor.checks import TRIGGER, WEBHOOK, Check, check_subscriptions, check_triggers
from infra.doctor.harness import HarnessClient
from infra.doctor.pagerduty import PagerDutyClient
from infra.doctor.transport import Retry
from infra.program.wiring import ActionWiring
from tests.doctor.conftest import Sleeps, expected_actions, now_ms
from tests.doctor.fakes import (
    HARNESS_ACCOUNT,
    HARNESS_KEY,
    PAGERDUTY_TOKEN,
    FakeHarness,
    FakePagerDuty,
    endless_pages,
    event,
    fixed,
    subscription,
    trigger,
)

ACTIONS = expected_actions()
PAUSE = next(a for a in ACTIONS if a.action == "pause")
ROLLBACK = next(a for a in ACTIONS if a.action == "rollback")
PAUSE_SUB = "PSUB0140"  # on the second page of 150
PING = f"test ping of webhook subscription {PAUSE_SUB}"


def _healthy(pagerduty: FakePagerDuty, harness: FakeHarness) -> None:
    """An account where both callbacks of the catalog work, among 149 unrelated subscriptions."""
    pagerduty.subscriptions = [
        subscription(n, PAUSE.description if n == 140 else f"someone else's webhook {n}")
        for n in range(150)
    ]
    for action in ACTIONS:
        harness.pipelines[(action.org, action.project, action.pipeline)] = [
            trigger("a_trigger_by_hand"),
            trigger(action.trigger_id),
        ]
        harness.history[action.trigger_id] = [event(action.trigger_id, now_ms() - 3_600_000)]


def _run(pd_url: str, harness_url: str, actions: list[ActionWiring] = ACTIONS) -> list[Check]:
    quick = Retry(attempts=2, base_delay=0)
    pagerduty = PagerDutyClient(pd_url, PAGERDUTY_TOKEN, timeout=0.3, retry=quick, sleep=Sleeps())
    harness = HarnessClient(harness_url, HARNESS_KEY, HARNESS_ACCOUNT, retry=quick, sleep=Sleeps())
    try:
        since = now_ms() - 7 * 86_400_000
        return check_subscriptions(pagerduty, actions) + check_triggers(
            harness, actions, since, "7 day(s)"
        )
    finally:
        pagerduty.close()
        harness.close()


def _by_kind(checks: list[Check]) -> dict[str, Check]:
    return {c.kind: c for c in checks if c.target == "api pause"} | {
        "rollback": next(c for c in checks if c.target == "api rollback")
    }


def test_the_expected_actions_come_from_the_catalog() -> None:
    assert (PAUSE.mode, PAUSE.trigger_id, PAUSE.pipeline) == (
        "automatic",
        "pagerduty_pause_api",
        "pause_api",
    )
    assert (ROLLBACK.mode, ROLLBACK.trigger_id) == ("button", "pagerduty_rollback_api")
    assert PAUSE.description == "teamcat/dev: pause api through Harness pipeline pause_api"


def test_healthy_callbacks_pass_every_check(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])

    checks = _run(pagerduty[1], harness[1])

    assert [(c.kind, c.target, c.broken) for c in checks] == [
        (WEBHOOK, "api pause", False),
        (TRIGGER, "api rollback", False),
        (TRIGGER, "api pause", False),
    ]
    assert checks[0].detail == "active; test ping accepted"
    assert checks[1].detail == "1 deliveries in the last 7 day(s), none failed"
    pings = [r.path for r in pagerduty[0].requests if r.method == "POST"]
    assert pings == [f"/webhook_subscriptions/{PAUSE_SUB}/ping"]


Scenario = Callable[[FakePagerDuty, FakeHarness], None]


def _disabled(pd: FakePagerDuty, _: FakeHarness) -> None:
    pd.subscriptions[140] = subscription(140, PAUSE.description, active=False)


def _temporarily_disabled(pd: FakePagerDuty, _: FakeHarness) -> None:
    pd.subscriptions[140] = subscription(140, PAUSE.description, temporarily_disabled=True)


def _ping_4xx(pd: FakePagerDuty, _: FakeHarness) -> None:
    pd.pings[PAUSE_SUB] = (404, {"error": {"message": "Not Found", "code": 2100}})


def _ping_5xx(pd: FakePagerDuty, _: FakeHarness) -> None:
    pd.pings[PAUSE_SUB] = (502, {"error": {"message": "Bad Gateway"}})


def _ping_timeout(pd: FakePagerDuty, _: FakeHarness) -> None:
    pd.pings[PAUSE_SUB] = "hang"


def _subscription_gone(pd: FakePagerDuty, _: FakeHarness) -> None:
    del pd.subscriptions[140]


@pytest.mark.parametrize(
    ("scenario", "detail"),
    [
        (_disabled, "disabled: the subscription is not active"),
        (_temporarily_disabled, "temporarily disabled by PagerDuty after repeated failures"),
        (_ping_4xx, f"{PING}: HTTP 404 (Not Found)"),
        (_ping_5xx, f"{PING}: HTTP 502 from PagerDuty after 2 attempts"),
        (_ping_timeout, f"{PING}: no answer from PagerDuty within 0.3s"),
        (_subscription_gone, f"no subscription described `{PAUSE.description}`"),
    ],
    ids=["disabled", "temporarily-disabled", "ping-4xx", "ping-5xx", "ping-timeout", "missing"],
)
def test_a_broken_subscription_is_reported_with_its_reason(
    pagerduty: tuple[FakePagerDuty, str],
    harness: tuple[FakeHarness, str],
    scenario: Scenario,
    detail: str,
) -> None:
    _healthy(pagerduty[0], harness[0])
    scenario(pagerduty[0], harness[0])

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks[WEBHOOK].broken
    assert checks[WEBHOOK].detail == detail
    assert not checks[TRIGGER].broken and not checks["rollback"].broken


def test_a_disabled_subscription_is_not_pinged(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    _disabled(pagerduty[0], harness[0])

    _run(pagerduty[1], harness[1])

    assert not [r for r in pagerduty[0].requests if r.method == "POST"]


def test_a_429_with_a_reset_header_then_success_still_passes(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    pagerduty[0].throttle = [pagerduty[0].rate_limited(reset=0)]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert not checks[WEBHOOK].broken
    assert [r.query.get("offset") for r in pagerduty[0].requests if r.method == "GET"] == [
        "0",
        "0",
        "100",
    ]


def test_a_missing_harness_trigger_is_reported(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    harness[0].pipelines[("eng", "core", "rollback_api")] = [trigger("a_trigger_by_hand")]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks["rollback"].broken
    assert checks["rollback"].detail == (
        "trigger pagerduty_rollback_api not found on eng/core/rollback_api"
    )
    assert not checks[TRIGGER].broken


def test_a_disabled_harness_trigger_is_reported(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    harness[0].pipelines[("eng", "core", "pause_api")] = [
        trigger("pagerduty_pause_api", enabled=False)
    ]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks[TRIGGER].detail == "trigger pagerduty_pause_api is disabled"


def test_failed_trigger_deliveries_are_reported_with_the_latest_reason(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    now = now_ms()
    harness[0].history["pagerduty_rollback_api"] = [
        event("pagerduty_rollback_api", now - 60_000, "INVALID_RUNTIME_INPUT_YAML"),
        event("pagerduty_rollback_api", now - 120_000),
        event("pagerduty_rollback_api", now - 180_000, "TRIGGER_AUTHENTICATION_FAILED"),
    ]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks["rollback"].broken
    assert checks["rollback"].detail == (
        "2 of 3 deliveries in the last 7 day(s) failed (latest: INVALID_RUNTIME_INPUT_YAML: "
        "Failed while requesting pipeline execution)"
    )


def test_failures_older_than_the_window_do_not_count(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    harness[0].history["pagerduty_rollback_api"] = [
        event("pagerduty_rollback_api", now_ms() - 8 * 86_400_000, "INVALID_RUNTIME_INPUT_YAML")
    ]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert not checks["rollback"].broken
    assert checks["rollback"].detail == "0 deliveries in the last 7 day(s), none failed"


def test_an_unreachable_listing_breaks_every_check_it_prevented(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    del harness[0].pipelines[("eng", "core", "pause_api")]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks[TRIGGER].broken
    assert "ENTITY_NOT_FOUND: Pipeline [pause_api] does not exist" in checks[TRIGGER].detail
    assert not checks["rollback"].broken


def test_a_subscription_id_that_is_not_alphanumeric_is_a_broken_row_and_never_pinged(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    pagerduty[0].subscriptions[140]["id"] = "../../../evil"

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks[WEBHOOK].broken
    assert "id that is not alphanumeric" in checks[WEBHOOK].detail
    assert not [r for r in pagerduty[0].requests if r.method == "POST"]


def test_an_endless_subscription_listing_is_a_broken_row(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    pagerduty[0].listing = endless_pages

    checks = _run(pagerduty[1], harness[1])

    assert checks[0] == Check(
        WEBHOOK, "webhook subscriptions", True, "PagerDuty kept paginating past 50 pages"
    )


@pytest.mark.parametrize(
    "body",
    [
        [1, 2, 3],
        {"status": "SUCCESS", "data": {"content": "abc", "last": True}},
        {"status": "SUCCESS", "data": {"content": [1, "x", None], "last": True}},
        {"status": "SUCCESS", "data": {"content": [{"identifier": 5}], "last": True}},
        {"status": "SUCCESS", "data": ["content"]},
    ],
    ids=["json-list", "content-str", "content-scalars", "identifier-int", "data-list"],
)
def test_a_trigger_list_of_another_shape_breaks_its_rows_plainly(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str], body: object
) -> None:
    _healthy(pagerduty[0], harness[0])
    harness[0].listing = fixed(200, body)

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    for check in (checks[TRIGGER], checks["rollback"]):
        assert check.broken
        assert check.detail == "Harness answered an unexpected shape for /pipeline/api/triggers"


def test_event_history_of_odd_values_still_gives_a_verdict(
    pagerduty: tuple[FakePagerDuty, str], harness: tuple[FakeHarness, str]
) -> None:
    _healthy(pagerduty[0], harness[0])
    harness[0].history[ROLLBACK.trigger_id] = [
        {"createdAt": now_ms(), "finalStatus": None, "message": {"a": 1}},
        {"createdAt": "soon", "finalStatus": "X"},
        {"createdAt": float("inf"), "finalStatus": "X"},
    ]

    checks = _by_kind(_run(pagerduty[1], harness[1]))

    assert checks["rollback"].detail == (
        "1 of 1 deliveries in the last 7 day(s) failed (latest: no status)"
    )
