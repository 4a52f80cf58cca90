"""No finding repeats a credential: not in full, not cut short, not in another case."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.catalog.loader import load_catalog

INVALID = Path(__file__).resolve().parents[1] / "data" / "invalid"
# The fake credentials the invalid catalogs hold, in every shape the loader knows.
SECRETS = [
    "y_NbAkKc66ryYTWUXYEu",
    "u+Fh3kQ9xZ2mWp7LtR4b",
    "00Ex4mp1e0nlyN0tARealT0kenXyZ0123456789abc",
    "00aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789abcd",
    "pat.AbCdEfGhIjKlMnOpQrStUv.0123456789abcdef01234567.ZyXwVuTsRqPoNmLkJiHg",
    "pat.Ex4mpleAccount0000000.0123456789abcdef01234567.Ex4mpleSecretN0tReal0",
    "e93facc04764012d7bfb002500d5d1a6",
]
# Any run this long from inside a credential counts as repeating it.
WINDOW = 10


def _windows(secret: str) -> set[str]:
    return {secret[i : i + WINDOW].lower() for i in range(len(secret) - WINDOW + 1)}


@pytest.mark.parametrize("path", sorted(INVALID.glob("credential-*.yaml")), ids=lambda p: p.name)
def test_no_finding_quotes_any_part_of_a_credential(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    present = [s for s in SECRETS if s.lower() in text.lower()]
    assert present, f"{path.name} holds none of the known test credentials"
    findings = load_catalog(path).findings
    assert any(f.code == "credential-literal" for f in findings)
    for finding in findings:
        shown = f"{finding.message}\n{finding.hint or ''}".lower()
        for secret in present:
            leaked = [w for w in _windows(secret) if w in shown]
            assert not leaked, f"{finding.render()} repeats part of a credential"


def test_a_credential_in_a_comment_is_reported_where_it_is() -> None:
    [finding] = load_catalog(INVALID / "credential-in-comment.yaml").findings
    assert finding.code == "credential-literal"
    assert (finding.position.line, finding.position.col) == (2, 31)
    assert "comment" in finding.message
