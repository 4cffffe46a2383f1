# SPDX-License-Identifier: GPL-3.0-or-later
"""relayhost('add'|'edit'|'delete'|'get'): the server-wide sender-dependent relay hosts.

As recorded (tests/fixtures/mailcow-api/transcripts-routing.jsonl): no duplicate check, the host
name is not validated (only an empty one is refused, ``invalid_host``), ``active`` is ignored on add
(always 1), the add answer carries no id, and the log echoes the request with the password in
clear. Edit of a missing id is ``relayhost_invalid``; an empty host name in an edit keeps the old
one, any other is stored as given. Deleting a missing id still answers ``relayhost_removed``;
deleting one resets the domains that use it to "0" but leaves mailboxes pointing at the old id.
Reads return the password in clear, plus the UI's password_short, used_by_domains and
used_by_mailboxes; a missing id reads as ``{}``.
"""
from __future__ import annotations

from typing import Any

from . import php, phpjson
from .context import Call


def _log(action: str, data: Any) -> list[Any]:
    return ["relayhost", action, data]


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    hostname = php.trim(php.array_get(data, "hostname"))
    if php.empty(hostname):
        call.push("danger", log, ["invalid_host", ""])
        return False
    row = {
        "hostname": hostname,
        "username": php.trim(php.array_get(data, "username")),
        "password": php.trim(php.array_get(data, "password")),
        "active": 1,
    }
    store = call.store
    row_id = store.next_relayhost_id
    store.next_relayhost_id += 1
    store.relayhosts[row_id] = dict(row, id=row_id)
    call.push("success", log, ["relayhost_added", ""])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for item in php.as_list(data.get("id")):
        row = call.store.relayhosts.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, ["relayhost_invalid", php.htmlspecialchars(item)])
            continue
        if not php.empty(data.get("hostname")):
            row["hostname"] = php.strval(data["hostname"])
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
        row_id = php.intval(item)
        call.store.relayhosts.pop(row_id, None)
        for domain in call.store.domains.values():
            if domain.relayhost == row_id:
                domain.relayhost = 0
        call.push("success", log, ["relayhost_removed", php.htmlspecialchars(item)])
    return True


def _details(call: Call, row: dict[str, Any]) -> dict[str, Any]:
    domains = [d.name for name, d in sorted(call.store.domains.items()) if d.relayhost == row["id"]]
    mailboxes = [m.username for m in call.store.all_mailboxes() if str(m.attributes.get("relayhost")) == str(row["id"])]
    return {
        "id": row["id"], "hostname": row["hostname"], "username": row["username"], "password": row["password"], "active": row["active"],
        "password_short": row["password"][:3] + "...", "used_by_domains": ", ".join(domains), "used_by_mailboxes": ", ".join(mailboxes),
    }


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/relayhost/all: every row by id ({} when none); get/relayhost/<id>: one row, {} when missing."""
    rows = call.store.relayhosts
    if obj == "all":
        data = [_details(call, rows[key]) for key in sorted(rows)]
        return phpjson.encode_pretty(data) if data else "{}"
    row = rows.get(php.intval(obj)) if php.is_numeric(obj) else None
    return phpjson.encode_pretty(_details(call, row)) if row else "{}"
