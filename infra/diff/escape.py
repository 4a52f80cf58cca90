"""Catalog values made safe to show on one line, with no character a terminal would obey.

A display name can hold ESC (colours, cursor moves, OSC 8 links), BEL, a carriage return or a
bidi override that reorders what a reviewer reads. The text and Markdown renderers show each of
those as a visible escape such as `\\x1b` or `\\u202e`; the JSON form keeps the characters, which
`json.dumps` escapes itself.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls, the bidi marks, embeddings, overrides and isolates, and lone
# surrogates (which would make writing to stdout fail).
_BEYOND_C0 = "\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_HIDDEN = re.compile(f"[\x00-\x1f{_BEYOND_C0}]")
_HIDDEN_BEYOND_C0 = re.compile(f"[{_BEYOND_C0}]")


def one_line(value: str) -> str:
    """The value with every run of whitespace, line breaks included, as one space."""
    return " ".join(value.split())


def show_controls(value: str) -> str:
    """Control and bidi characters written as visible escapes, such as `\\x1b` and `\\u202e`."""
    return _HIDDEN.sub(_escape, value)


def inert(value: str) -> str:
    """The value on one line with its control and bidi characters shown as escapes."""
    return show_controls(one_line(value))


def json_escaped(text: str) -> str:
    """JSON text with the characters `json.dumps(ensure_ascii=False)` leaves raw, escaped.

    `json.dumps` escapes C0 controls only; DEL, C1 controls, bidi characters and lone
    surrogates, which can sit only inside strings, become `\\uXXXX` escapes, so the JSON
    decodes to the same data and prints safely.
    """
    return _HIDDEN_BEYOND_C0.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
