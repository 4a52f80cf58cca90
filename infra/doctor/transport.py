"""One vendor API over httpx, with the waiting rules vendors ask for.

Each client gives a `WaitRule` that reads a response and answers how long to wait before trying
again (a rate limit, a server error) or None when the response is final. Timeouts and
connection failures end the call with a `VendorError` at once: a check that cannot reach a
vendor is reported, not retried into a hang. Messages name the call, never a header; the vendor
text a client adds goes through `redact.vendor_text`, and the CLI masks credentials in all it
prints or logs.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

LOGGER = logging.getLogger("teamcat.doctor")

Sleep = Callable[[float], None]
# The longest wait a header can ask for; anything longer (or infinite) reads as this.
LONGEST_HINT = 86_400.0


class VendorError(Exception):
    """A vendor API call failed; the message names the call and why."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class VendorTimeout(VendorError):
    """The vendor did not answer within the timeout."""


@dataclass(frozen=True)
class Retry:
    """How often to try, and the exponential back-off used when a vendor gives no hint."""

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 60.0

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (from 0)."""
        return float(min(self.max_delay, self.base_delay * 2**attempt))


WaitRule = Callable[[httpx.Response, int, Retry], float | None]


class Transport:
    """An httpx client bound to one vendor's base URL, headers and waiting rule."""

    def __init__(
        self,
        vendor: str,
        base_url: str,
        headers: Mapping[str, str],
        *,
        wait_rule: WaitRule,
        timeout: float = 10.0,
        retry: Retry | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.vendor = vendor
        self.timeout = timeout
        self._wait_rule = wait_rule
        self._retry = retry or Retry()
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url, headers=dict(headers), timeout=timeout, follow_redirects=False
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
    ) -> httpx.Response:
        """Send one request, waiting and retrying as the vendor's rule says."""
        response: httpx.Response | None = None
        for attempt in range(self._retry.attempts):
            response = self._send(method, path, what, params, json)
            wait = self._wait_rule(response, attempt, self._retry)
            if wait is None:
                return response
            if attempt + 1 == self._retry.attempts:
                break
            if wait > self._retry.max_delay:
                raise VendorError(
                    f"{what}: {self.vendor} asks to wait {_duration(wait)}, more than "
                    f"{self._retry.max_delay:.0f}s; try again later",
                    response.status_code,
                )
            LOGGER.debug(
                "%s: HTTP %s from %s, waiting %.1fs", what, response.status_code, self.vendor, wait
            )
            self._sleep(wait)
        assert response is not None
        raise VendorError(
            f"{what}: HTTP {response.status_code} from {self.vendor} after "
            f"{self._retry.attempts} attempts",
            response.status_code,
        )

    def pause(self, seconds: float) -> None:
        """Wait before the next call, as a vendor's rate-limit headers ask."""
        LOGGER.debug("%s rate limit reached, waiting %.1fs", self.vendor, seconds)
        self._sleep(min(seconds, self._retry.max_delay))

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _send(
        self,
        method: str,
        path: str,
        what: str,
        params: Mapping[str, Any] | None,
        json: Any,
    ) -> httpx.Response:
        try:
            response = self._http.request(method, path, params=params, json=json)
        except httpx.TimeoutException:
            raise VendorTimeout(
                f"{what}: no answer from {self.vendor} within {self.timeout:g}s"
            ) from None
        except httpx.TransportError as exc:
            raise VendorError(
                f"{what}: cannot reach {self.vendor} ({type(exc).__name__})"
            ) from None
        LOGGER.debug("%s %s -> HTTP %s", method, path, response.status_code)
        return response


def seconds_header(response: httpx.Response, name: str) -> float | None:
    """A header holding a number of seconds, or None when absent or not a number.

    A value beyond a day, `inf` included, reads as a day: no vendor means it, and the caller
    refuses to wait that long anyway.
    """
    raw = response.headers.get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    if math.isnan(value):
        return None
    return min(max(0.0, value), LONGEST_HINT)


def _duration(seconds: float) -> str:
    return "a day or more" if seconds >= LONGEST_HINT else f"{seconds:.0f}s"


def json_body(response: httpx.Response, what: str, vendor: str) -> Any:
    """The response's JSON, or a VendorError saying the vendor answered something else."""
    try:
        return response.json()
    except ValueError:
        raise VendorError(
            f"{what}: {vendor} answered HTTP {response.status_code} without JSON",
            response.status_code,
        ) from None
