"""The PagerDuty REST client against a fake PagerDuty on 127.0.0.1: pages, rate limits, errors."""

from __future__ import annotations

import pytest

from infra.doctor.pagerduty import MAX_PAGES, PagerDutyClient
from infra.doctor.transport import Retry, VendorError, VendorTimeout
from tests.doctor.conftest import Sleeps
from tests.doctor.fakes import (
    PAGERDUTY_TOKEN,
    FakePagerDuty,
    endless_pages,
    fixed,
    stuck_offset,
    subscription,
)

Fake = tuple[FakePagerDuty, str]


def _client(url: str, sleeps: Sleeps | None = None, **kwargs: object) -> PagerDutyClient:
    return PagerDutyClient(
        url, PAGERDUTY_TOKEN, sleep=Sleeps() if sleeps is None else sleeps, **kwargs
    )  # type: ignore[arg-type]


def test_150_subscriptions_are_read_over_two_pages(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.subscriptions = [subscription(n, f"other {n}") for n in range(150)]

    client = _client(url)
    listed = client.webhook_subscriptions()
    client.close()

    assert [s.id for s in listed] == [f"PSUB{n:04d}" for n in range(150)]
    pages = [(r.query["offset"], r.query["limit"]) for r in fake.requests]
    assert pages == [("0", "100"), ("100", "100")]
    assert url.startswith("http://127.0.0.1:")


def test_requests_carry_the_api_key_and_the_v2_media_type(pagerduty: Fake) -> None:
    fake, url = pagerduty

    client = _client(url)
    client.webhook_subscriptions()
    client.close()

    headers = fake.requests[0].headers
    assert headers["authorization"] == f"Token token={PAGERDUTY_TOKEN}"
    assert headers["accept"] == "application/vnd.pagerduty+json;version=2"


def test_a_429_waits_for_the_reset_header_then_succeeds(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.subscriptions = [subscription(1, "one")]
    fake.throttle = [fake.rate_limited(reset=7)]
    sleeps = Sleeps()

    client = _client(url, sleeps)
    listed = client.webhook_subscriptions()
    client.close()

    assert [s.id for s in listed] == ["PSUB0001"]
    assert sleeps == [7.0]
    assert len(fake.requests) == 2


def test_a_429_without_headers_backs_off_exponentially(pagerduty: Fake) -> None:
    fake, url = pagerduty
    throttled = (429, {}, {"error": {"message": "Rate Limit Exceeded", "code": 2020}})
    fake.throttle = [throttled, throttled]
    sleeps = Sleeps()

    client = _client(url, sleeps, retry=Retry(attempts=4, base_delay=0.5))
    client.webhook_subscriptions()
    client.close()

    assert sleeps == [0.5, 1.0]


def test_a_reset_longer_than_the_cap_fails_instead_of_hanging(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.throttle = [fake.rate_limited(reset=3600)]
    sleeps = Sleeps()

    client = _client(url, sleeps)
    with pytest.raises(VendorError, match="asks to wait 3600s"):
        client.webhook_subscriptions()
    client.close()

    assert sleeps == []


def test_an_exhausted_window_pauses_before_the_next_call(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.subscriptions = [subscription(n, "x") for n in range(120)]
    fake.remaining = 0
    sleeps = Sleeps()

    client = _client(url, sleeps)
    client.webhook_subscriptions()
    client.close()

    assert sleeps == [30.0, 30.0]  # after each page whose answer said 0 requests remain


def test_server_errors_are_retried_then_reported(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.throttle = [(503, {}, None)] * 3
    sleeps = Sleeps()

    client = _client(url, sleeps, retry=Retry(attempts=3, base_delay=1))
    with pytest.raises(VendorError, match="HTTP 503 from PagerDuty after 3 attempts"):
        client.webhook_subscriptions()
    client.close()

    assert sleeps == [1.0, 2.0]


def test_a_wrong_key_is_an_error_with_pagerdutys_message(pagerduty: Fake) -> None:
    _, url = pagerduty

    client = PagerDutyClient(url, "not-the-key", sleep=Sleeps())
    with pytest.raises(VendorError, match=r"HTTP 401 \(Unauthorized\)") as caught:
        client.webhook_subscriptions()
    client.close()

    assert caught.value.status == 401
    assert "not-the-key" not in str(caught.value)


def test_ping_refused_with_a_4xx_is_final(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.subscriptions = [subscription(1, "one")]
    fake.pings["PSUB0001"] = (400, {"error": {"message": "Invalid Input Provided", "code": 2001}})
    sleeps = Sleeps()

    client = _client(url, sleeps)
    with pytest.raises(VendorError, match=r"HTTP 400 \(Invalid Input Provided\)"):
        client.ping("PSUB0001")
    client.close()

    assert sleeps == []
    assert [r.path for r in fake.requests] == ["/webhook_subscriptions/PSUB0001/ping"]


def test_ping_that_never_answers_times_out_cleanly(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.subscriptions = [subscription(1, "one")]
    fake.pings["PSUB0001"] = "hang"

    client = _client(url, timeout=0.2)
    with pytest.raises(VendorTimeout, match=r"no answer from PagerDuty within 0\.2s"):
        client.ping("PSUB0001")
    client.close()


def test_a_listing_that_never_ends_stops_at_the_page_cap(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.listing = endless_pages

    client = _client(url)
    with pytest.raises(VendorError, match=f"PagerDuty kept paginating past {MAX_PAGES} pages"):
        client.webhook_subscriptions()
    client.close()

    assert len(fake.requests) == MAX_PAGES


def test_a_listing_whose_offset_does_not_advance_stops_at_once(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.listing = stuck_offset

    client = _client(url)
    with pytest.raises(VendorError, match="PagerDuty answered offset 0 when asked for 1"):
        client.webhook_subscriptions()
    client.close()

    assert [r.query["offset"] for r in fake.requests] == ["0", "1"]


@pytest.mark.parametrize(
    "body",
    [
        {"webhook_subscriptions": ["a", 1, None], "more": False},
        {"webhook_subscriptions": "notalist", "more": "yes"},
        {"webhook_subscriptions": [{"id": "PSUB1", "delivery_method": "http"}], "more": False},
        {"webhook_subscriptions": [{"id": 7, "active": True}], "more": False},
        ["webhook_subscriptions"],
    ],
)
def test_an_answer_of_another_shape_is_an_error_not_a_crash(pagerduty: Fake, body: object) -> None:
    fake, url = pagerduty
    fake.listing = fixed(200, body)

    client = _client(url)
    with pytest.raises(VendorError) as caught:
        client.webhook_subscriptions()
    client.close()

    assert str(caught.value) == "PagerDuty answered an unexpected shape for /webhook_subscriptions"


@pytest.mark.parametrize("reset", ["inf", "1e300"])
def test_an_endless_reset_fails_with_a_bounded_wait_in_words(pagerduty: Fake, reset: str) -> None:
    fake, url = pagerduty
    fake.throttle = [(429, {"ratelimit-reset": reset}, None)]
    sleeps = Sleeps()

    client = _client(url, sleeps)
    with pytest.raises(VendorError) as caught:
        client.webhook_subscriptions()
    client.close()

    assert "PagerDuty asks to wait a day or more, more than 60s" in str(caught.value)
    assert sleeps == []


def test_a_reset_that_is_not_a_number_backs_off_instead(pagerduty: Fake) -> None:
    fake, url = pagerduty
    fake.throttle = [(429, {"ratelimit-reset": "nan"}, None)]
    sleeps = Sleeps()

    client = _client(url, sleeps, retry=Retry(base_delay=0.5))
    client.webhook_subscriptions()
    client.close()

    assert sleeps == [0.5]


@pytest.mark.parametrize("bad_id", ["../../../evil", "PSUB 1", "PSUB1/ping?x", ""])
def test_an_id_that_is_not_alphanumeric_is_never_put_in_a_path(
    pagerduty: Fake, bad_id: str
) -> None:
    fake, url = pagerduty

    client = _client(url)
    with pytest.raises(VendorError, match="not alphanumeric"):
        client.ping(bad_id)
    client.close()

    assert fake.requests == []
