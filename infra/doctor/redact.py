"""Vendor text made safe to print: no control sequences, bounded length, no credential.

Error messages and event reasons come from the vendor, or from a proxy in front of it, and are
printed to a terminal or a CI log. Such text may carry escape sequences (colours, OSC 8 links,
cursor moves) and may echo the API key it was sent; both are removed before anything shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

# The credential patterns of the catalog scan: a vendor echoing a key doctor does not hold (a
# proxy's own, say) is still recognised by its shape.
from infra.catalog.credentials import _credential_pieces as credential_pieces

MASK = "<credential>"
VENDOR_TEXT_LIMIT = 160
ELLIPSIS = "..."
# The shortest start of a known secret masked where vendor text was cut off after it.
_SHORTEST_CUT = 4
# CSI (`ESC [ ... final`), OSC (`ESC ] ... BEL` or `ESC ] ... ESC \`), and two-byte escapes.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]?|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-_]?)")
# C0 and C1 controls, and the Unicode marks that reorder how a line is displayed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SPACES = re.compile(r"\s+")
_SENTENCE_STOP = re.compile(r"\.(?=\s|$)")


def vendor_text(value: object, limit: int = VENDOR_TEXT_LIMIT) -> str:
    """`value` as one printable line of at most `limit` characters, credential shapes masked.

    Masking comes before the cut, so a credential is never cut into a piece that no longer
    looks like one.
    """
    text = _ESCAPE.sub("", str(value))
    text = _mask_shapes(_SPACES.sub(" ", _CONTROL.sub(" ", text)).strip())
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


class Redactor:
    """Masks the credentials doctor holds, and anything shaped like a credential."""

    def __init__(self, secrets: Iterable[str | None]) -> None:
        variants = {form for secret in secrets if secret for form in _forms(secret)}
        self._secrets = sorted(variants, key=len, reverse=True)

    def redact(self, text: str) -> str:
        """`text` with every known secret, and every credential-shaped piece, masked."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
            text = _mask_cut(text, secret)
        return _mask_shapes(text)


def _mask_shapes(text: str) -> str:
    # The catalog scan reads a dot as part of a Harness token, so a token ending a sentence
    # would hide behind its full stop; such stops are read as spaces while looking.
    found = credential_pieces(_SENTENCE_STOP.sub(" ", text))
    for piece in sorted(set(found), key=len, reverse=True):
        text = text.replace(piece, MASK)
    return text


def _mask_cut(text: str, secret: str) -> str:
    """Mask the start of `secret` where vendor text was cut off right after it."""
    for length in range(len(secret) - 1, _SHORTEST_CUT - 1, -1):
        text = text.replace(secret[:length] + ELLIPSIS, MASK + ELLIPSIS)
    return text


def _forms(secret: str) -> set[str]:
    """The ways a secret appears when echoed: as sent, URL-encoded, or with `+` read as space."""
    return {secret, quote(secret, safe=""), secret.replace("+", " ")}
