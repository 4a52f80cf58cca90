"""`teamcat doctor`: are the stack's incident callbacks alive at PagerDuty and Harness?

Credentials come only from the environment (named in `--help`); base URLs may be pointed
elsewhere through the environment too, and default to the real vendor hosts. Every base URL is
checked before any call, and every credential doctor holds is masked in what it prints or logs.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn
from urllib.parse import urlsplit

import typer

from infra.cli import output
from infra.cli.output import EXIT_FINDINGS, EXIT_USAGE, LOGGER

if TYPE_CHECKING:
    from infra.doctor.checks import Check
    from infra.doctor.redact import Redactor
    from infra.program.settings import StackSettings
    from infra.program.wiring import ActionWiring

ENV_PAGERDUTY_TOKEN = "PAGERDUTY_TOKEN"
ENV_HARNESS_KEY = "HARNESS_PLATFORM_API_KEY"
ENV_HARNESS_ACCOUNT = "HARNESS_ACCOUNT_ID"
ENV_ALERT_KEY = "TEAMCAT_ALERT_ROUTING_KEY"
ENV_PAGERDUTY_URL = "TEAMCAT_PAGERDUTY_API_URL"
ENV_EVENTS_URL = "TEAMCAT_PAGERDUTY_EVENTS_URL"
ENV_HARNESS_URL = "TEAMCAT_HARNESS_API_URL"
PAGERDUTY_API = "https://api.pagerduty.com"
HARNESS_API = "https://app.harness.io/gateway"
PLAIN_WIDTH = 100  # a CI log has no terminal width to ask; rows are wrapped to this

_HELP = f"""Check live webhook and callback health at PagerDuty and Harness.

For every incident action of the catalog in the stack: the v3 webhook subscription of an
automatic action is active, not temporarily disabled, and accepts a test ping; each Harness
trigger exists, is enabled, and its recent webhook events show no failed deliveries. Prints a
table; exit 0 when healthy, 1 when anything is broken, 2 when credentials are missing.

Environment: {ENV_PAGERDUTY_TOKEN} (PagerDuty REST API key, read-write for the test ping),
{ENV_HARNESS_KEY} (Harness API key), {ENV_HARNESS_ACCOUNT} (Harness account id; defaults to
the stack's teamcat:harnessAccountId), {ENV_ALERT_KEY} (the routing key --alert sends to).
{ENV_PAGERDUTY_URL}, {ENV_EVENTS_URL} and {ENV_HARNESS_URL} override the vendor base URLs.
"""


@dataclass(frozen=True)
class _Credentials:
    pagerduty_token: str | None
    harness_key: str | None
    harness_account: str | None
    alert_key: str | None

    def secrets(self) -> list[str | None]:
        """The values that must never be printed (the account id is no secret)."""
        return [self.pagerduty_token, self.harness_key, self.alert_key]


@dataclass(frozen=True)
class _BaseUrls:
    pagerduty: str
    harness: str
    events: str


def doctor(
    catalog: Annotated[Path, typer.Argument(help="The catalog file.")] = Path("catalog.yaml"),
    stack: Annotated[
        str, typer.Option("--stack", "-s", help="The stack whose settings to use.")
    ] = "dev",
    alert: Annotated[
        bool,
        typer.Option(
            "--alert", help=f"Send one PagerDuty event with the result to ${ENV_ALERT_KEY}."
        ),
    ] = False,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.01, help="Seconds to wait for each API answer.")
    ] = 10.0,
    days: Annotated[
        int, typer.Option("--days", min=1, help="How many days of trigger events to read.")
    ] = 7,
) -> None:
    from infra.doctor.redact import Redactor

    settings, actions = _expected(catalog, stack)
    credentials = _credentials(settings.harness_account_id)
    _require(credentials, actions, alert)
    urls = _base_urls(settings.pagerduty_region)
    redactor = Redactor(credentials.secrets())

    with _redacted_logs(redactor):
        checks = _check_pagerduty(credentials, actions, urls, timeout) + _check_harness(
            credentials, actions, urls, timeout, days
        )
        checks = [replace(c, detail=redactor.redact(c.detail)) for c in checks]

        _report(checks, stack)
        if alert:
            assert credentials.alert_key is not None
            _alert(credentials.alert_key, stack, checks, urls.events, timeout, redactor)
    if any(c.broken for c in checks):
        raise typer.Exit(EXIT_FINDINGS)


# The help text names the environment variables from the constants above, so it is attached
# here rather than written out as a docstring.
doctor.__doc__ = _HELP


def _expected(catalog: Path, stack: str) -> tuple[StackSettings, list[ActionWiring]]:
    """The stack's settings and the incident actions it wires for the catalog."""
    from infra.cli.app import load_or_exit
    from infra.cli.plan import StackFileError, stack_file
    from infra.core.slices import SliceError, select_slice
    from infra.core.state import resolve
    from infra.program.offline import read_stack_config
    from infra.program.settings import parse_settings
    from infra.program.wiring import action_wirings

    result = load_or_exit(catalog)
    try:
        config, _ = read_stack_config(stack_file(stack))
    except StackFileError as exc:
        _usage_error(str(exc))
    settings = parse_settings(lambda key: config.get(f"teamcat:{key}"))
    assert result.catalog is not None
    state = resolve(result.catalog, settings.harness_org)
    if settings.slice is not None:  # a sliced organisation: this stack wires its slice only
        try:
            state = select_slice(state, settings.slices, settings.slice).state
        except SliceError as exc:
            _usage_error("the stack's slices do not fit the catalog: " + "; ".join(exc.problems))
    wired = settings.enabled("pagerduty") and settings.enabled("harness")
    return settings, action_wirings(state, stack) if wired else []


def _check_pagerduty(
    credentials: _Credentials, actions: list[ActionWiring], urls: _BaseUrls, timeout: float
) -> list[Check]:
    """The webhook subscriptions of the automatic actions, when there are any."""
    from infra.doctor.checks import check_subscriptions
    from infra.doctor.pagerduty import PagerDutyClient

    if not any(a.mode == "automatic" for a in actions):
        return []
    assert credentials.pagerduty_token is not None
    client = PagerDutyClient(urls.pagerduty, credentials.pagerduty_token, timeout=timeout)
    try:
        return check_subscriptions(client, actions)
    finally:
        client.close()


def _check_harness(
    credentials: _Credentials,
    actions: list[ActionWiring],
    urls: _BaseUrls,
    timeout: float,
    days: int,
) -> list[Check]:
    """The Harness trigger of every action and its recent deliveries."""
    from infra.doctor.checks import check_triggers
    from infra.doctor.harness import HarnessClient

    if not actions:
        return []
    assert credentials.harness_key is not None and credentials.harness_account is not None
    client = HarnessClient(
        urls.harness,
        credentials.harness_key,
        credentials.harness_account,
        timeout=timeout,
    )
    since_ms = int((time.time() - days * 86_400) * 1000)
    try:
        return check_triggers(client, actions, since_ms, f"{days} day(s)")
    finally:
        client.close()


def _credentials(stack_account: str | None) -> _Credentials:
    """Credentials from the environment only; an empty variable counts as missing."""
    return _Credentials(
        pagerduty_token=os.environ.get(ENV_PAGERDUTY_TOKEN) or None,
        harness_key=os.environ.get(ENV_HARNESS_KEY) or None,
        harness_account=os.environ.get(ENV_HARNESS_ACCOUNT) or stack_account,
        alert_key=os.environ.get(ENV_ALERT_KEY) or None,
    )


def _require(credentials: _Credentials, actions: list[ActionWiring], alert: bool) -> None:
    """Name every missing variable at once; a usage error, since nothing could be checked."""
    missing = []
    if any(a.mode == "automatic" for a in actions) and not credentials.pagerduty_token:
        missing.append(f"{ENV_PAGERDUTY_TOKEN} (PagerDuty REST API key)")
    if actions and not credentials.harness_key:
        missing.append(f"{ENV_HARNESS_KEY} (Harness API key)")
    if actions and not credentials.harness_account:
        missing.append(f"{ENV_HARNESS_ACCOUNT} (Harness account id)")
    if alert and not credentials.alert_key:
        missing.append(f"{ENV_ALERT_KEY} (the routing key --alert sends to)")
    if missing:
        _usage_error("doctor needs these environment variables: " + ", ".join(missing))


def _base_urls(region: str) -> _BaseUrls:
    """Every base URL, checked before any call; a bad one is a usage error naming its variable."""
    from infra.program.wiring import EVENTS_HOSTS

    return _BaseUrls(
        pagerduty=_url(ENV_PAGERDUTY_URL, PAGERDUTY_API),
        harness=_url(ENV_HARNESS_URL, HARNESS_API),
        events=_url(ENV_EVENTS_URL, EVENTS_HOSTS[region]),
    )


def _url(variable: str, default: str) -> str:
    url = os.environ.get(variable) or default
    problem = _url_problem(url)
    if problem:
        # The value itself is not repeated: a URL can carry a password.
        _usage_error(f"{variable} is not a usable base URL: {problem}")
    return url.rstrip("/")


def _url_problem(url: str) -> str | None:
    """Why `url` cannot serve as an API base URL, or None when it can."""
    import httpx

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- reading the port is what validates it
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return "it does not parse as a URL"
    if parts.scheme not in ("http", "https"):
        return "it needs to start with http:// or https://"
    if not parts.hostname:
        return "it names no host"
    if parts.query or parts.fragment:
        return "a base URL takes no query or fragment"
    return None


def _report(checks: list[Check], stack: str) -> None:
    from infra.doctor.report import render_summary, render_table

    console = output.stdout()
    width = None if console.is_terminal else PLAIN_WIDTH
    if checks:
        for line in render_table(checks, width):
            console.print(line, markup=False)
    console.print(render_summary(checks, stack), markup=False)


def _alert(
    routing_key: str,
    stack: str,
    checks: list[Check],
    events_url: str,
    timeout: float,
    redactor: Redactor,
) -> None:
    from infra.doctor.alert import alert_event, send_alert
    from infra.doctor.transport import VendorError

    event = alert_event(routing_key, stack, checks)
    try:
        send_alert(events_url, event, timeout=timeout)
    except VendorError as exc:
        output.stderr().print(f"teamcat: error: {redactor.redact(str(exc))}", markup=False)
        raise typer.Exit(EXIT_FINDINGS) from None
    LOGGER.info("doctor: sent a %s event for stack %s", event["event_action"], stack)
    output.stderr().print(f"doctor: sent a PagerDuty {event['event_action']} event", markup=False)


class _RedactingFilter(logging.Filter):
    """Masks credentials in every record a handler writes, whichever logger it came from."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = self._redactor.redact(record.getMessage()), None
        return True


@contextmanager
def _redacted_logs(redactor: Redactor) -> Iterator[None]:
    """Redact what the CLI's log handlers write while doctor runs."""
    redacting = _RedactingFilter(redactor)
    handlers = list(LOGGER.handlers)
    for handler in handlers:
        handler.addFilter(redacting)
    try:
        yield
    finally:
        for handler in handlers:
            handler.removeFilter(redacting)


def _usage_error(message: str) -> NoReturn:
    output.stderr().print(f"teamcat: error: {message}", markup=False)
    raise typer.Exit(EXIT_USAGE)
