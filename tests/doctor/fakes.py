"""Fake PagerDuty and Harness APIs on 127.0.0.1, served from threads of the test process.

They answer the calls doctor makes the way the vendors do: status codes and error bodies,
PagerDuty's `offset`/`limit`/`more` pages and `ratelimit-*` headers, Harness's
`{"status": "SUCCESS", "data": ...}` envelope with `pageIndex`/`totalPages` (trigger lists)
and Spring-style `number`/`last` pages (event history). Each fake records the requests it got.
A fake can also be told to answer a listing its own way (`listing`), for the misbehaving vendors
and proxies doctor must survive: endless pages, odd shapes, echoed credentials.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

PAGERDUTY_TOKEN = "fake-pagerduty-rest-key"
HARNESS_KEY = "fake-harness-api-key"
HARNESS_ACCOUNT = "fakeAccount0001"
PD_PAGE_MAX = 100
PD_PAGE_DEFAULT = 25

Reply = tuple[int, dict[str, str], Any]
Answer = Callable[["Request"], Reply]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that timed out has gone by the time a held answer is written; that is the
        # scenario under test, not a failure of the fake.
        pass


@contextmanager
def serve(route: Callable[[Request], Reply]) -> Iterator[str]:
    """Serve `route` on a free port of 127.0.0.1; yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self._answer()

        def do_POST(self) -> None:
            self._answer()

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            request = Request(
                self.command,
                parts.path,
                {k: v[-1] for k, v in parse_qs(parts.query).items()},
                {k.lower(): v for k, v in self.headers.items()},
                json.loads(raw) if raw else None,
            )
            status, headers, body = route(request)
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            for name, value in {"Content-Type": "application/json", **headers}.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = _Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def subscription(
    number: int,
    description: str,
    *,
    active: bool = True,
    temporarily_disabled: bool = False,
) -> dict[str, Any]:
    """A v3 webhook subscription as `GET /webhook_subscriptions` lists it."""
    return {
        "id": f"PSUB{number:04d}",
        "type": "webhook_subscription",
        "active": active,
        "description": description,
        "events": ["incident.triggered"],
        "filter": {"id": f"PSVC{number:04d}", "type": "service_reference"},
        "delivery_method": {
            "id": f"PDM{number:04d}",
            "type": "http_delivery_method",
            "url": f"https://app.harness.invalid/gateway/pipeline/api/webhook/custom/t{number}/v3",
            "custom_headers": [{"name": "X-Api-Key", "value": "redacted"}],
            "secret": None,
            "temporarily_disabled": temporarily_disabled,
        },
    }


@dataclass
class FakePagerDuty:
    """PagerDuty's REST API (webhook subscriptions) and Events API (`/v2/enqueue`)."""

    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    # Subscription id -> (status, body) for its test ping, or "hang" to never answer in time.
    pings: dict[str, tuple[int, Any] | str] = field(default_factory=dict)
    # Answers to give before the real one: 429 with `ratelimit-reset`, or 5xx.
    throttle: list[Reply] = field(default_factory=list)
    remaining: int = 900
    requests: list[Request] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    # Answers `GET /webhook_subscriptions` instead of the real listing, credentials unchecked.
    listing: Answer | None = None

    def route(self, request: Request) -> Reply:
        self.requests.append(request)
        if request.path == "/v2/enqueue":
            return self._enqueue(request)
        if self.listing and request.path == "/webhook_subscriptions":
            return self.listing(request)
        if request.headers.get("authorization") != f"Token token={PAGERDUTY_TOKEN}":
            return 401, {}, {"error": {"message": "Unauthorized", "code": 2006}}
        if self.throttle:
            return self.throttle.pop(0)
        if request.method == "GET" and request.path == "/webhook_subscriptions":
            return self._list(request)
        if request.method == "POST" and request.path.endswith("/ping"):
            return self._ping(request.path.split("/")[2])
        return 404, {}, {"error": {"message": "Not Found", "code": 2100}}

    def rate_limited(self, reset: int) -> Reply:
        """PagerDuty's 429: the window is used up and resets in `reset` seconds."""
        headers = {"ratelimit-limit": "960", "ratelimit-remaining": "0"}
        headers["ratelimit-reset"] = str(reset)
        return 429, headers, {"error": {"message": "Rate Limit Exceeded", "code": 2020}}

    def _headers(self) -> dict[str, str]:
        return {
            "ratelimit-limit": "960",
            "ratelimit-remaining": str(self.remaining),
            "ratelimit-reset": "30",
        }

    def _list(self, request: Request) -> Reply:
        limit = min(int(request.query.get("limit", PD_PAGE_DEFAULT)), PD_PAGE_MAX)
        offset = int(request.query.get("offset", 0))
        page = self.subscriptions[offset : offset + limit]
        more = offset + limit < len(self.subscriptions)
        body = {
            "webhook_subscriptions": page,
            "limit": limit,
            "offset": offset,
            "total": None,
            "more": more,
        }
        return 200, self._headers(), body

    def _ping(self, subscription_id: str) -> Reply:
        if not any(s["id"] == subscription_id for s in self.subscriptions):
            return 404, {}, {"error": {"message": "Not Found", "code": 2100}}
        behaviour = self.pings.get(subscription_id, (202, None))
        if behaviour == "hang":
            self.release.wait(30)
            return 202, {}, None
        assert isinstance(behaviour, tuple)
        status, body = behaviour
        return status, self._headers(), body

    def _enqueue(self, request: Request) -> Reply:
        event = request.body or {}
        if event.get("event_action") not in ("trigger", "acknowledge", "resolve") or not (
            isinstance(event.get("routing_key"), str) and len(event["routing_key"]) == 32
        ):
            return 400, {}, {"status": "invalid event", "message": "Event object is invalid"}
        self.events.append(event)
        return 202, {}, {"status": "success", "message": "Event processed"}


def trigger(identifier: str, *, enabled: bool = True) -> dict[str, Any]:
    """A trigger as `GET /pipeline/api/triggers` lists it."""
    return {
        "name": identifier,
        "identifier": identifier,
        "type": "Webhook",
        "enabled": enabled,
        "webhookDetails": {"webhookSourceRepo": "CUSTOM"},
        "triggerStatus": {"status": "SUCCESS"},
    }


def event(trigger_id: str, created_ms: int, status: str = "TARGET_EXECUTION_REQUESTED") -> dict:
    """One entry of a trigger's event history."""
    return {
        "triggerIdentifier": trigger_id,
        "eventCorrelationId": f"corr-{created_ms}",
        "finalStatus": status,
        "message": "Pipeline execution was requested successfully"
        if status == "TARGET_EXECUTION_REQUESTED"
        else "Failed while requesting pipeline execution",
        "exceptionOccurred": status != "TARGET_EXECUTION_REQUESTED",
        "createdAt": created_ms,
    }


@dataclass
class FakeHarness:
    """Harness's trigger list and trigger event history."""

    # (org, project, pipeline) -> triggers of that pipeline
    pipelines: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)
    # trigger identifier -> events, newest first
    history: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Answers to give before the real one, such as a 429 without any retry hint.
    throttle: list[Reply] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)
    # Answers `GET /pipeline/api/triggers` instead of the real list, credentials unchecked.
    listing: Answer | None = None

    def route(self, request: Request) -> Reply:
        self.requests.append(request)
        if self.listing and request.path == "/pipeline/api/triggers":
            return self.listing(request)
        if request.headers.get("x-api-key") != HARNESS_KEY:
            return 401, {}, _error("INVALID_TOKEN", "Token is not valid.")
        if request.query.get("accountIdentifier") != HARNESS_ACCOUNT:
            return 403, {}, _error("ACCESS_DENIED", "Not authorized to access the account")
        if self.throttle:
            return self.throttle.pop(0)
        key = (
            request.query.get("orgIdentifier", ""),
            request.query.get("projectIdentifier", ""),
            request.query.get("targetIdentifier", ""),
        )
        page, size = int(request.query.get("page", 0)), int(request.query.get("size", 25))
        if request.path == "/pipeline/api/triggers":
            if key not in self.pipelines:
                return 404, {}, _error("ENTITY_NOT_FOUND", f"Pipeline [{key[2]}] does not exist")
            return 200, {}, _success(_page_response(self.pipelines[key], page, size))
        prefix = "/pipeline/api/triggers/eventHistory/"
        if request.path.startswith(prefix):
            events = self.history.get(request.path[len(prefix) :], [])
            return 200, {}, _success(_spring_page(events, page, size))
        return 404, {}, _error("RESOURCE_NOT_FOUND", "Not found")


def _success(data: Any) -> dict[str, Any]:
    return {"status": "SUCCESS", "data": data, "metaData": None, "correlationId": "c-1"}


def _error(code: str, message: str) -> dict[str, Any]:
    return {"status": "ERROR", "code": code, "message": message, "correlationId": "c-1"}


def _page_response(items: list[Any], page: int, size: int) -> dict[str, Any]:
    content = items[page * size : (page + 1) * size]
    return {
        "totalPages": max(1, -(-len(items) // size)),
        "totalItems": len(items),
        "pageItemCount": len(content),
        "pageSize": size,
        "content": content,
        "pageIndex": page,
        "empty": not content,
    }


def _spring_page(items: list[Any], page: int, size: int) -> dict[str, Any]:
    content = items[page * size : (page + 1) * size]
    pages = max(1, -(-len(items) // size))
    return {
        "content": content,
        "number": page,
        "size": size,
        "totalPages": pages,
        "totalElements": len(items),
        "first": page == 0,
        "last": page + 1 >= pages,
        "empty": not content,
    }


def endless_pages(request: Request) -> Reply:
    """A PagerDuty listing that always says there is more."""
    offset = int(request.query.get("offset", 0))
    page = [subscription(offset, f"other {offset}")]
    return 200, {}, {"webhook_subscriptions": page, "offset": offset, "more": True}


def stuck_offset(request: Request) -> Reply:
    """A PagerDuty listing that ignores `offset` and serves the first page again and again."""
    page = [subscription(1, "other")]
    return 200, {}, {"webhook_subscriptions": page, "offset": 0, "more": True}


def fixed(status: int, body: Any) -> Answer:
    """The same answer to every request."""
    return lambda request: (status, {}, body)


# A proxy that repeats the credential it was sent, with terminal escape sequences around it.
def pagerduty_echo(request: Request) -> Reply:
    message = f"Invalid token: {request.headers.get('authorization')} \x1b[31mred\x1b[0m"
    return 401, {}, {"error": {"message": message, "code": 2006}}


def harness_echo(request: Request) -> Reply:
    message = f"Token {request.headers.get('x-api-key')} is invalid\x1b]8;;http://x.invalid/\x1b\\"
    return 401, {}, _error("INVALID_TOKEN", message)
