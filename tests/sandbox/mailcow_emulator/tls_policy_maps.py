# SPDX-License-Identifier: GPL-3.0-or-later
"""tls_policy_maps('add'|'edit'|'delete'|'get'): the TLS policy Postfix uses towards a destination.

As recorded (tests/fixtures/mailcow-api/transcripts-routing.jsonl): the destination is hardly checked
on add (only an empty one or the ".domain" form is ``tls_policy_map_dest_invalid``; "bad dest!" is
saved), a second map of a destination is ``tls_policy_map_entry_exists``, a missing or unknown
policy kills PHP (empty body, nothing saved), ``active`` omitted means 0. Edits check the
destination and refuse a bad one with the wrong key ``recipient_map_entry_exists``; an edit of a
missing id is ``access_denied``; deleting one still answers ``tls_policy_map_entry_deleted``. The
listing is sorted by destination; get of one id adds a stray ``"0": null`` member.
"""
from __future__ import annotations

from typing import Any

from . import php, phpjson, validate
from .context import Call
from .model import now_sql

POLICIES = ("none", "may", "encrypt", "dane", "dane-only", "fingerprint", "verify", "secure")


def _log(action: str, data: Any) -> list[Any]:
    return ["tls_policy_maps", action, data, None]


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    dest = php.trim(php.array_get(data, "dest"))
    if php.empty(dest) or dest.startswith("."):
        call.push("danger", log, "tls_policy_map_dest_invalid")
        return False
    if any(row["dest"] == dest for row in call.store.tls_policy_maps.values()):
        call.push("danger", log, ["tls_policy_map_entry_exists", php.htmlspecialchars(dest)])
        return False
    policy = php.array_get(data, "policy")
    if policy not in POLICIES:
        raise php.Uncaught("PDOException: invalid policy")  # the ENUM column refuses it: PHP dies, nothing is saved
    row_id = call.store.next_tls_policy_map_id
    call.store.next_tls_policy_map_id += 1
    call.store.tls_policy_maps[row_id] = {"id": row_id, "dest": dest, "policy": policy, "parameters": php.trim(php.array_get(data, "parameters")),
                                          "active": php.intval(php.array_get(data, "active")), "created": now_sql(), "modified": None}
    call.push("success", log, ["tls_policy_map_entry_saved", php.htmlspecialchars(dest)])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    rows = call.store.tls_policy_maps
    for item in php.as_list(data.get("id")):
        row = rows.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, "access_denied")
            continue
        dest = php.trim(data["dest"]) if php.isset(data, "dest") else row["dest"]
        if dest != row["dest"] and (not (validate.is_valid_domain_name(dest) or validate.is_email(dest))
                                    or any(other["dest"] == dest for other in rows.values())):
            call.push("danger", log, ["recipient_map_entry_exists", php.htmlspecialchars(dest)])
            continue
        policy = data["policy"] if php.isset(data, "policy") else row["policy"]
        if policy not in POLICIES:
            raise php.Uncaught("PDOException: invalid policy")
        row.update(dest=dest, policy=policy, modified=now_sql())
        if php.isset(data, "parameters"):
            row["parameters"] = php.trim(data["parameters"])
        if php.isset(data, "active"):
            row["active"] = php.intval(data["active"])
        call.push("success", log, ["tls_policy_map_entry_saved", php.htmlspecialchars(dest)])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        call.store.tls_policy_maps.pop(php.intval(item), None)
        call.push("success", log, ["tls_policy_map_entry_deleted", php.htmlspecialchars(item)])
    return True


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/tls-policy-map/all: every map sorted by destination ({} when none); get/tls-policy-map/<id>: one, {} when missing."""
    rows = call.store.tls_policy_maps
    if obj == "all":
        data = [dict(row) for row in sorted(rows.values(), key=lambda row: row["dest"])]
        return phpjson.encode_pretty(data) if data else "{}"
    row = rows.get(php.intval(obj)) if php.is_numeric(obj) else None
    return phpjson.encode_pretty(dict(row, **{"0": None})) if row else "{}"
