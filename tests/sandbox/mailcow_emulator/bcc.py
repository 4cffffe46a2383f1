# SPDX-License-Identifier: GPL-3.0-or-later
"""bcc('add'|'edit'|'delete'|'get'): BCC maps (a copy of the mail sent by or to a local address or domain).

As recorded (tests/fixtures/mailcow-api/transcripts-rewriting.jsonl): the type is ``sender`` or
``rcpt`` (anything else, or none, is ``invalid_bcc_map_type``), an empty copy address is
``bcc_empty``; a local destination that is neither a domain nor an address gives the generic "Cannot
add item"; an unknown domain or mailbox is ``access_denied``; a domain is stored as ``@domain``; the
copy address must be an address (``bcc_must_be_email``); one map per local destination and type
(``bcc_exists``); ``active`` omitted means 0. Edits change ``bcc_dest``, ``type`` and ``active``
(``local_dest`` is ignored), an unknown type kills PHP (empty body), an edit or a delete of a
missing id is ``access_denied``. The listing is in id order with the domain of each map; get of one
id adds a stray ``"0": null`` member.
"""
from __future__ import annotations

from typing import Any

from . import php, phpjson, validate
from .context import Call
from .model import now_sql

TYPES = ("sender", "rcpt")


def _log(action: str, data: Any) -> list[Any]:
    return ["bcc", action, data, None]


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    local_dest = php.trim(php.array_get(data, "local_dest")).lower()
    bcc_dest = php.array_get(data, "bcc_dest")
    kind = php.array_get(data, "type")
    if kind not in TYPES:
        call.push("danger", log, "invalid_bcc_map_type")
        return False
    if php.empty(bcc_dest):
        call.push("danger", log, "bcc_empty")
        return False
    if validate.is_valid_domain_name(local_dest):
        if call.store.domain(local_dest) is None:
            call.push("danger", log, "access_denied")
            return False
        domain, local_dest = local_dest, "@" + local_dest
    elif validate.is_email(local_dest):
        mailbox = call.store.mailbox(local_dest)
        if mailbox is None:
            call.push("danger", log, "access_denied")
            return False
        domain = mailbox.domain
    else:
        return False  # the generic "Cannot add item"
    if not validate.is_email(bcc_dest):
        call.push("danger", log, ["bcc_must_be_email", php.htmlspecialchars(bcc_dest)])
        return False
    rows = call.store.bcc_maps
    if any(row["local_dest"] == local_dest and row["type"] == kind for row in rows.values()):
        call.push("danger", log, ["bcc_exists", php.htmlspecialchars(local_dest), kind])
        return False
    row_id = call.store.next_bcc_map_id
    call.store.next_bcc_map_id += 1
    rows[row_id] = {"id": row_id, "local_dest": local_dest, "bcc_dest": bcc_dest, "active": php.intval(php.array_get(data, "active")),
                    "type": kind, "created": now_sql(), "domain": domain, "modified": None}
    call.push("success", log, "bcc_saved")
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    rows = call.store.bcc_maps
    for item in php.as_list(data.get("id")):
        row = rows.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, "access_denied")
            continue
        bcc_dest = data["bcc_dest"] if php.isset(data, "bcc_dest") else row["bcc_dest"]
        if not validate.is_email(bcc_dest):
            call.push("danger", log, ["bcc_must_be_email", php.htmlspecialchars(bcc_dest)])
            continue
        kind = data["type"] if php.isset(data, "type") else row["type"]
        if kind not in TYPES:
            raise php.Uncaught("PDOException: invalid type")  # the ENUM column refuses it: PHP dies
        if kind != row["type"] and any(other["local_dest"] == row["local_dest"] and other["type"] == kind for other in rows.values()):
            call.push("danger", log, ["bcc_exists", php.htmlspecialchars(row["local_dest"]), kind])
            continue
        row.update(bcc_dest=bcc_dest, type=kind, modified=now_sql())
        if php.isset(data, "active"):
            row["active"] = php.intval(data["active"])
        call.push("success", log, ["bcc_edited", php.htmlspecialchars(bcc_dest)])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        if call.store.bcc_maps.pop(php.intval(item) if php.is_numeric(item) else -1, None) is None:
            call.push("danger", log, "access_denied")
            continue
        call.push("success", log, ["bcc_deleted", php.htmlspecialchars(item)])
    return True


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/bcc/all: every map in id order ({} when none); get/bcc/<id>: one, {} when missing."""
    rows = call.store.bcc_maps
    if obj == "all":
        data = [dict(rows[key]) for key in sorted(rows)]
        return phpjson.encode_pretty(data) if data else "{}"
    row = rows.get(php.intval(obj)) if php.is_numeric(obj) else None
    return phpjson.encode_pretty(dict(row, **{"0": None})) if row else "{}"
