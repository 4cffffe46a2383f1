# SPDX-License-Identifier: GPL-3.0-or-later
"""Password policy check and {SSHA512} hashing as Mailcow's functions.inc.php does them."""
from __future__ import annotations

import base64
import hashlib
import os
import re
from typing import Any

from . import php

# Mailcow's default PASSWD_POLICY (docker-entrypoint.sh): length 6, no character classes.
DEFAULT_POLICY = {"length": 6, "chars": 0, "special_chars": 0, "lowerupper": 0, "numbers": 0}

# hash_password() stores these verbatim instead of hashing them again.
_PREHASHED = re.compile(
    r"^{(ARGON2I|ARGON2ID|BLF-CRYPT|CLEAR|CLEARTEXT|CRYPT|DES-CRYPT|LDAP-MD5|MD5|MD5-CRYPT|PBKDF2"
    r"|PLAIN|PLAIN-MD4|PLAIN-MD5|PLAIN-TRUNC|SHA|SHA1|SHA256|SHA256-CRYPT|SHA512|SHA512-CRYPT"
    r"|SMD5|SSHA|SSHA256|SSHA512)}",
    re.IGNORECASE,
)


def hash_password(password: str) -> str:
    """{SSHA512}base64(sha512(password . salt) . salt), salt = 16 hex chars, like Mailcow."""
    if _PREHASHED.match(password):
        return password
    salt = os.urandom(8).hex().encode("ascii")
    digest = hashlib.sha512(password.encode("utf-8") + salt).digest()
    return "{SSHA512}" + base64.b64encode(digest + salt).decode("ascii")


def verify_password(password: str, stored: str) -> bool:
    """Check a clear-text password against an {SSHA512} hash (used by tests and diagnostics)."""
    if not stored.startswith("{SSHA512}"):
        return False
    raw = base64.b64decode(stored[len("{SSHA512}"):])
    digest, salt = raw[:64], raw[64:]
    return hashlib.sha512(password.encode("utf-8") + salt).digest() == digest


def check(password: Any, password2: Any, policy: dict[str, int] | None = None) -> str | None:
    """password_check(): None when acceptable, else the danger msg key."""
    policy = policy or DEFAULT_POLICY
    if php.empty(password) or php.empty(password2):
        return "password_complexity"
    if not php.loose_equals(password, password2):
        return "password_mismatch"
    return None if _meets_policy(php.strval(password), policy) else "password_complexity"


def _meets_policy(password: str, policy: dict[str, int]) -> bool:
    # strlen() counts bytes, not characters.
    if len(password.encode("utf-8")) < policy["length"]:
        return False
    required = {
        "special_chars": bool(re.search(r"[^a-zA-Z0-9]", password)),
        "chars": bool(re.search(r"[a-zA-Z]", password)),
        "numbers": bool(re.search(r"[0-9]", password)),
        "lowerupper": bool(re.search(r"[a-z]", password)) and bool(re.search(r"[A-Z]", password)),
    }
    return all(ok or policy[name] != 1 for name, ok in required.items())
