"""The Harness client against a fake Harness on 127.0.0.1: pages, errors, back-off without hints."""

from __future__ import annotations

import pytest

from infra.doctor.harness import PAGE_SIZE, HarnessClient
from infra.doctor.transport import Retry, VendorError
from tests.doctor.conftest import Sleeps, now_ms
from tests.doctor.fakes import HARNESS_ACCOUNT, HARNESS_KEY, FakeHarness, event, trigger

Fake = tuple[FakeHarness, str]
PIPELINE = ("eng", "core", "rollback_api")


def _client(url: str, sleeps: Sleeps | None = None, **kwargs: object) -> HarnessClient:
    return HarnessClient(
        url, HARNESS_KEY, HARNESS_ACCOUNT, sleep=Sleeps() if sleeps is None else sleeps, **kwargs
    )  # type: ignore[arg-type]


def test_triggers_are_read_across_pages(harness: Fake) -> None:
    fake, url = harness
    fake.pipelines[PIPELINE] = [trigger(f"t{n}") for n in range(PAGE_SIZE + 5)]

    client = _client(url)
    found = client.triggers(*PIPELINE)
    client.close()

    assert len(found) == PAGE_SIZE + 5
    assert [r.query["page"] for r in fake.requests] == ["0", "1"]
    first = fake.requests[0]
    assert first.headers["x-api-key"] == HARNESS_KEY
    assert (first.query["accountIdentifier"], first.query["targetIdentifier"]) == (
        HARNESS_ACCOUNT,
        "rollback_api",
    )


def test_event_history_stops_at_the_window(harness: Fake) -> None:
    fake, url = harness
    now = now_ms()
    recent = [event("t", now - n * 60_000) for n in range(PAGE_SIZE)]
    old = [event("t", now - 30 * 86_400_000 - n) for n in range(PAGE_SIZE * 3)]
    fake.history["t"] = recent + old

    client = _client(url)
    events = client.trigger_events(*PIPELINE, "t", since_ms=now - 86_400_000)
    client.close()

    assert [e.created_ms for e in events] == [e["createdAt"] for e in recent]
    assert [r.query["page"] for r in fake.requests] == ["0", "1"]  # page 2 is all old: stop


def test_a_429_without_retry_hints_backs_off_then_succeeds(harness: Fake) -> None:
    fake, url = harness
    fake.pipelines[PIPELINE] = [trigger("t")]
    too_many = (429, {}, {"status": "ERROR", "code": "TOO_MANY_REQUESTS", "message": "slow down"})
    fake.throttle = [too_many, too_many]
    sleeps = Sleeps()

    client = _client(url, sleeps, retry=Retry(base_delay=1))
    found = client.triggers(*PIPELINE)
    client.close()

    assert list(found) == ["t"]
    assert sleeps == [1.0, 2.0]


def test_retry_after_is_honoured_when_harness_sends_it(harness: Fake) -> None:
    fake, url = harness
    fake.pipelines[PIPELINE] = [trigger("t")]
    fake.throttle = [(503, {"Retry-After": "4"}, None)]
    sleeps = Sleeps()

    client = _client(url, sleeps)
    client.triggers(*PIPELINE)
    client.close()

    assert sleeps == [4.0]


def test_an_error_without_retry_hints_is_final_and_keeps_harness_words(harness: Fake) -> None:
    fake, url = harness
    sleeps = Sleeps()

    client = _client(url, sleeps)
    with pytest.raises(VendorError) as caught:
        client.triggers("eng", "core", "no_such_pipeline")
    client.close()

    assert "HTTP 404 ENTITY_NOT_FOUND: Pipeline [no_such_pipeline] does not exist" in str(
        caught.value
    )
    assert sleeps == []
    assert len(fake.requests) == 1


def test_a_wrong_key_is_reported_without_the_key(harness: Fake) -> None:
    _, url = harness

    client = HarnessClient(url, "wrong-key-value", HARNESS_ACCOUNT, sleep=Sleeps())
    with pytest.raises(VendorError, match="INVALID_TOKEN") as caught:
        client.triggers(*PIPELINE)
    client.close()

    assert "wrong-key-value" not in str(caught.value)
