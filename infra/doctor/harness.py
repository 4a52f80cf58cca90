"""The Harness API calls doctor makes: a pipeline's triggers and a trigger's event history.

Harness answers `{"status": "SUCCESS", "data": ...}` or, on error,
`{"status": "ERROR", "code": ..., "message": ...}`, usually without any hint about retrying: a
429 or 503 is retried after `Retry-After` when present and with exponential back-off
otherwise; other errors are final and reported with Harness's code and message. Lists are paged
with `page`/`size`; the answer's `pageIndex`/`totalPages` (or `last`) say when to stop.
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

VENDOR = "Harness"
PAGE_SIZE = 50
MAX_PAGES = 20  # bounds a history walk; doctor looks at recent events only
_RETRYABLE = {429, 500, 502, 503, 504}


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

    def triggers(self, org: str, project: str, pipeline: str) -> dict[str, dict[str, Any]]:
        """The triggers of a pipeline, by identifier."""
        scope = self._scope(org, project) | {"targetIdentifier": pipeline}
        what = f"listing triggers of pipeline {org}/{project}/{pipeline}"
        return {
            str(item.get("identifier")): item
            for page in self._pages("/pipeline/api/triggers", scope, what)
            for item in page
        }

    def trigger_events(
        self, org: str, project: str, pipeline: str, trigger: str, since_ms: int
    ) -> list[dict[str, Any]]:
        """The trigger's webhook events since `since_ms` (epoch milliseconds), newest first."""
        params = self._scope(org, project) | {
            "targetIdentifier": pipeline,
            "sort": "createdAt,DESC",
        }
        what = f"reading the event history of trigger {trigger}"
        events: list[dict[str, Any]] = []
        for page in self._pages(f"/pipeline/api/triggers/eventHistory/{trigger}", params, what):
            recent = [e for e in page if _created(e) >= since_ms]
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
            data = _data(response, what)
            page = list(data.get("content") or [])
            yield page
            if not page or _last_page(data, index):
                return


def _last_page(data: dict[str, Any], index: int) -> bool:
    if data.get("last") is True:
        return True
    total = data.get("totalPages")
    current = data.get("pageIndex", data.get("number", index))
    return isinstance(total, int) and isinstance(current, int) and current + 1 >= total


def _data(response: httpx.Response, what: str) -> dict[str, Any]:
    body = json_body(response, what, VENDOR)
    if response.is_success and isinstance(body, dict) and body.get("status") == "SUCCESS":
        data = body.get("data")
        return data if isinstance(data, dict) else {}
    code = body.get("code") if isinstance(body, dict) else None
    message = body.get("message") if isinstance(body, dict) else None
    raise VendorError(
        f"{what}: HTTP {response.status_code} {code or 'ERROR'}: {message or 'no message'}",
        response.status_code,
    )


def _created(event: dict[str, Any]) -> int:
    value = event.get("createdAt", event.get("eventCreatedAt", 0))
    return int(value) if isinstance(value, int | float) else 0
