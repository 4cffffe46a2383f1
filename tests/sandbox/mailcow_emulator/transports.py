# SPDX-License-Identifier: GPL-3.0-or-later
"""transport('add'|'edit'|'delete'|'get'): the server-wide transport maps (destination -> next hop).

As recorded (tests/fixtures/mailcow-api/transcripts-routing.jsonl): answers use the relayhost_*
message keys; an add without a destination gives the generic "Cannot add item"; the destination is
split on spaces, commas and semicolons and each part added or refused on its own, in one answer
(``transport_dest_exists``, ``invalid_destination``); a destination is a domain (optionally with a
leading dot), ``*`` or an address, or with ``is_mx_based`` a regular expression; a bare IP next hop
is stored in brackets; two transports to the same next hop must use the same user name
(``invalid_nexthop_authenticated``); an add without ``active`` makes an inactive transport. Edits
do not split the destination and answer ``transport_dest_exists`` without arguments; an edit of a
missing id is ``relayhost_invalid``; deleting a missing id still answers ``relayhost_removed``.
Reads return the password in clear, plus the UI's password_short.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Any

from . import php, phpjson, validate
from .context import Call

_SPLIT = re.compile(r"[ ,;\n]")


def _log(action: str, data: Any) -> list[Any]:
    return ["transport", action, data]


def _bracketed(nexthop: str) -> str:
    try:
        ipaddress.ip_address(nexthop)
    except ValueError:
        return nexthop
    return "[" + nexthop + "]"


def _clean(nexthop: str) -> str:
    match = re.match(r"\[(.+)\].*", nexthop)
    return match.group(1) if match else nexthop


def _destination_ok(dest: str, is_mx_based: int) -> bool:
    if php.empty(dest):
        return False
    if is_mx_based:
        try:
            re.compile(dest)
        except re.error:
            return False
        return True
    return dest == "*" or validate.is_valid_domain_name(dest[1:] if dest.startswith(".") else dest) or validate.is_email(dest)


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    if not php.isset(data, "destination"):
        return False  # "Cannot add item"
    nexthop = _bracketed(php.trim(php.array_get(data, "nexthop")))
    username = php.trim(php.array_get(data, "username"))
    password = php.trim(php.array_get(data, "password"))
    is_mx_based = php.intval(php.array_get(data, "is_mx_based"))
    if php.empty(nexthop):
        call.push("danger", log, ["invalid_nexthop"])
        return False
    rows = call.store.transports
    for row in rows.values():
        if row["nexthop"] in (nexthop, _clean(nexthop)) and row["username"] != username:
            call.push("danger", log, "invalid_nexthop_authenticated")
            return False
    wanted = []
    for dest in (part.strip() for part in _SPLIT.split(php.strval(data["destination"]))):
        if any(row["destination"] == dest for row in rows.values()):
            call.push("danger", log, ["transport_dest_exists", dest])
        elif not _destination_ok(dest, is_mx_based):
            if dest:
                call.push("danger", log, ["invalid_destination", dest])
        elif dest not in wanted:
            wanted.append(dest)
    if not wanted:
        return False
    for dest in wanted:
        row_id = call.store.next_transport_id
        call.store.next_transport_id += 1
        rows[row_id] = {"id": row_id, "is_mx_based": is_mx_based, "destination": dest, "nexthop": nexthop, "username": username,
                        "password": password, "active": php.intval(php.array_get(data, "active"))}
    call.push("success", log, ["relayhost_added", ""])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    rows = call.store.transports
    for item in php.as_list(data.get("id")):
        row = rows.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, ["relayhost_invalid", php.htmlspecialchars(item)])
            continue
        if not php.empty(data.get("destination")):
            dest = php.trim(data["destination"])
            if not _destination_ok(dest, row["is_mx_based"]):
                call.push("danger", log, ["invalid_destination", dest])
                continue
            if any(other["destination"] == dest and other["id"] != row["id"] for other in rows.values()):
                call.push("danger", log, "transport_dest_exists")
                continue
            row["destination"] = dest
        if not php.empty(data.get("nexthop")):
            row["nexthop"] = _bracketed(php.trim(data["nexthop"]))
        for key in ("username", "password"):
            if php.isset(data, key):
                row[key] = php.trim(data[key])
        if php.isset(data, "active"):
            row["active"] = php.intval(data["active"])
        call.push("success", log, ["object_modified", ""])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        call.store.transports.pop(php.intval(item), None)
        call.push("success", log, ["relayhost_removed", php.htmlspecialchars(item)])
    return True


def _details(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "is_mx_based", "destination", "nexthop", "username", "password", "active")
    return dict({key: row[key] for key in keys}, password_short=row["password"][:3] + "...")


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/transport/all: every row by id ({} when none); get/transport/<id>: one row, {} when missing."""
    rows = call.store.transports
    if obj == "all":
        data = [_details(rows[key]) for key in sorted(rows)]
        return phpjson.encode_pretty(data) if data else "{}"
    row = rows.get(php.intval(obj)) if php.is_numeric(obj) else None
    return phpjson.encode_pretty(_details(row)) if row else "{}"
