# SPDX-License-Identifier: GPL-3.0-or-later
"""oauth2('add'|'edit'|'delete'|'details', 'client'): the server's OAuth2 clients (apps that log users in through Mailcow).

As recorded (tests/fixtures/mailcow-api/transcripts-oauth2.jsonl, and data/web/inc/functions.oauth2.inc.php):
add makes a random client id (12 hex digits) and secret (24), keeps ``redirect_uri`` as given (none,
a duplicate or "not a uri" alike) and the scope ``profile`` whatever is asked, and answers the English
"Added client access" without the id. An edit of one id does one thing: ``revoke_tokens`` (the
client's access and refresh tokens go), else ``renew_secret`` (a new secret), else a new
``redirect_uri`` (an empty one keeps the old); a missing id is ``access_denied`` and ends the edit.
A delete removes every numeric id given and answers ``items_deleted`` with the last one, also for an
id that is not there. Reads give every column, the secret in clear; a missing id reads as ``{}``.
"""
from __future__ import annotations

import secrets
from typing import Any

from . import php
from .context import Call
from .reads import process_get_return


def _log(action: str, data: Any) -> list[Any]:
    return ["oauth2", action, "client", data]


def add(call: Call, data: Any) -> bool:
    store = call.store
    row_id = store.next_oauth2_client_id
    store.next_oauth2_client_id += 1
    store.oauth2_clients[row_id] = {"id": row_id, "client_id": secrets.token_hex(6), "client_secret": secrets.token_hex(12),
                                    "redirect_uri": php.array_get(data, "redirect_uri"), "grant_types": None, "scope": "profile",
                                    "user_id": None}
    call.push("success", _log("add", data or []), "Added client access")  # an empty PHP array encodes as []
    return True


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for item in php.as_list(data.get("id")):
        row = call.store.oauth2_clients.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, "access_denied")
            return False
        if php.isset(data, "revoke_tokens"):
            call.store.oauth2_token_revocations[row["client_id"]] = call.store.oauth2_token_revocations.get(row["client_id"], 0) + 1
        elif php.isset(data, "renew_secret"):
            row["client_secret"] = secrets.token_hex(12)
        elif php.empty(data.get("redirect_uri")) and php.empty(row["redirect_uri"]):
            call.push("danger", log, "Redirect/Callback URL cannot be empty")
            continue
        elif not php.empty(data.get("redirect_uri")):
            row["redirect_uri"] = data["redirect_uri"]
        call.push("success", log, ["object_modified", php.htmlspecialchars(item)])
    return True


def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    last: Any = None
    for item in php.as_list(data.get("id")):
        last = item
        if not php.is_numeric(item):
            call.push("danger", log, "access_denied")
            continue
        call.store.oauth2_clients.pop(php.intval(item), None)
    call.push("success", log, ["items_deleted", php.htmlspecialchars(last)])
    return True


def get(call: Call, obj: str | None, _extra: str | None, _args: Any = None) -> str:
    """get/oauth2-client/all: every client by id ({} when none); get/oauth2-client/<id>: one, {} when missing."""
    rows = call.store.oauth2_clients
    if obj == "all":
        return process_get_return([dict(rows[key]) for key in sorted(rows)])
    row = rows.get(php.intval(obj)) if php.is_numeric(obj) else None
    return process_get_return(dict(row) if row else None)
