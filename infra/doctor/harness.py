"""The Harness API calls doctor makes: a pipeline's triggers and a trigger's event history.

Harness answers `{"status": "SUCCESS", "data": ...}` or, on error,
`{"status": "ERROR", "code": ..., "message": ...}`, usually without any hint about retrying: a
429 or 503 is retried after `Retry-After` when present and with exponential back-off
otherwise; other errors are final and reported with Harness's code and message. Lists are paged
with `page`/`size`; the answer's `pageIndex`/`totalPages` (or `last`) say when to stop. Every
answer is read into typed values; one of another shape is a VendorError.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar
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
    as_flag,
    as_object,
    as_objects,
    as_text,
    unexpected_shape,
)

VENDOR = "Harness"
PAGE_SIZE = 50
MAX_PAGES = 20  # bounds a history walk; doctor looks at recent events only
_RETRYABLE = {429, 500, 502, 503, 504}
T = TypeVar("T")


@dataclass(frozen=True)
class Trigger:
    """What doctor reads of a pipeline trigger."""

    identifier: str
    enabled: bool


@dataclass(frozen=True)
class TriggerEvent:
    """One webhook event of a trigger's history."""

    created_ms: int
    final_status: str
    exception: bool
    message: str


def harness_wait(response: httpx.Response, attempt: int, retry: Retry) -> float | None:
    """How long to wait before retrying `response`, or None when it is final."""
    if response.status_code not in _RETRYABLE:
        return None
    hinted = seconds_header(response, "retry-after")
    return hinted if hinted is not None else retry.backoff(attempt)


class HarnessClient:
    """Harness's NG API with an API key (`x-api-key`) for one account."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        account_id: str,
        *,
        timeout: float = 10.0,
        retry: Retry | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._account = account_id
        self._transport = Transport(
            VENDOR,
            base_url,
            {"x-api-key": api_key, "Accept": "application/json"},
            wait_rule=harness_wait,
            timeout=timeout,
            retry=retry,
            sleep=sleep,
        )

    def triggers(self, org: str, project: str, pipeline: str) -> dict[str, Trigger]:
        """The triggers of a pipeline, by identifier."""
        scope = self._scope(org, project) | {"targetIdentifier": pipeline}
        what = f"listing triggers of pipeline {org}/{project}/{pipeline}"
        path = "/pipeline/api/triggers"
        found = {}
        for page in self._pages(path, scope, what):
            for item in _read(path, page, _trigger):
                found[item.identifier] = item
        return found

    def trigger_events(
        self, org: str, project: str, pipeline: str, trigger: str, since_ms: int
    ) -> list[TriggerEvent]:
        """The trigger's webhook events since `since_ms` (epoch milliseconds), newest first."""
        params = self._scope(org, project) | {
            "targetIdentifier": pipeline,
            "sort": "createdAt,DESC",
        }
        what = f"reading the event history of trigger {trigger}"
        path = f"/pipeline/api/triggers/eventHistory/{quote(trigger, safe='')}"
        events: list[TriggerEvent] = []
        for raw in self._pages(path, params, what):
            page = _read(path, raw, _event)
            recent = [e for e in page if e.created_ms >= since_ms]
            events.extend(recent)
            if len(recent) < len(page):
                break  # newest first: the rest is older than the window
        return events

    def close(self) -> None:
        """Close the connection pool."""
        self._transport.close()

    def _scope(self, org: str, project: str) -> dict[str, Any]:
        return {
            "accountIdentifier": self._account,
            "orgIdentifier": org,
            "projectIdentifier": project,
        }

    def _pages(
        self, path: str, params: dict[str, Any], what: str
    ) -> Iterator[list[dict[str, Any]]]:
        for index in range(MAX_PAGES):
            response = self._transport.request(
                "GET", path, what=what, params=params | {"page": index, "size": PAGE_SIZE}
            )
            data = _data(response, what, path)
            page = _content(data, path, response.status_code)
            yield page
            if not page or _last_page(data, index):
                return


def _content(data: dict[str, Any], path: str, status: int) -> list[dict[str, Any]]:
    try:
        return as_objects(data.get("content"))
    except Unexpected:
        raise unexpected_shape(VENDOR, path, status) from None


def _read(path: str, items: list[dict[str, Any]], parse: Callable[[dict[str, Any]], T]) -> list[T]:
    try:
        return [parse(item) for item in items]
    except Unexpected:
        raise unexpected_shape(VENDOR, path) from None


def _trigger(item: dict[str, Any]) -> Trigger:
    identifier = as_text(item.get("identifier"))
    if identifier is None:
        raise Unexpected
    return Trigger(identifier, as_flag(item.get("enabled"), default=True))


def _event(item: dict[str, Any]) -> TriggerEvent:
    """An event; its reason is Harness's free text, kept printable and short."""
    created = item.get("createdAt", item.get("eventCreatedAt"))
    status = item.get("finalStatus")
    message = item.get("message")
    return TriggerEvent(
        created_ms=_millis(created),
        final_status=vendor_text(status, 60) if isinstance(status, str) else "no status",
        exception=as_flag(item.get("exceptionOccurred"), default=False),
        message=vendor_text(message, 80) if isinstance(message, str) else "",
    )


def _millis(value: Any) -> int:
    """Epoch milliseconds; anything else reads as the epoch, older than any window."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return 0
    return int(value)


def _last_page(data: dict[str, Any], index: int) -> bool:
    if data.get("last") is True:
        return True
    total = data.get("totalPages")
    current = data.get("pageIndex", data.get("number", index))
    return isinstance(total, int) and isinstance(current, int) and current + 1 >= total


def _data(response: httpx.Response, what: str, path: str) -> dict[str, Any]:
    body = json_body(response, what, VENDOR)
    if response.is_success and isinstance(body, dict) and body.get("status") == "SUCCESS":
        try:
            return as_object(body.get("data") or {})
        except Unexpected:
            raise unexpected_shape(VENDOR, path, response.status_code) from None
    said_error = isinstance(body, dict) and body.get("status") == "ERROR"
    if response.is_success and not said_error:
        raise unexpected_shape(VENDOR, path, response.status_code)
    error = body if isinstance(body, dict) else {}
    code, message = error.get("code"), error.get("message")
    raise VendorError(
        f"{what}: HTTP {response.status_code} {_said(code, 'ERROR', 60)}: "
        f"{_said(message, 'no message', 160)}",
        response.status_code,
    )


def _said(value: Any, default: str, limit: int) -> str:
    """Harness's words, printable and short, or `default` when it gave none."""
    return vendor_text(value, limit) if isinstance(value, str) and value else default
