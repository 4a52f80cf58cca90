"""Typed reading of vendor JSON: each helper takes a value or raises `Unexpected`.

A vendor (or a proxy in front of it) can answer anything. The clients read every answer through
these helpers and turn `Unexpected` into a `VendorError` naming the path, so a surprise becomes
a broken row instead of a traceback.
"""

from __future__ import annotations

from typing import Any

from infra.doctor.transport import VendorError


class Unexpected(Exception):
    """A value of the vendor's answer does not have the shape the client reads."""


def unexpected_shape(vendor: str, path: str, status: int | None = None) -> VendorError:
    """The error a client raises for an answer it cannot read."""
    return VendorError(f"{vendor} answered an unexpected shape for {path}", status)


def as_object(value: Any) -> dict[str, Any]:
    """A JSON object."""
    if not isinstance(value, dict):
        raise Unexpected
    return value


def as_objects(value: Any) -> list[dict[str, Any]]:
    """A JSON list of objects; null counts as empty."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise Unexpected
    return [as_object(item) for item in value]


def as_text(value: Any) -> str | None:
    """A string, or None when absent."""
    if value is not None and not isinstance(value, str):
        raise Unexpected
    return value


def as_flag(value: Any, default: bool) -> bool:
    """A boolean, or `default` when absent."""
    if value is None:
        return default
    if not isinstance(value, bool):
        raise Unexpected
    return value


def as_count(value: Any) -> int | None:
    """A non-negative integer, or None when absent."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise Unexpected
    return value
