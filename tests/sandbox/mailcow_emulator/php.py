# SPDX-License-Identifier: GPL-3.0-or-later
"""The handful of PHP semantics Mailcow's validation depends on.

Mailcow coerces input with intval(), tests it with empty()/isset() and compares loosely; a
faithful emulator has to reproduce those quirks (e.g. intval("true") == 0, empty("0") is true),
because clients written against the emulator are later judged against the real server.
"""
from __future__ import annotations

import html
import math
import re
from typing import Any

# PHP's intval() on strings: optional whitespace, sign, digits, and (since 7.1) an exponent.
_NUMERIC_PREFIX = re.compile(r"[ \t\n\r\v\f]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)")
_NUMERIC_FULL = re.compile(r"[ \t\n\r\v\f]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\v\f]*\Z")
_LIST_SEPARATORS = re.compile(r"[ ,;\n]")


class Uncaught(Exception):
    """A PHP error Mailcow does not catch (TypeError, PDOException...).

    Mailcow's global exception handler swallows it and the client gets HTTP 200 with an empty
    body; messages already queued stay in the session (docs/mailcow-api.md#failure-shapes).
    """


def intval(value: Any) -> int:
    """PHP intval()/(int) cast."""
    if value is None or value is False:
        return 0
    if value is True:
        return 1
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return 0 if math.isnan(value) or math.isinf(value) else int(value)
    if isinstance(value, str):
        return _intval_str(value)
    if isinstance(value, (list, dict)):
        return 1 if value else 0
    return 0


def _intval_str(value: str) -> int:
    match = _NUMERIC_PREFIX.match(value)
    if not match:
        return 0
    number = float(match.group(1))
    if math.isinf(number) or math.isnan(number):
        return 0
    return int(number)


def is_numeric(value: Any) -> bool:
    """PHP is_numeric()."""
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(_NUMERIC_FULL.match(value))


def empty(value: Any) -> bool:
    """PHP empty(): "", "0", 0, 0.0, null, false and [] are empty."""
    if value is None or value is False:
        return True
    if isinstance(value, str):
        return value in ("", "0")
    if isinstance(value, (int, float)):
        return value == 0
    if isinstance(value, (list, dict)):
        return len(value) == 0
    return False


def strval(value: Any) -> str:
    """PHP string conversion; arrays raise the TypeError PHP 8 raises in string functions."""
    if value is None or value is False:
        return ""
    if value is True:
        return "1"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_to_string(value)
    raise Uncaught("TypeError: array given where a string was expected")


def _float_to_string(value: float) -> str:
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def loose_equals(left: Any, right: Any) -> bool:
    """PHP 8 `==` for the scalars Mailcow compares (passwords): numeric strings compare as numbers."""
    if isinstance(left, str) and isinstance(right, str):
        if is_numeric(left) and is_numeric(right):
            return float(left) == float(right)
        return left == right
    return strval(left) == strval(right)


def to_array(value: Any) -> Any:
    """PHP (array) cast of a json_decode() result: null -> [], scalar -> [scalar]."""
    if value is None:
        return []
    if isinstance(value, (list, dict)):
        return value
    return [value]


def array_get(array: Any, key: str) -> Any:
    """$array[$key] with a string key; a missing key (or a list) reads as null, like PHP does."""
    if isinstance(array, dict):
        return array.get(key)
    return None


def isset(array: Any, key: str) -> bool:
    return array_get(array, key) is not None


def array_values(value: Any) -> list[Any]:
    """What `foreach` visits: the values of a list or of an associative array."""
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, list):
        return list(value)
    return [value]


def as_list(value: Any) -> list[Any]:
    """Mailcow's `if (!is_array($x)) $x = array($x);` idiom."""
    if isinstance(value, (list, dict)):
        return array_values(value)
    return [value]


def split_list(value: Any) -> list[str]:
    """preg_split("/( |,|;|\\n)/", $value) followed by array_map('trim', ...)."""
    return [part.strip() for part in _LIST_SEPARATORS.split(strval(value))]


def htmlspecialchars(value: Any) -> str:
    """htmlspecialchars() with PHP 8.1 defaults (quotes included)."""
    return html.escape(strval(value), quote=True).replace("&#x27;", "&#039;")


def strtolower(value: Any) -> str:
    """PHP 8.2's strtolower(): ASCII A-Z only, whatever the locale (Python's lower() folds other letters too, such as U+212A)."""
    return strval(value).translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def trim(value: Any) -> str:
    return strval(value).strip(" \t\n\r\0\x0b")


def mysql_int(value: Any) -> int:
    """What a MariaDB INT column in strict mode makes of a bound value, else a PDOException."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(math.floor(value + 0.5)) if value >= 0 else -int(math.floor(-value + 0.5))
    if isinstance(value, str) and is_numeric(value):
        return mysql_int(float(value))
    raise Uncaught("PDOException: Incorrect integer value")
