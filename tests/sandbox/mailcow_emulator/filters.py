# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete'|'get', 'filter'): a mailbox's own Sieve filters (prefilter, postfilter).

As recorded (tests/fixtures/mailcow-api/transcripts-filters.jsonl): no duplicate check; a filter
added without ``active`` is inactive; an active add or edit first makes every filter of that
mailbox and type inactive (one active filter per type); the script is checked by Mailcow's Sieve
parser (``["sieve_error", message]``, sieve.py) and stored as sent. Missing ``username``:
``no_user_defined``, an unknown mailbox ``access_denied``, an empty script ``script_empty``, an
empty description ``value_missing``, a type other than prefilter/postfilter ``filter_type``. Edits
keep what they are not given (PHP ``empty()``: also "" and "0"); an edit or a delete of a missing
id is ``access_denied``. Reads: ``get/filters/<mailbox>`` (``{}`` when none or no such mailbox)
and ``get/filters/all`` (every domain's mailboxes in turn), each filter with ``active`` as 0/1.
"""
from __future__ import annotations

from typing import Any

from . import php, validate
from .context import Call
from .reads import process_get_return
from .sieve import SieveError, check

TYPES = ("prefilter", "postfilter")


def _log(action: str, data: Any) -> list[Any]:
    return ["mailbox", action, "filter", data, None]


def _sieve_ok(call: Call, log: list[Any], script: Any) -> bool:
    try:
        check(php.strval(script))
    except SieveError as exc:
        call.push("danger", log, ["sieve_error", str(exc)])
        return False
    return True


def _activate(call: Call, username: str, filter_type: str) -> None:
    """UPDATE sieve_filters SET script_name = 'inactive' WHERE username AND filter_type (case-insensitive collation)."""
    for row in call.store.filters.values():
        if row["username"].lower() == username.lower() and row["filter_type"] == filter_type:
            row["active"] = 0


def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    username = php.array_get(data, "username")
    if username is None or not validate.is_email(php.strval(username)):
        call.push("danger", log, "no_user_defined")  # an API key's session is no mailbox user
        return False
    if not call.has_mailbox_access(username):
        call.push("danger", log, "access_denied")
        return False
    active = php.intval(php.array_get(data, "active"))
    script, desc, filter_type = (php.array_get(data, key) for key in ("script_data", "script_desc", "filter_type"))
    if php.empty(script):
        call.push("danger", log, "script_empty")
        return False
    if not _sieve_ok(call, log, script):
        return False
    if php.empty(desc):
        call.push("danger", log, "value_missing")
        return False
    if filter_type not in TYPES:
        call.push("danger", log, "filter_type")
        return False
    if active:
        _activate(call, username, filter_type)
    store = call.store
    row_id = store.next_filter_id
    store.next_filter_id += 1
    store.filters[row_id] = {"active": 1 if active else 0, "id": row_id, "username": username, "filter_type": filter_type,
                             "script_data": php.strval(script), "script_desc": php.strval(desc)}
    call.push("success", log, ["mailbox_modified", username])
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for item in php.as_list(data.get("id")):
        row = call.store.filters.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None or not call.has_mailbox_access(row["username"]):
            call.push("danger", log, "access_denied")
            continue
        active = php.intval(data["active"]) if php.isset(data, "active") else row["active"]
        desc, script, filter_type = (data.get(key) if not php.empty(data.get(key)) else row[key]
                                     for key in ("script_desc", "script_data", "filter_type"))
        if not _sieve_ok(call, log, script):
            continue
        if filter_type not in TYPES:
            call.push("danger", log, "filter_type")
            continue
        if active == 1:
            _activate(call, row["username"], filter_type)
        row.update(active=1 if active == 1 else 0, script_desc=php.strval(desc), script_data=php.strval(script), filter_type=filter_type)
        call.push("success", log, ["mailbox_modified", row["username"]])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        if not php.is_numeric(item):
            continue
        row = call.store.filters.get(php.intval(item))
        if row is None or not call.has_mailbox_access(row["username"]):
            call.push("danger", log, "access_denied")
            continue
        del call.store.filters[row["id"]]
        call.push("success", log, ["delete_filter", php.strval(item)])
    return True


def drop_mailbox(call: Call, username: str) -> None:
    """Deleting a mailbox deletes its filters."""
    call.store.filters = {key: row for key, row in call.store.filters.items() if row["username"].lower() != username.lower()}


def _of(call: Call, username: str) -> list[dict[str, Any]]:
    return [dict(row) for key, row in sorted(call.store.filters.items()) if row["username"].lower() == username.lower()]


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/filters/all: every domain's mailboxes in turn ({} without domains); get/filters/<mailbox>: {} when none."""
    if obj == "all":
        mailboxes = [mailbox for domain in call.store.domain_names() for mailbox in call.store.mailboxes_of(domain)]
        found = [row for mailbox in mailboxes for row in _of(call, mailbox.username)]
        return process_get_return(found)
    if obj is None or not validate.is_email(obj) or not call.has_mailbox_access(obj):
        return "{}"
    return process_get_return(_of(call, obj))


def get_active_user_sieve(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """The script the user keeps active through ManageSieve or SOGo (doveadm sieve): the sandbox keeps none, so {}, as recorded."""
    return "{}"
