# SPDX-License-Identifier: GPL-3.0-or-later
"""Validators Mailcow relies on: FILTER_VALIDATE_EMAIL, is_valid_domain_name, IDN, ip_acl."""
from __future__ import annotations

import ipaddress
import re

# PHP's FILTER_VALIDATE_EMAIL pattern (ext/filter, Michael Rushton's regex as PHP ships it).
# Reproduced rather than approximated: whether Mailcow answers mailbox_invalid, goto_invalid or
# username_invalid depends on exactly this pattern (e.g. a domain needs a dot, no spaces).
_EMAIL = re.compile(
    r"^(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){255,})"
    r"(?!(?:(?:\x22?\x5C[\x00-\x7E]\x22?)|(?:\x22?[^\x5C\x22]\x22?)){65,}@)"
    r"(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)"
    r"|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22))"
    r"(?:\.(?:(?:[\x21\x23-\x27\x2A\x2B\x2D\x2F-\x39\x3D\x3F\x5E-\x7E]+)"
    r"|(?:\x22(?:[\x01-\x08\x0B\x0C\x0E-\x1F\x21\x23-\x5B\x5D-\x7F]|(?:\x5C[\x00-\x7F]))*\x22)))*"
    r"@(?:(?:(?!.*[^.]{64,})(?:(?:(?:xn--)?[a-z0-9]+(?:-+[a-z0-9]+)*\.){1,126}){1,}"
    r"(?:(?:[a-z][a-z0-9]*)|(?:(?:xn--)[a-z0-9]+))(?:-+[a-z0-9]+)*)"
    r"|(?:\[(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){7})"
    r"|(?:(?!(?:.*[a-f0-9][:\]]){7,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?::"
    r"(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,5})?)))"
    r"|(?:(?:IPv6:(?:(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){5}:)"
    r"|(?:(?!(?:.*[a-f0-9]:){5,})(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3})?::"
    r"(?:[a-f0-9]{1,4}(?::[a-f0-9]{1,4}){0,3}:)?)))?"
    r"(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))"
    r"(?:\.(?:(?:25[0-5])|(?:2[0-4][0-9])|(?:1[0-9]{2})|(?:[1-9]?[0-9]))){3}))\]))\Z",
    re.IGNORECASE | re.ASCII,
)
_DOMAIN_CHARS = re.compile(r"^([a-z\d](-*[a-z\d])*)(\.([a-z\d](-*[a-z\d])*))*\Z", re.IGNORECASE | re.ASCII)
_DOMAIN_LABELS = re.compile(r"^[^.]{1,63}(\.[^.]{1,63})*\Z")


def is_email(value: object) -> bool:
    """filter_var($value, FILTER_VALIDATE_EMAIL) !== false."""
    if not isinstance(value, str) or len(value) > 320:
        return False
    return bool(_EMAIL.match(value))


def idn_to_ascii(value: str) -> str | None:
    """idn_to_ascii($value, 0, INTL_IDNA_VARIANT_UTS46); None where PHP returns false.

    UTS46 maps to lower case; ASCII labels pass unchanged (no STD3 rules with flags 0), so
    "not a domain" survives here and is rejected later by is_valid_domain_name().
    """
    if value == "":
        return None
    labels = value.lower().split(".")
    out = []
    for label in labels:
        if label.isascii():
            out.append(label)
            continue
        try:
            out.append("xn--" + label.encode("punycode").decode("ascii"))
        except UnicodeError:
            return None
    result = ".".join(out)
    return result if all(len(label) <= 63 for label in out) else None


def idn_to_utf8(value: str) -> str:
    """idn_to_utf8(): punycode labels back to Unicode (used for domain_h_name)."""
    out = []
    for label in value.split("."):
        if label.lower().startswith("xn--"):
            try:
                out.append(label[4:].encode("ascii").decode("punycode"))
                continue
            except UnicodeError:
                pass
        out.append(label)
    return ".".join(out)


def is_valid_domain_name(value: object) -> bool:
    """Mailcow's is_valid_domain_name() (data/web/inc/functions.inc.php)."""
    if not isinstance(value, str) or value in ("", "0"):
        return False
    ascii_name = idn_to_ascii(value)
    if ascii_name is None:
        return False
    return bool(
        _DOMAIN_CHARS.match(ascii_name)
        and 1 <= len(ascii_name) <= 253
        and _DOMAIN_LABELS.match(ascii_name)
    )


def ip_acl(ip: str, networks: list[str]) -> bool:
    """Mailcow's ip_acl(): exact IP or CIDR match, IPv4 and IPv6."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for entry in networks:
        if _matches(address, entry.strip()):
            return True
    return False


def _matches(address: ipaddress.IPv4Address | ipaddress.IPv6Address, entry: str) -> bool:
    if not entry:
        return False
    try:
        if "/" not in entry:
            return address == ipaddress.ip_address(entry)
        network = ipaddress.ip_network(entry, strict=False)
    except ValueError:
        return False
    return address.version == network.version and address in network
