"""Fixtures for doctor: fake vendor APIs on 127.0.0.1, and an environment reaching nothing else."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.catalog.loader import load_catalog
from infra.cli import doctor as doctor_cli
from infra.core.state import resolve
from infra.program.wiring import ActionWiring, action_wirings
from tests.doctor.fakes import FakeHarness, FakePagerDuty, serve

HERE = Path(__file__).resolve().parent
TWO_ACTIONS = HERE / "data" / "two-actions.yaml"
# A loopback port nothing listens on: a client that was not pointed at a fake fails fast here.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test can fall back to a real vendor host, and no real credential leaks in."""
    for variable in (
        doctor_cli.ENV_PAGERDUTY_URL,
        doctor_cli.ENV_EVENTS_URL,
        doctor_cli.ENV_HARNESS_URL,
    ):
        monkeypatch.setenv(variable, NOWHERE)
    for variable in (
        doctor_cli.ENV_PAGERDUTY_TOKEN,
        doctor_cli.ENV_HARNESS_KEY,
        doctor_cli.ENV_HARNESS_ACCOUNT,
        doctor_cli.ENV_ALERT_KEY,
    ):
        monkeypatch.delenv(variable, raising=False)


@pytest.fixture
def pagerduty() -> Iterator[tuple[FakePagerDuty, str]]:
    fake = FakePagerDuty()
    with serve(fake.route) as url:
        yield fake, url
        fake.release.set()  # let a held ping answer so the server can shut down


@pytest.fixture
def harness() -> Iterator[tuple[FakeHarness, str]]:
    fake = FakeHarness()
    with serve(fake.route) as url:
        yield fake, url


def expected_actions(catalog: Path = TWO_ACTIONS, stack: str = "dev") -> list[ActionWiring]:
    """The incident actions doctor expects for a catalog, as the program wires them."""
    loaded = load_catalog(catalog)
    assert loaded.catalog is not None, loaded.findings
    return action_wirings(resolve(loaded.catalog, "eng"), stack)


def now_ms() -> int:
    return int(time.time() * 1000)


class Sleeps(list[float]):
    """A stand-in for time.sleep that records each wait instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)
