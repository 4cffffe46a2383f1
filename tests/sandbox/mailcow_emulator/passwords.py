# SPDX-License-Identifier: GPL-3.0-or-later
"""Password policy check and {SSHA512} hashing as Mailcow's functions.inc.php does them."""
from __future__ import annotations

import base64
import hashlib
import os
import re
from typing import Any

from . import php

# Mailcow's default PASSWD_POLICY (docker-entrypoint.sh): length 6, no character classes. Redis
# keeps the hash's values as strings, and get/passwordpolicy answers them so.
DEFAULT_POLICY = {"length": "6", "chars": "0", "special_chars": "0", "lowerupper": "0", "numbers": "0"}
POLICY_RULES = ("length", "chars", "special_chars", "lowerupper", "numbers")
# lang.en-gb.json's admin.password_policy_<rule>, as password_complexity('html') prints them.
POLICY_TEXT = {
    "length": "Minimum password length is %d",
    "chars": "Must contain at least one alphabetic character",
    "special_chars": "Must contain special characters",
    "lowerupper": "Must contain lowercase and uppercase characters",
    "numbers": "Must contain at least one number",
}

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


def edit_policy(call: Any, data: Any) -> bool:
    """password_complexity('edit'), admins only: a length below 3 (or not a number) keeps the old
    one; the other rules take intval() of whatever is given ("yes" is 0); an omitted rule stays.
    Always answers password_policy_saved."""
    log = ["password_complexity", "edit", data or []]  # an empty PHP array encodes as []
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    data = data if isinstance(data, dict) else {}
    policy = call.store.password_policy
    length = php.intval(data["length"]) if php.isset(data, "length") else 0
    if length >= 3:
        policy["length"] = str(length)
    for rule in POLICY_RULES[1:]:
        if php.isset(data, rule):
            policy[rule] = str(php.intval(data[rule]))
    call.push("success", log, "password_policy_saved")
    return True


def policy_html(policy: dict[str, str]) -> str:
    """password_complexity('html'): one line per rule whose value is not 0."""
    lines = [POLICY_TEXT[rule] % php.intval(value) if rule == "length" else POLICY_TEXT[rule]
             for rule, value in policy.items() if php.intval(value) != 0]
    return '<p class="help-block small">- ' + "<br>- ".join(lines) + "</p>"


def check(password: Any, password2: Any, policy: dict[str, str] | None = None) -> str | None:
    """password_check(): None when acceptable, else the danger msg key."""
    policy = policy or DEFAULT_POLICY
    if php.empty(password) or php.empty(password2):
        return "password_complexity"
    if not php.loose_equals(password, password2):
        return "password_mismatch"
    return None if _meets_policy(php.strval(password), policy) else "password_complexity"


def _meets_policy(password: str, policy: dict[str, str]) -> bool:
    # strlen() counts bytes, not characters; a class is required only when its value == 1.
    if len(password.encode("utf-8")) < php.intval(policy["length"]):
        return False
    required = {
        "special_chars": bool(re.search(r"[^a-zA-Z0-9]", password)),
        "chars": bool(re.search(r"[a-zA-Z]", password)),
        "numbers": bool(re.search(r"[0-9]", password)),
        "lowerupper": bool(re.search(r"[a-z]", password)) and bool(re.search(r"[A-Z]", password)),
    }
    return all(ok or php.intval(policy[name]) != 1 for name, ok in required.items())
