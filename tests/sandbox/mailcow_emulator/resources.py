# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete'|'get', 'resource'): rooms, equipment and groups of a domain, kept in Mailcow's
`mailbox` table (password "RESOURCE") but never listed as mailboxes.

As recorded (tests/fixtures/mailcow-api/transcripts-resources.jsonl): the address is the description with
everything but ASCII letters and digits removed, ``@`` the domain, its case kept; it must be a valid
address (``resource_invalid``: no description, no domain); the kind is location, group or thing
(``resource_invalid``); fewer multiple bookings than -1 become -1; ``active`` omitted is 0; an
unknown domain is ``access_denied``; an address a mailbox or a resource holds is ``object_exists``,
an alias's ``is_alias``. Edits keep what they are not sent; an unknown resource is
``["resource_invalid", name]``; deletes answer ``resource_removed`` per name, ``access_denied`` for
one that does not exist. get/resource/all lists every domain's resources (domains in order, each
domain's by address regardless of case); get/resource/<address> one, ``{}`` when none.
"""
from __future__ import annotations

import re
from typing import Any

from . import php, validate
from .context import Call
from .reads import process_get_return

KINDS = ("location", "group", "thing")
_NOT_ALNUM = re.compile(r"[^\da-z]", re.IGNORECASE)


def _log(action: str, data: Any) -> list[Any]:
    return ["mailbox", action, "resource", data, None]


def details(call: Call, name: Any) -> dict[str, Any] | None:
    """mailbox('get', 'resource_details', $name), or None."""
    row = call.store.resources.get(php.strval(name).lower()) if isinstance(name, str) else None
    if row is None or not call.has_domain_access(row["domain"]):
        return None
    return {"name": row["username"], "kind": row["kind"], "multiple_bookings": row["multiple_bookings"], "description": row["name"],
            "active": row["active"], "active_int": row["active"], "domain": row["domain"], "local_part": row["local_part"]}


def get(call: Call, obj: str | None, _extra: str | None = None, _args: Any = None) -> str:
    """get/resource/all and get/resource/<address>, as json_api.php prints them."""
    if obj != "all":
        return process_get_return(details(call, obj))
    rows = sorted(call.store.resources.values(), key=lambda row: (row["domain"], row["username"].lower()))
    return process_get_return([found for found in (details(call, row["username"]) for row in rows if call.store.domain(row["domain"])) if found])


def _refusal(call: Call, domain: str, name: str, description: Any, kind: Any) -> Any:
    if not validate.is_email(name):
        return "resource_invalid"
    if php.empty(description):
        return "description_invalid"
    if kind not in KINDS:
        return "resource_invalid"
    if not validate.is_valid_domain_name(domain):
        return "domain_invalid"
    if not call.has_domain_access(domain):
        return "access_denied"
    if call.store.mailbox(name) is not None or name.lower() in call.store.resources:
        return ["object_exists", php.htmlspecialchars(name)]
    if call.store.aliases_with_address(name.lower()):
        return ["is_alias", php.htmlspecialchars(name)]
    return None


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    domain = validate.idn_to_ascii(php.trim(php.array_get(data, "domain")).lower()) or ""
    description = php.array_get(data, "description")
    local_part = _NOT_ALNUM.sub("", php.strval(description))
    name = f"{local_part}@{domain}"
    kind = php.array_get(data, "kind")
    refusal = _refusal(call, domain, name, description, kind)
    if refusal is not None:
        call.push("danger", log, refusal)
        return False
    call.store.resources[name.lower()] = {
        "username": name, "local_part": local_part, "domain": domain, "name": php.strval(description), "kind": kind,
        "multiple_bookings": max(php.intval(php.array_get(data, "multiple_bookings")), -1), "active": php.intval(php.array_get(data, "active")),
    }
    call.push("success", log, ["resource_added", php.htmlspecialchars(name)])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for name in php.as_list(data.get("name")):
        row = call.store.resources.get(php.strval(name).lower()) if details(call, name) else None
        if row is None:
            call.push("danger", log, ["resource_invalid", php.htmlspecialchars(name)])
            continue
        description = data["description"] if not php.empty(data.get("description")) else row["name"]
        kind = data["kind"] if not php.empty(data.get("kind")) else row["kind"]
        if kind not in KINDS:
            call.push("danger", log, ["resource_invalid", php.htmlspecialchars(name)])
            continue
        row.update(
            active=php.intval(data["active"]) if php.isset(data, "active") else row["active"],
            multiple_bookings=max(php.intval(data["multiple_bookings"]) if php.isset(data, "multiple_bookings") else row["multiple_bookings"], -1),
            name=php.strval(description), kind=kind,
        )
        call.push("success", log, ["resource_modified", php.htmlspecialchars(name)])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for name in php.as_list(data.get("name")):
        if not validate.is_email(name) or php.strval(name).lower() not in call.store.resources:
            call.push("danger", log, "access_denied")
            continue
        del call.store.resources[php.strval(name).lower()]
        call.push("success", log, ["resource_removed", php.htmlspecialchars(name)])
    return True
