"""Vendor text made printable and free of credentials, whatever the vendor sent."""

from __future__ import annotations

import pytest

from infra.doctor.redact import Redactor, vendor_text

PD_TOKEN = "u+FAKEpdTOKEN1234567"
HARNESS_TOKEN = "pat.FAKEacct12345.FAKEtok123456.FAKEsecret9876"


@pytest.mark.parametrize(
    ("raw", "printable"),
    [
        ("Invalid \x1b[31mred\x1b[0m input", "Invalid red input"),
        ("see \x1b]8;;http://x.invalid/\x1b\\here\x1b]8;;\x1b\\ now", "see here now"),
        ("bell \x1b]0;title\x07 done", "bell done"),
        ("two\nlines\r\tand\x00nul \x9b", "two lines and nul"),
        ("right-to-left \u202eevil\u202c text", "right-to-left evil text"),
    ],
)
def test_vendor_text_drops_escape_sequences_and_controls(raw: str, printable: str) -> None:
    assert vendor_text(raw) == printable


def test_vendor_text_is_capped() -> None:
    capped = vendor_text("word " * 100, limit=40)

    assert len(capped) <= 40
    assert capped.endswith("...")


def test_vendor_text_masks_a_credential_before_cutting_it() -> None:
    capped = vendor_text(f"rejected {HARNESS_TOKEN} because", limit=30)

    assert capped == "rejected <credential> because"


def test_the_redactor_masks_held_secrets_in_every_echoed_form() -> None:
    redactor = Redactor([PD_TOKEN, None, "R0FAKEROUTINGKEY00000000000000"])

    text = redactor.redact(
        f"Token token={PD_TOKEN}; encoded u%2BFAKEpdTOKEN1234567; form u FAKEpdTOKEN1234567; "
        "key R0FAKEROUTINGKEY00000000000000"
    )

    assert text == (
        "Token token=<credential>; encoded <credential>; form <credential>; key <credential>"
    )


def test_the_redactor_masks_credential_shapes_it_does_not_hold() -> None:
    assert Redactor([]).redact(f"proxy said {HARNESS_TOKEN}.") == "proxy said <credential>."


def test_the_redactor_masks_a_held_secret_cut_off_by_the_cap() -> None:
    assert Redactor(["plain-secret-value"]).redact("key plain-sec...") == "key <credential>..."


def test_the_redactor_leaves_ordinary_text_alone() -> None:
    text = "trigger pagerduty_rollback_api not found on eng/core/rollback_api"

    assert Redactor([PD_TOKEN]).redact(text) == text
