# SPDX-License-Identifier: GPL-3.0-or-later
"""fwdhost('add'|'edit'|'delete'|'get'): forwarding hosts, the servers whose mail skips the spam checks.

As recorded (tests/fixtures/mailcow-api/transcripts-routing.jsonl): they are known by host (no id);
an add of an existing host overwrites it; anything made of digits, dots, colons and slashes is taken as
given (999.999.1.1 too); only a missing host is refused (``invalid_host``). ``filter_spam`` on add
reads back inverted as ``keep_spam`` "yes"/"no"; edit takes ``keep_spam`` (missing means 0). An edit of
a missing host is ``access_denied``; deleting one still answers ``forwarding_host_removed``. Host
names, which Mailcow resolves to addresses on add, are not emulated: they are refused like a missing host.
"""
from __future__ import annotations

import re
from typing import Any

from . import php, phpjson
from .context import Call

_ADDRESSY = re.compile(r"^[0-9A-Fa-f.:/]+$")


def add(call: Call, data: Any) -> bool:
    log = ["fwdhost", "add", data]
    host = php.trim(php.array_get(data, "hostname"))
    if php.empty(host) or not _ADDRESSY.match(host):
        call.push("danger", log, ["invalid_host", php.htmlspecialchars(host)])
        return False
    keep = "no" if php.intval(php.array_get(data, "filter_spam")) else "yes"
    call.store.fwdhosts[host] = {"host": host, "source": host, "keep_spam": keep}
    call.push("success", log, ["forwarding_host_added", php.htmlspecialchars(host)])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = ["fwdhost", "edit", data]
    for item in php.as_list(data.get("fwdhost")):
        row = call.store.fwdhosts.get(php.strval(item))
        if row is None:
            call.push("danger", log, "access_denied")
            continue
        row["keep_spam"] = "yes" if php.intval(data.get("keep_spam")) else "no"
        call.push("success", log, ["object_modified", php.htmlspecialchars(item)])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = ["fwdhost", "delete", data]
    for item in php.as_list(data.get("forwardinghost")):
        call.store.fwdhosts.pop(php.strval(item), None)
        call.push("success", log, ["forwarding_host_removed", php.htmlspecialchars(item)])
    return True


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/fwdhost/all: every host in the order added ({} when none); get/fwdhost/<host>: one, {} when missing."""
    rows = call.store.fwdhosts
    if obj == "all":
        data = [dict(row) for row in rows.values()]
        return phpjson.encode_pretty(data) if data else "{}"
    row = rows.get(php.strval(obj))
    return phpjson.encode_pretty(dict(row)) if row else "{}"
