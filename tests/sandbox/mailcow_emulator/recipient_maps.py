# SPDX-License-Identifier: GPL-3.0-or-later
"""recipient_map('add'|'edit'|'delete'|'get'): recipient maps (mail to an old address or domain is rewritten to a new one).

As recorded (tests/fixtures/mailcow-api/transcripts-rewriting.jsonl): both sides are lower-cased, a
domain is stored as ``@domain``; an old side that is neither a domain nor an address is
``invalid_recipient_map_old``, a new side likewise ``invalid_recipient_map_new``; nothing checks that
the old address is free (a mailbox can be mapped away) or that the new one is local; a second map of
an old side is ``recipient_map_entry_exists`` on add, but an edit may make one (duplicates);
``active`` omitted means 0. An edit of a missing id is ``access_denied``; deleting one still answers
``recipient_map_entry_deleted``. The listing is sorted by the old side; get of one id adds a stray
``"0": null`` member.
"""
from __future__ import annotations

from typing import Any

from . import php, phpjson, validate
from .context import Call
from .model import now_sql


def _log(action: str, data: Any) -> list[Any]:
    return ["recipient_map", action, data, None]


def _sides(call: Call, log: list[Any], old: Any, new: Any) -> tuple[str, str] | None:
    """(old, new) as stored, or None once the danger is pushed."""
    old_dest = php.strtolower(php.trim(old))
    old_dest = old_dest[1:] if old_dest.startswith("@") else old_dest
    new_dest = php.strtolower(php.trim(new))
    new_dest = new_dest[1:] if new_dest.startswith("@") and validate.is_valid_domain_name(new_dest[1:]) else new_dest
    if validate.is_valid_domain_name(old_dest):
        old_dest = "@" + (validate.idn_to_ascii(old_dest) or old_dest)
    elif not validate.is_email(old_dest):
        call.push("danger", log, ["invalid_recipient_map_old", php.htmlspecialchars(old_dest)])
        return None
    if validate.is_valid_domain_name(new_dest):
        new_dest = "@" + (validate.idn_to_ascii(new_dest) or new_dest)
    elif not validate.is_email(new_dest):
        call.push("danger", log, ["invalid_recipient_map_new", php.htmlspecialchars(new_dest)])
        return None
    return old_dest, new_dest


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    sides = _sides(call, log, php.array_get(data, "recipient_map_old"), php.array_get(data, "recipient_map_new"))
    if sides is None:
        return False
    old_dest, new_dest = sides
    rows = call.store.recipient_maps
    if any(row["recipient_map_old"] == old_dest for row in rows.values()):
        call.push("danger", log, ["recipient_map_entry_exists", php.htmlspecialchars(old_dest)])
        return False
    row_id = call.store.next_recipient_map_id
    call.store.next_recipient_map_id += 1
    rows[row_id] = {"id": row_id, "recipient_map_old": old_dest, "recipient_map_new": new_dest,
                    "active": php.intval(php.array_get(data, "active")), "created": now_sql(), "modified": None}
    call.push("success", log, ["recipient_map_entry_saved", php.htmlspecialchars(old_dest)])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    rows = call.store.recipient_maps
    for item in php.as_list(data.get("id")):
        row = rows.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, "access_denied")
            continue
        sides = _sides(call, log, data["recipient_map_old"] if php.isset(data, "recipient_map_old") else row["recipient_map_old"],
                       data["recipient_map_new"] if php.isset(data, "recipient_map_new") else row["recipient_map_new"])
        if sides is None:
            continue
        row.update(recipient_map_old=sides[0], recipient_map_new=sides[1], modified=now_sql())
        if php.isset(data, "active"):
            row["active"] = php.intval(data["active"])
        call.push("success", log, ["recipient_map_entry_saved", php.htmlspecialchars(sides[0])])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        call.store.recipient_maps.pop(php.intval(item), None)
        call.push("success", log, ["recipient_map_entry_deleted", php.htmlspecialchars(item)])
    return True


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/recipient_map/all: every map sorted by the old side ({} when none); get/recipient_map/<id>: one, {} when missing."""
    rows = call.store.recipient_maps
    if obj == "all":
        data = [dict(row) for row in sorted(rows.values(), key=lambda row: row["recipient_map_old"])]
        return phpjson.encode_pretty(data) if data else "{}"
    row = rows.get(php.intval(obj)) if php.is_numeric(obj) else None
    return phpjson.encode_pretty(dict(row, **{"0": None})) if row else "{}"
