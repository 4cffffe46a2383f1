# SPDX-License-Identifier: GPL-3.0-or-later
"""app_passwd('add'|'edit'|'delete'|'get'|'details') of functions.app_passwd.inc.php.

As the life-cycle recording shows: add answers a bare app_passwd_added (no id), accepts duplicate
names and stores htmlspecialchars(trim(name)); every read escapes the stored name once more; an
add without `active` creates the row inactive; an edit without `username` would move the row to
the API user, which the database refuses (empty body); the single-id GET always dies (empty body).
"""
from __future__ import annotations

import base64
import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from . import php, phpjson, validate
from .context import Call
from .model import now_sql
from .passwords import check as password_check
from .passwords import hash_password as dovecot_hash

PROTOCOLS = ("imap_access", "smtp_access", "dav_access", "eas_access", "pop3_access", "sieve_access")
# bcrypt's own base64 alphabet, for hashes that look like the recorded {BLF-CRYPT}$2y$10$...
_BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class AppPasswd:
    """One row of the `app_passwd` table (name as stored: escaped once)."""

    id: int
    name: str
    mailbox: str
    domain: str
    password: str
    access: dict[str, int]
    active: int
    created: str = field(default_factory=now_sql)
    modified: str | None = None
    # What the sandbox's Dovecot checks a login against ({SSHA512}, as for mailboxes). A real
    # Mailcow's Dovecot verifies the stored {BLF-CRYPT} hash itself; the emulator's stored value
    # only looks like one, so the verifiable hash travels beside it and is never shown by the API.
    verifier: str = field(default="", repr=False)


def hash_password(password: str) -> str:
    """A {BLF-CRYPT} value shaped like the recorded one; the emulator never needs to verify it."""
    salt = os.urandom(16)
    digest = hashlib.sha256(salt + password.encode("utf-8")).digest() + salt
    text = "".join(_BCRYPT_ALPHABET[b % 64] for b in base64.b64encode(digest))
    return "{BLF-CRYPT}$2y$10$" + text[:53]


def _log(action: str, data: Any) -> list[Any]:
    log = dict(data) if isinstance(data, dict) else data
    if isinstance(log, dict):
        for key in ("app_passwd", "app_passwd2"):
            if log.get(key) is not None:
                log[key] = "*"
    return ["app_passwd", action, log]


def _username(call: Call, data: Any, log: list[Any]) -> str | None:
    """The mailbox the call acts for: data['username'], else the API session's own user."""
    username = php.array_get(data, "username")
    if isinstance(username, str) and validate.is_email(username):
        if not call.has_mailbox_access(username):
            call.push("danger", log, "access_denied")
            return None
        return username
    return call.username or ""


def _access(protocols: Any) -> dict[str, int]:
    given = php.to_array(protocols)
    values = php.array_values(given)
    return {name: int(name in values) for name in PROTOCOLS}


def details(call: Call, item: Any) -> AppPasswd | None:
    rows: dict[int, AppPasswd] = call.store.app_passwds
    try:
        row = rows.get(php.intval(item)) if php.is_numeric(item) else None
    except (TypeError, ValueError):
        row = None
    if row is None or not call.has_mailbox_access(row.mailbox):
        return None
    return row


def view(row: AppPasswd) -> dict[str, Any]:
    """SELECT * in column order, the stored name escaped once more."""
    shown: dict[str, Any] = {"id": row.id, "name": php.htmlspecialchars(php.trim(row.name)), "mailbox": row.mailbox,
                             "domain": row.domain, "password": row.password, "created": row.created, "modified": row.modified}
    for name in ("imap_access", "smtp_access", "dav_access", "eas_access", "pop3_access", "sieve_access"):
        shown[name] = row.access[name]
    shown["active"] = row.active
    return shown


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    username = _username(call, data, log)
    if username is None:
        return False
    name = php.htmlspecialchars(php.trim(php.array_get(data, "app_name")))
    mailbox = call.store.mailbox(username) if call.has_mailbox_access(username) else None
    if mailbox is None:
        call.push("danger", log, "access_denied")
        return False
    problem = password_check(php.array_get(data, "app_passwd"), php.array_get(data, "app_passwd2"), call.store.password_policy)
    if problem is not None:
        call.push("danger", ["password_check", None, None], problem)
        return False
    if php.empty(name):
        call.push("danger", log, "app_name_empty")
        return False
    store = call.store
    row = AppPasswd(id=store.next_app_passwd_id, name=name, mailbox=mailbox.username, domain=mailbox.domain,
                    password=hash_password(php.strval(php.array_get(data, "app_passwd"))),
                    access=_access(php.array_get(data, "protocols")), active=php.intval(php.array_get(data, "active")),
                    verifier=dovecot_hash(php.strval(php.array_get(data, "app_passwd"))))
    store.app_passwds[row.id] = row
    store.next_app_passwd_id += 1
    call.mail_changed = True
    call.push("success", log, "app_passwd_added")
    return True


# -- edit ------------------------------------------------------------------------------------
def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    username = _username(call, data, log)
    if username is None:
        return False
    ids = php.as_list(data.get("id"))
    for item in ids:
        row = details(call, item)
        if row is None:
            call.push("danger", log, ["app_passwd_id_invalid", item])
            continue
        if not _edit_one(call, data, row, username):
            continue
        call.push("success", log, ["object_modified", php.htmlspecialchars(", ".join(php.strval(i) for i in ids))])
    return True


def _edit_one(call: Call, data: dict[str, Any], row: AppPasswd, username: str) -> bool:
    # An unnamed edit takes the name as details() reads it (escaped once more) and escapes it again.
    name = data["app_name"] if not php.empty(data.get("app_name")) else php.htmlspecialchars(php.trim(row.name))
    access = _access(data["protocols"]) if php.isset(data, "protocols") else dict(row.access)
    active = php.intval(data["active"]) if php.isset(data, "active") else row.active
    password, password2 = data.get("app_passwd"), data.get("app_passwd2")
    values: dict[str, Any] = {"name": php.htmlspecialchars(php.trim(name)), "access": access, "active": active}
    changed = False
    if not php.empty(password) and not php.empty(password2):
        problem = password_check(password, password2, call.store.password_policy)
        if problem is not None:
            call.push("danger", ["password_check", None, None], problem)
            return False
        if row.mailbox.lower() == username.lower():
            row.password = hash_password(php.strval(password))
            row.verifier = dovecot_hash(php.strval(password))
            changed = True
    owner = call.store.mailbox(username)
    if owner is None:
        # `mailbox` = 'API': the foreign key to the mailbox table refuses it, PDO throws.
        raise php.Uncaught("PDOException: Cannot add or update a child row")
    values["mailbox"] = owner.username
    for key, value in values.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
            changed = True
    if changed:
        row.modified = now_sql()
    call.mail_changed = True
    return True


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        row = call.store.app_passwds.get(php.intval(item)) if php.is_numeric(item) else None
        if row is None:
            call.push("danger", log, "app_passwd_id_invalid")
            return False
        if not call.has_mailbox_access(row.mailbox):
            call.push("danger", log, "access_denied")
            return False
        del call.store.app_passwds[row.id]
        call.mail_changed = True
        call.push("success", log, ["app_passwd_removed", php.htmlspecialchars(item)])
    return True


def drop_mailbox(call: Call, username: str) -> None:
    """mailbox('delete', 'mailbox') also deletes the mailbox's app passwords."""
    for key in [key for key, row in call.store.app_passwds.items() if row.mailbox.lower() == username.lower()]:
        del call.store.app_passwds[key]


# -- get -------------------------------------------------------------------------------------
def get(call: Call, obj: str | None, extra: str | None, args: dict[str, str]) -> str:
    if obj == "all":
        owner = extra if not php.empty(extra) else (call.username or "")
        rows = sorted((r for r in call.store.app_passwds.values() if r.mailbox.lower() == owner.lower()), key=lambda r: r.id)
        data = [view(r) for r in rows if details(call, r.id) is not None]
        return phpjson.encode_pretty(data) if data else "{}"
    if php.empty(obj):
        return "{}"  # $object['id'] of null is null: details(null) finds nothing
    return ""  # $object['id'] on a string throws in PHP 8: the exception handler prints nothing
