# SPDX-License-Identifier: GPL-3.0-or-later
"""domain_admin('add'|'edit'|'delete'|'details') and acl('edit', 'domainadmin') as Mailcow has them.

Three tables: `admin` (password, active, attributes), `domain_admins` (one row per domain: what
GET shows) and `da_acl` (the ACL; no GET). add/domain-admin checks each domain only while
inserting: a missing one answers domain_invalid, and the admin row is written only when at least
one domain was valid, but the da_acl row always is and success is reported anyway. That leftover
da_acl row is the "ghost": GET does not show it, delete answers username_invalid, and the next add
of the name writes the admin, then dies on the duplicate da_acl row (empty body). Recorded in
tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl (add_domain_admin_domains_comma_string,
get_domain_admin_after_comma_string, add_domain_admin_retry_after_comma_string).
"""
from __future__ import annotations

from typing import Any

from . import passwords, php, validate
from .context import Call
from .model import DA_ACL_DEFAULTS, Admin, DomainAdminRow
from .reads import process_get_return


def _masked(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    return {key: "*" if key in ("password", "password2") and value is not None else value for key, value in data.items()}


def _log(action: str, data: Any) -> list[Any]:
    return ["domain_admin", action, _masked(data)]


def _valid_username(username: str) -> bool:
    bare = username.replace("_", "").replace(".", "").replace("-", "")
    return bare.isascii() and bare.isalnum()


def _domain_ok(call: Call, domain: Any) -> bool:
    return isinstance(domain, str) and validate.is_valid_domain_name(domain) and call.store.domain(domain) is not None


# -- get -------------------------------------------------------------------------------------
def details(call: Call, username: Any) -> dict[str, Any] | None:
    if not call.is_admin or not isinstance(username, str) or not _valid_username(username):
        return None
    rows = call.store.domain_admin_rows_of(username)
    if not rows:
        return None
    admin = call.store.admins.get(rows[0].username)
    mine = {row.domain for row in rows}
    selected = [d for d in call.store.domain_names() if d in mine]
    unselected = [d for d in call.store.domain_names() if d not in mine]
    data: dict[str, Any] = {
        "username": rows[0].username, "tfa_active": 0, "tfa_active_int": 0,
        "active": rows[0].active, "active_int": rows[0].active, "created": rows[0].created,
        "attributes": dict(admin.attributes) if admin else {"force_tfa": "0", "force_pw_update": "0"},
    }
    if selected:
        data["selected_domains"] = selected
    data["unselected_domains"] = unselected or ""
    return data


def get(call: Call, obj: str | None, extra: str | None, args: dict[str, str]) -> str:
    call.charge("domain_get")
    if obj != "all":
        return process_get_return(details(call, obj))
    names = sorted({row.username for row in call.store.domain_admin_rows if row.username in call.store.admins})
    data = [d for d in (details(call, name) for name in names) if d]
    return process_get_return(data) if names else "{}"


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    username = php.trim(php.array_get(data, "username")).lower()
    domains = php.array_values(php.to_array(php.array_get(data, "domains")))
    refusal = _add_refusal(call, username, domains)
    if refusal is not None:
        call.push("danger", log, refusal)
        return False
    problem = passwords.check(php.array_get(data, "password"), php.array_get(data, "password2"), call.store.password_policy)
    if problem is not None:
        call.push("danger", ["password_check", None, None], problem)
        return False
    call.charge("password_hash")
    active = php.intval(php.array_get(data, "active"))
    valid = 0
    for domain in domains:
        if not _domain_ok(call, domain):
            call.push("danger", log, ["domain_invalid", php.htmlspecialchars(domain)])
            continue
        valid += 1
        call.store.domain_admin_rows.append(DomainAdminRow(username, str(domain).lower(), active))
    if valid:
        if username in call.store.admins:
            raise php.Uncaught("PDOException: Duplicate entry for key PRIMARY (admin)")
        call.store.admins[username] = Admin(username, passwords.hash_password(php.strval(php.array_get(data, "password"))), active)
    if username in call.store.da_acl:
        raise php.Uncaught("PDOException: Duplicate entry for key PRIMARY (da_acl)")
    call.store.da_acl[username] = dict(DA_ACL_DEFAULTS)
    call.push("success", log, ["domain_admin_added", php.htmlspecialchars(username)])
    return True


def _add_refusal(call: Call, username: str, domains: list[Any]) -> Any:
    if not call.is_admin:
        return "access_denied"
    if not domains:
        return "domain_invalid"
    if not _valid_username(username) or php.empty(username):
        return ["username_invalid", username]
    taken = call.store.mailbox(username) is not None or username in call.store.admins or call.store.domain_admin_rows_of(username)
    if taken:
        return ["object_exists", php.htmlspecialchars(username)]
    return None


# -- edit ------------------------------------------------------------------------------------
def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    for username in php.as_list(data.get("username")):
        is_now = details(call, username)
        if not is_now:
            call.push("danger", log, "access_denied")
            continue
        wanted = _edit_values(data, is_now)
        refusal = _edit_refusal(call, wanted, is_now["username"])
        if refusal is not None:
            call.push("danger", log, refusal)
            continue
        _apply_rows(call, is_now["username"], wanted)
        if not php.empty(data.get("password")):
            problem = passwords.check(data.get("password"), data.get("password2"), call.store.password_policy)
            if problem is not None:
                call.push("danger", ["password_check", None, None], problem)
                return False  # the domain rows above are already rewritten, as in Mailcow
            call.charge("password_hash")
        _apply_admin(call, is_now["username"], wanted, data.get("password"))
        call.push("success", log, ["domain_admin_modified", php.htmlspecialchars(username)])
    return True


def _edit_values(data: dict[str, Any], is_now: dict[str, Any]) -> dict[str, Any]:
    domains = php.array_values(php.to_array(data["domains"])) if php.isset(data, "domains") else []
    return {
        "active": php.intval(data["active"]) if php.isset(data, "active") else is_now["active"],
        "domains": domains if not php.empty(domains) else list(is_now.get("selected_domains") or []),
        "username": php.strval(data["username_new"]).lower() if not php.empty(data.get("username_new")) else is_now["username"],
        "attributes": {key: "1" if php.intval(data.get(key) or 0) else "0" for key in ("force_tfa", "force_pw_update")},
    }


def _edit_refusal(call: Call, wanted: dict[str, Any], username: str) -> Any:
    for domain in wanted["domains"]:
        if not _domain_ok(call, domain):
            return ["domain_invalid", php.htmlspecialchars(domain)]
    if not _valid_username(wanted["username"]):
        return ["username_invalid", wanted["username"]]
    if wanted["username"] != username and details(call, wanted["username"]):
        return ["username_invalid", wanted["username"]]
    return None


def _apply_rows(call: Call, username: str, wanted: dict[str, Any]) -> None:
    """DELETE and re-INSERT the domain_admins rows (so `created` changes), rename the da_acl row."""
    store, new = call.store, wanted["username"]
    store.domain_admin_rows = [row for row in store.domain_admin_rows if row.username != username]
    if username in store.da_acl:
        store.da_acl[new] = store.da_acl.pop(username)
    store.domain_admin_rows.extend(DomainAdminRow(new, str(d).lower(), wanted["active"]) for d in wanted["domains"])
    call.charge("domain_edit")


def _apply_admin(call: Call, username: str, wanted: dict[str, Any], password: Any) -> None:
    """UPDATE admin: name, active, force_tfa/force_pw_update (reset to 0 unless sent), password if given."""
    admin = call.store.admins.pop(username, None)
    if admin is None:
        return
    admin.username, admin.active, admin.attributes = wanted["username"], wanted["active"], wanted["attributes"]
    if not php.empty(password):
        admin.password = passwords.hash_password(php.strval(password))
    call.store.admins[admin.username] = admin


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    for username in php.as_list(data.get("username")):
        if not details(call, username):
            call.push("danger", log, ["username_invalid", username])
            continue
        name = php.strval(username).lower()
        call.store.domain_admin_rows = [row for row in call.store.domain_admin_rows if row.username != name]
        call.store.admins.pop(name, None)
        call.store.da_acl.pop(name, None)
        call.charge("domain_delete")
        call.push("success", log, ["domain_admin_removed", php.htmlspecialchars(username)])
    return True


# -- edit/da-acl -----------------------------------------------------------------------------
def edit_acl(call: Call, data: dict[str, Any]) -> bool:
    """acl('edit', 'domainadmin'): every ACL not listed is set to 0; unknown names are ignored."""
    log = ["acl", "edit", "domainadmin", data]
    wanted = {php.strval(name) for name in php.array_values(php.to_array(data.get("da_acl")))}
    for username in php.as_list(data.get("username")):
        row = call.store.da_acl.get(php.strval(username).lower())
        if row is None:
            call.push("danger", log, "Cannot determine current ACL")
            continue
        for name in row:
            row[name] = int(name in wanted)
        call.push("success", log, ["acl_saved", username])
    return True
