# SPDX-License-Identifier: GPL-3.0-or-later
"""PHP's json_encode/json_decode as json_api.php uses them.

Write replies go through plain json_encode (slashes escaped, non-ASCII as \\uXXXX, no spaces);
GET replies through JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT (four-space indent, slashes still
escaped). Clients that compare raw bodies, or choke on one form, see exactly what Mailcow sends.
"""
from __future__ import annotations

import json
from typing import Any

# A sentinel distinct from JSON null: json_decode() returns null for both "null" and garbage,
# and the router needs to tell "valid JSON null" from "no JSON at all" only in a few places.
INVALID = object()


def _escape_slashes(text: str) -> str:
    # '/' occurs in JSON text only inside strings, so a blanket replace is exact.
    return text.replace("/", "\\/")


def encode_compact(value: Any) -> str:
    """json_encode($value) with PHP's default flags."""
    return _escape_slashes(json.dumps(value, ensure_ascii=True, separators=(",", ":")))


def encode_pretty(value: Any) -> str:
    """json_encode($value, JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT)."""
    text = json.dumps(value, ensure_ascii=False, indent=4, separators=(",", ": "))
    # PHP keeps escaping the two JavaScript line terminators unless asked not to.
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _escape_slashes(text)


def _reject_constant(name: str) -> Any:
    # PHP's parser has no NaN/Infinity literals; Python's accepts them by default.
    raise ValueError(f"invalid JSON literal {name}")


def decode(text: str | bytes) -> Any:
    """json_decode($text, true), returning INVALID where PHP would return null for bad input."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return INVALID
    if text.strip() == "":
        return INVALID
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return INVALID
