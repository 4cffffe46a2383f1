# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete'|'get', 'time_limited_alias'): a mailbox's time-limited (spam) aliases, the ``spamalias`` table.

As recorded (tests/fixtures/mailcow-api/transcripts-spam-policy.jsonl): add {username, domain, validity
(hours, 1 to 87600, default 8760), description, permanent} makes an alias with a random readable
name (``caveda.vojico@domain``) and answers ``["mailbox_modified", username]`` without it; an unknown
mailbox is ``access_denied``, a validity out of range ``validity_missing``, a domain that is not the
mailbox's (or none, or no username) ``domain_invalid``. There is no duplicate check. The listing
get/time_limited_aliases/<mailbox> is sorted by address, ``validity`` a Unix timestamp, ``{}`` for
none, an unknown mailbox and ``all``. Edits take ``validity`` (hours from now, negative accepted),
``description`` and ``permanent``, answer ``["mailbox_modified", ""]``, a missing address is
``access_denied``, an empty ``attr`` does nothing ("Task completed"). Deletes answer
``["mailbox_modified", goto]`` per address, a missing one ``access_denied``.

Inferred, not recorded: an edit changes only the attributes it is given, and the listing leaves out
aliases whose validity has passed (the recording shows one gone from the listing after its validity
was set to -5 hours).
"""
from __future__ import annotations

import random
import re
import time
from typing import Any

from . import php, phpjson, validate
from .context import Call
from .model import now_sql

DEFAULT_VALIDITY = 8760
MAX_VALIDITY = 87600
CONSONANTS = "bcdfghjklmnpqrstvwxyz"
VOWELS = "aeiou"


def _readable(length: int) -> str:
    """readable_random_string(): consonants and vowels in turn."""
    return "".join(random.choice(CONSONANTS if index % 2 == 0 else VOWELS) for index in range(length))


def _filter_int(value: Any) -> int | None:
    """filter_var($value, FILTER_VALIDATE_INT, 1..87600): an int, or a string of one (surrounding space allowed)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
        number = int(value)
    else:
        return None
    return number if 1 <= number <= MAX_VALIDITY else None


def add(call: Call, data: Any) -> bool:
    log = ["mailbox", "add", "time_limited_alias", data, None]
    username = php.array_get(data, "username")
    if validate.is_email(username):
        if not call.has_mailbox_access(username):
            call.push("danger", log, "access_denied")
            return False
    else:
        username = call.username
    hours = DEFAULT_VALIDITY
    if php.isset(data, "validity"):
        hours = _filter_int(php.array_get(data, "validity")) or 0
        if not hours:
            call.push("danger", log, "validity_missing")
            return False
    mailbox = call.store.mailbox(username)
    domain = php.array_get(data, "domain")
    valid = [mailbox.domain] + [a.alias_domain for a in call.store.alias_domains.values() if a.target_domain == mailbox.domain] if mailbox else []
    if not isinstance(domain, str) or domain not in valid:
        call.push("danger", log, "domain_invalid")
        return False
    while True:
        address = "%s.%s@%s" % (_readable(random.randint(3, 9)), _readable(random.randint(3, 9)), domain)
        if address not in call.store.spamaliases:
            break
    call.store.spamaliases[address] = {
        "address": address, "goto": mailbox.username if mailbox else username, "description": php.strval(php.array_get(data, "description")),
        "validity": int(time.time()) + hours * 3600, "created": now_sql(), "modified": None, "permanent": php.intval(php.array_get(data, "permanent")),
    }
    call.push("success", log, ["mailbox_modified", username])
    return True


def _owned(call: Call, address: Any, log: list[Any]) -> dict[str, Any] | None:
    """The alias at ``address`` when the caller may manage its mailbox; else None, with Mailcow's access_denied."""
    row = call.store.spamaliases.get(address) if isinstance(address, str) else None
    if row is None or not call.has_mailbox_access(row["goto"]):
        call.push("danger", log, "access_denied")
        return None
    return row


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = ["mailbox", "edit", "time_limited_alias", data, None]
    for address in php.as_list(data.get("address")):
        row = _owned(call, address, log)
        if row is None:
            continue
        if not any(php.isset(data, key) for key in ("validity", "description", "permanent")):
            continue
        if php.isset(data, "validity"):
            row["validity"] = round(time.time() + php.intval(data["validity"]) * 3600)
        if php.isset(data, "description"):
            row["description"] = php.strval(data["description"])
        if php.isset(data, "permanent"):
            row["permanent"] = php.intval(data["permanent"])
        row["modified"] = now_sql()
        call.push("success", log, ["mailbox_modified", ""])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = ["mailbox", "delete", "time_limited_alias", data, None]
    for address in php.as_list(data.get("address")):
        row = _owned(call, address, log)
        if row is None:
            continue
        del call.store.spamaliases[address]
        call.push("success", log, ["mailbox_modified", php.htmlspecialchars(row["goto"])])
    return True


def get(call: Call, obj: str | None) -> str:
    if not call.has_mailbox_access(obj):
        return "{}"
    now = time.time()
    rows = [dict(row) for key, row in sorted(call.store.spamaliases.items()) if row["goto"] == str(obj).lower() and row["validity"] >= now]
    return phpjson.encode_pretty(rows) if rows else "{}"


def drop_mailbox(call: Call, username: str) -> None:
    call.store.spamaliases = {key: row for key, row in call.store.spamaliases.items() if row["goto"] != username}
