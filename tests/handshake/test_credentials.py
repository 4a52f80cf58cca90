"""The loader refuses credential-like literals, each kind, exactly located, never repeated."""

from __future__ import annotations

import pytest

from infra.catalog.credentials import CODE
from infra.catalog.loader import LoadResult, load_catalog, load_catalog_bytes
from tests.conftest import MINIMAL
from tests.handshake.conftest import BUNDLED

# Shaped like the real thing, made up for these tests.
PAGERDUTY_REST_KEYS = ["u+Fh3kQ9xZ2mWp7LtR4b", "y_NbAkKc66ryYTWUXYEu", "Xk2-pQ9+mZ4vL7bN1cR8"]
ROUTING_KEYS = ["e93facc04764012d7bfb002500d5d1a6", "R015D4D6E3C7B4A3F9E2D1C0B9A8F7E6"]
HARNESS_TOKENS = [
    "pat.Ex4mpleAccount0000000.0123456789abcdef01234567.Ex4mpleSecretN0tReal0",
    "sat.Ex4mpleAccount0000000.65f2a1b3c4d5e6f7a8b9c0d1.AbCdEfGhIjKlMnOpQrSt",
]
OKTA_TOKENS = ["00Ex4mp1e0nlyN0tARealT0kenXyZ0123456789abc"]
KINDS = [
    *[(key, "a PagerDuty REST API key", "pagerduty:token") for key in PAGERDUTY_REST_KEYS],
    *[(key, "a PagerDuty routing key", "Harness secret") for key in ROUTING_KEYS],
    *[(key, "a Harness API token", "harness:platformApiKey") for key in HARNESS_TOKENS],
    *[(key, "an Okta API token", "okta:apiToken") for key in OKTA_TOKENS],
]


def _with(replace: str, by: str) -> LoadResult:
    text = MINIMAL.read_text(encoding="utf-8")
    assert text.count(replace) == 1
    return load_catalog_bytes(text.replace(replace, by).encode(), "catalog.yaml")


def _credential_findings(result: LoadResult) -> list[tuple[int, int, str, str]]:
    return [
        (f.position.line, f.position.col, f.message, f.hint or "")
        for f in result.findings
        if f.code == CODE
    ]


@pytest.mark.parametrize(("key", "label", "remedy"), KINDS)
def test_each_kind_in_a_description_is_an_error_at_the_value(
    key: str, label: str, remedy: str
) -> None:
    result = _with("    name: Core API\n", f"    name: Core API\n    description: key {key} here\n")

    [(line, col, message, hint)] = _credential_findings(result)

    assert (line, col) == (43, 18)
    assert message == (
        f"the value of `services[api].description` looks like {label}; credentials never "
        "belong in the catalog"
    )
    assert remedy in hint
    assert not result.ok
    assert all(key not in f.render() for f in result.findings)


def test_a_key_in_a_quoted_list_item_points_at_that_item() -> None:
    key = ROUTING_KEYS[0]
    result = _with("roles: [_pipeline_executor]", f'roles: [_pipeline_executor, "{key}"]')

    located = [(line, col) for line, col, _, _ in _credential_findings(result)]

    assert located == [(21, 35)]


def test_a_key_written_as_a_mapping_key_is_found_and_not_repeated() -> None:
    key = PAGERDUTY_REST_KEYS[1]
    result = _with("    owner: core\n", f"    owner: core\n    {key}: yes\n")

    [(line, col, message, _)] = _credential_findings(result)

    assert (line, col) == (44, 5)
    assert message.startswith("a mapping key in `services[api]` looks like a PagerDuty REST")
    unknown = next(f for f in result.findings if f.code == "unknown-field")
    assert unknown.message == "unknown field `<credential>` in `services[api]`"
    assert all(key not in f.render() for f in result.findings)


def test_the_finding_comes_with_every_other_finding() -> None:
    result = _with("    owner: core\n", f"    owner: nobody\n    token: {ROUTING_KEYS[0]}\n")

    codes = [f.code for f in result.findings]

    assert CODE in codes and "unknown-field" in codes


@pytest.mark.parametrize(
    "ordinary",
    [
        "deploy_payment_api",  # Harness identifiers
        "DeployPaymentApiProd",
        "FeatureStoreDeploy2X",  # 20 characters, but words
        "pagerduty_rollback_payment_api",
        "0oaDEVPAGERDUTY00000",  # an Okta app id
        "checkout-web-frontend-service-01",  # a 32-character key with hyphens
        "Ada.Lovelace-Example@example.com",
        "America/Argentina/Buenos_Aires",
        "Runs the shared platform; pages go to the primary schedule.",
        "https://example.com/runbooks/payments/checkout-latency",
        "v2.14.3-rc1",
    ],
)
def test_ordinary_values_are_not_flagged(ordinary: str) -> None:
    result = _with("    name: Core API\n", f'    name: Core API\n    description: "{ordinary}"\n')

    assert _credential_findings(result) == []


def test_the_bundled_catalog_has_no_credential_findings() -> None:
    assert _credential_findings(load_catalog(BUNDLED)) == []
