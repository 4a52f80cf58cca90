"""Near-miss hints for e-mail addresses look at the part that tells people apart."""

from __future__ import annotations

from infra.catalog.findings import did_you_mean_email

PEOPLE = ["ada@example.com", "bo@example.com", "vikram.postwala@example.com"]


def test_a_shared_domain_alone_is_not_a_near_miss() -> None:
    assert did_you_mean_email("zed@example.com", PEOPLE) is None


def test_a_misspelt_local_part_is_suggested() -> None:
    hint = did_you_mean_email("vikram.postwalla@example.com", PEOPLE)
    assert hint == "did you mean `vikram.postwala@example.com`?"


def test_a_misspelt_domain_is_suggested() -> None:
    assert did_you_mean_email("ada@exmaple.com", PEOPLE) == "did you mean `ada@example.com`?"
