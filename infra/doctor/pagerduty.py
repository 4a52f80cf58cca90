"""The PagerDuty REST API calls doctor makes: list v3 webhook subscriptions, send a test ping.

PagerDuty's rate limits: a 429 carries `ratelimit-reset` (seconds until the window resets),
which is waited out before retrying; without it, exponential back-off. When a successful
answer says no requests remain in the window, the next call waits for the reset first.
Lists are paged with `offset`/`limit` until `more` is false, for at most MAX_PAGES pages and
only while the answered `offset` is the one asked for. Every answer is read into typed values;
one of another shape is a VendorError, as is a subscription id that is not alphanumeric, since
it goes into a request path.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from infra.doctor.redact import vendor_text
from infra.doctor.transport import (
    Retry,
    Sleep,
    Transport,
    VendorError,
    json_body,
    seconds_header,
)
from infra.doctor.vendor_json import (
    Unexpected,
    as_count,
    as_flag,
    as_object,
    as_objects,
    as_text,
    unexpected_shape,
)

PAGE_LIMIT = 100  # the largest page the REST API serves
MAX_PAGES = 50  # 5,000 subscriptions; a listing that never ends is a vendor fault
VENDOR = "PagerDuty"
LISTING = "/webhook_subscriptions"
_ID = re.compile(r"[A-Za-z0-9]{1,64}")


def pagerduty_wait(response: httpx.Response, attempt: int, retry: Retry) -> float | None:
    """How long to wait before retrying `response`, or None when it is final."""
    if response.status_code == 429:
        reset = seconds_header(response, "ratelimit-reset")
        if reset is None:
            reset = seconds_header(response, "retry-after")
        return reset if reset is not None else retry.backoff(attempt)
    if response.status_code >= 500:
        return retry.backoff(attempt)
    return None


@dataclass(frozen=True)
class Subscription:
    """What doctor reads of a v3 webhook subscription."""

    id: str
    description: str | None
    active: bool
    temporarily_disabled: bool


@dataclass(frozen=True)
class _Page:
    subscriptions: list[Subscription]
    offset: int | None
    more: bool


class PagerDutyClient:
    """PagerDuty's REST API with an API key (`Authorization: Token token=...`)."""

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        timeout: float = 10.0,
        retry: Retry | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._transport = Transport(
            VENDOR,
            base_url,
            {
                "Authorization": f"Token token={token}",
                "Accept": "application/vnd.pagerduty+json;version=2",
                "Content-Type": "application/json",
            },
            wait_rule=pagerduty_wait,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
        )

    @property
    def timeout(self) -> float:
        """Seconds each call waits for an answer."""
        return self._transport.timeout

    def webhook_subscriptions(self) -> list[Subscription]:
        """Every v3 webhook subscription of the account, across all pages."""
        return [s for page in self._pages() for s in page]

    def ping(self, subscription_id: str) -> None:
        """Ask PagerDuty to send a test event through the subscription; raise if refused."""
        if not _ID.fullmatch(subscription_id):
            raise VendorError(
                "PagerDuty listed the webhook subscription with an id that is not alphanumeric; "
                "not pinging it"
            )
        what = f"test ping of webhook subscription {subscription_id}"
        path = f"{LISTING}/{quote(subscription_id, safe='')}/ping"
        response = self._call("POST", path, what)
        _expect_success(response, what)

    def close(self) -> None:
        """Close the connection pool."""
        self._transport.close()

    def _pages(self) -> Iterator[list[Subscription]]:
        offset = 0
        for _ in range(MAX_PAGES):
            what = f"listing webhook subscriptions (offset {offset})"
            params = {"limit": PAGE_LIMIT, "offset": offset}
            response = self._call("GET", LISTING, what, params=params)
            _expect_success(response, what)
            page = _page(json_body(response, what, VENDOR), response.status_code)
            if page.offset is not None and page.offset != offset:
                raise VendorError(
                    f"PagerDuty answered offset {page.offset} when asked for {offset}"
                )
            yield page.subscriptions
            if not page.more or not page.subscriptions:
                return
            offset += len(page.subscriptions)
        raise VendorError(f"PagerDuty kept paginating past {MAX_PAGES} pages")

    def _call(
        self, method: str, path: str, what: str, params: dict[str, Any] | None = None
    ) -> httpx.Response:
        response = self._transport.request(method, path, what=what, params=params)
        if response.is_success and response.headers.get("ratelimit-remaining") == "0":
            reset = seconds_header(response, "ratelimit-reset")
            if reset:
                self._transport.pause(reset)
        return response


def _expect_success(response: httpx.Response, what: str) -> None:
    if response.is_success:
        return
    raise VendorError(
        f"{what}: HTTP {response.status_code}{_reason(response)}", response.status_code
    )


def _reason(response: httpx.Response) -> str:
    """PagerDuty's error message, when the body has one (`{"error": {"message": ...}}`)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    return f" ({vendor_text(message)})" if isinstance(message, str) and message else ""


def _page(body: Any, status: int) -> _Page:
    """One page of `GET /webhook_subscriptions`."""
    try:
        listing = as_object(body)
        return _Page(
            [_subscription(item) for item in as_objects(listing.get("webhook_subscriptions"))],
            as_count(listing.get("offset")),
            as_flag(listing.get("more"), default=False),
        )
    except Unexpected:
        raise unexpected_shape(VENDOR, LISTING, status) from None


def _subscription(item: dict[str, Any]) -> Subscription:
    identifier = item.get("id")
    if not isinstance(identifier, str):
        raise Unexpected
    method = as_object(item.get("delivery_method") or {})
    return Subscription(
        id=identifier,
        description=as_text(item.get("description")),
        active=as_flag(item.get("active"), default=False),
        temporarily_disabled=as_flag(method.get("temporarily_disabled"), default=False),
    )
