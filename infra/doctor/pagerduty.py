"""The PagerDuty REST API calls doctor makes: list v3 webhook subscriptions, send a test ping.

PagerDuty's rate limits: a 429 carries `ratelimit-reset` (seconds until the window resets),
which is waited out before retrying; without it, exponential back-off. When a successful
answer says no requests remain in the window, the next call waits for the reset first.
Lists are paged with `offset`/`limit` until `more` is false.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx

from infra.doctor.transport import (
    Retry,
    Sleep,
    Transport,
    VendorError,
    json_body,
    seconds_header,
)

PAGE_LIMIT = 100  # the largest page the REST API serves
VENDOR = "PagerDuty"


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

    def webhook_subscriptions(self) -> list[dict[str, Any]]:
        """Every v3 webhook subscription of the account, across all pages."""
        return [s for page in self._pages() for s in page]

    def ping(self, subscription_id: str) -> None:
        """Ask PagerDuty to send a test event through the subscription; raise if refused."""
        what = f"test ping of webhook subscription {subscription_id}"
        response = self._call("POST", f"/webhook_subscriptions/{subscription_id}/ping", what)
        _expect_success(response, what)

    def close(self) -> None:
        """Close the connection pool."""
        self._transport.close()

    def _pages(self) -> Iterator[list[dict[str, Any]]]:
        offset = 0
        while True:
            what = f"listing webhook subscriptions (offset {offset})"
            response = self._call(
                "GET",
                "/webhook_subscriptions",
                what,
                params={"limit": PAGE_LIMIT, "offset": offset},
            )
            _expect_success(response, what)
            body = json_body(response, what, VENDOR)
            if not isinstance(body, dict):
                raise VendorError(f"{what}: PagerDuty answered JSON without a listing")
            page = list(body.get("webhook_subscriptions") or [])
            yield page
            if not body.get("more") or not page:
                return
            offset += len(page)

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
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        return ""
    message = error.get("message") if isinstance(error, dict) else None
    return f" ({message})" if isinstance(message, str) and message else ""
