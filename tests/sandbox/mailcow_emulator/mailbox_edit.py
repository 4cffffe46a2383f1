# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('edit', 'mailbox'): partial updates with Mailcow's traps reproduced.

Omitted attributes keep their value, `name` cannot be cleared, a password needs password2, the
quota is checked against what is left in the domain on *every* edit, tags only accumulate, and a
failed password check drops the rest of that mailbox's update (sender ACLs already applied).
"""
from __future__ import annotations

from typing import Any

from . import passwords, php, validate
from .context import Call
from .mailboxes import PROTOCOLS, INT_ATTRIBUTES, add_tags, delimiter_action, log_entry
from .model import Mailbox, now_sql
from .views import MIB, mailbox_details


def edit(call: Call, data: dict[str, Any]) -> bool:
    log = log_entry("edit", "mailbox", data)
    for username in php.as_list(data.get("username")):
        call.charge("mailbox_edit")
        if not validate.is_email(username):
            call.push("danger", log, ["username_invalid", username])
            continue
        _apply_protocol_access(data)
        current = mailbox_details(call, username)
        mailbox = call.store.mailbox(username) if current else None
        if current is None or mailbox is None:
            call.push("danger", log, "access_denied")  # what a missing mailbox gets
            continue
        _edit_one(call, data, log, username, current, mailbox)
    return True


def _apply_protocol_access(data: dict[str, Any]) -> None:
    if data.get("protocol_access") is None:
        return
    listed = php.array_values(php.to_array(data["protocol_access"]))
    for name in PROTOCOLS:
        data[f"{name}_access"] = 1 if name in listed else 0


def _edit_one(call: Call, data: dict[str, Any], log: list[Any], username: str,
              current: dict[str, Any], mailbox: Mailbox) -> None:
    wanted = _wanted(data, current)
    max_new = current["max_new_quota"]
    if wanted["quota_m"] > max_new / MIB:
        call.push("danger", log, ["mailbox_quota_left_exceeded", _php_div(max_new, MIB)])
        return
    _extended_sender_acl(call, data, log, mailbox)
    _sender_acl(call, data, log, mailbox)
    password = data.get("password") if not php.empty(data.get("password")) else None
    if password is not None:
        password2 = data.get("password2") if not php.empty(data.get("password2")) else None
        problem = passwords.check(password, password2, call.store.password_policy)
        if problem is not None:
            call.push("danger", ["password_check", None, None], problem)
            return
        call.charge("password_hash")
        wanted["password"] = passwords.hash_password(php.strval(password))
        wanted["attributes"]["passwd_update"] = now_sql()
    _store(call, mailbox, wanted)
    if php.isset(data, "tagged_mail_handler"):
        delimiter_action(call, {"username": username, "tagged_mail_handler": data["tagged_mail_handler"]})
    tags = data.get("tags")
    add_tags(call, mailbox, php.array_values(tags) if isinstance(tags, (list, dict)) else [], log)
    call.push("success", log, ["mailbox_modified", username])


def _wanted(data: dict[str, Any], current: dict[str, Any]) -> dict[str, Any]:
    attributes = dict(current["attributes"])
    for key in INT_ATTRIBUTES + ("relayhost",):
        if key in ("tls_enforce_in", "tls_enforce_out"):
            continue  # only edit/tls_policy changes these
        value = php.intval(data[key]) if php.isset(data, key) else php.intval(attributes.get(key))
        attributes[key] = str(value)  # PDO binds strings: JSON_SET stores "1", not 1
    recovery = data.get("pw_recovery_email") if php.isset(data, "pw_recovery_email") else attributes.get("recovery_email")
    attributes["recovery_email"] = None if recovery is None else php.strval(recovery)
    attribute_hash = data.get("attribute_hash")
    attributes["attribute_hash"] = php.strval(attribute_hash) if not php.empty(attribute_hash) else ""
    name = data.get("name")
    quota_has_content = php.isset(data, "quota") and data["quota"] != "" and data["quota"] is not False
    quota_m = php.intval(data["quota"]) if quota_has_content else _php_div(current["quota"], MIB)
    return {
        "active": php.intval(data["active"]) if php.isset(data, "active") else current["active"],
        "name": php.strval(name).rstrip(">").lstrip("<") if not php.empty(name) else current["name"],
        "quota_m": quota_m,
        "attributes": attributes,
    }


def _php_div(dividend: int, divisor: int) -> Any:
    """PHP `/`: an int when exact, else a float."""
    return dividend // divisor if dividend % divisor == 0 else dividend / divisor


def _store(call: Call, mailbox: Mailbox, wanted: dict[str, Any]) -> None:
    before = (mailbox.active, mailbox.name, mailbox.quota, mailbox.password, dict(mailbox.attributes))
    mailbox.active = wanted["active"]
    mailbox.name = wanted["name"]
    mailbox.quota = int(wanted["quota_m"] * MIB)
    mailbox.password = wanted.get("password", mailbox.password)
    mailbox.attributes = wanted["attributes"]
    for alias in call.store.aliases_with_address(mailbox.username):
        alias.active = mailbox.active  # the self-alias follows the mailbox
    after = (mailbox.active, mailbox.name, mailbox.quota, mailbox.password, mailbox.attributes)
    if after != before:  # ON UPDATE CURRENT_TIMESTAMP only fires on a real change
        mailbox.modified = now_sql()
    call.mail_changed = True


def _sender_acl(call: Call, data: dict[str, Any], log: list[Any], mailbox: Mailbox) -> None:
    """sender_acl replaces the internal send-as set; ["default"] resets it, "*" means any."""
    if data.get("sender_acl") is None:
        return
    requested = php.array_values(php.to_array(data["sender_acl"]))
    if "*" in requested:
        wanted = ["*"]
    elif requested == ["default"]:
        wanted = []
    else:
        wanted = list(requested)
        if "default" in wanted:
            wanted.remove("default")
    accepted = [value for value in wanted if _sender_acl_ok(call, log, value)]
    if "*" in accepted:
        accepted = ["*"]
    allowed = _fixed_sender_aliases(call, mailbox.username)
    result: list[str] = []
    for value in accepted:
        bare = php.strval(value).lstrip("@")
        entry = "@" + bare if validate.is_valid_domain_name(bare) else php.strval(value)
        if entry not in allowed and entry not in result:
            result.append(entry)
    mailbox.sender_acl = result


def _sender_acl_ok(call: Call, log: list[Any], value: Any) -> bool:
    text = php.strval(value)
    bare = text.lstrip("@")
    ok = validate.is_email(text) or validate.is_valid_domain_name(bare) or text == "*"
    if ok and validate.is_valid_domain_name(bare):
        ok = call.store.domain(bare) is not None and call.has_domain_access(bare)
    if ok and validate.is_email(text):
        ok = any(call.has_domain_access(a.domain) for a in call.store.aliases_with_address(text))
    if not ok:
        call.push("danger", log, ["sender_acl_invalid", value])
    return ok


def _fixed_sender_aliases(call: Call, username: str) -> list[str]:
    """Addresses the user may already send as through an alias with sender_allowed=1."""
    owned = []
    for alias in call.store.alias_rows():
        targets = [t.strip().lower() for t in alias.goto.split(",")]
        if alias.sender_allowed == 1 and username in targets:
            owned.append(alias.address)
    return owned


def _extended_sender_acl(call: Call, data: dict[str, Any], log: list[Any], mailbox: Mailbox) -> None:
    """extended_sender_acl: external addresses/domains only (mailcow domains are refused)."""
    if data.get("extended_sender_acl") is None:
        return
    local_domains = set(call.store.domain_names())
    accepted: list[str] = []
    # Mailcow reports a local *domain* entry with $extra_acl_domain, a variable only the e-mail
    # branch sets: the previous e-mail entry's domain, or null.
    email_domain: str | None = None
    for raw in php.split_list(data["extended_sender_acl"]):
        if not raw:
            continue
        value = raw[1:] if raw.startswith("@") else raw
        if not validate.is_email(value) and not validate.is_valid_domain_name(value):
            call.push("danger", log, ["extra_acl_invalid", php.htmlspecialchars(value)])
            continue
        if validate.is_email(value):
            email_domain = validate.idn_to_ascii(value.split("@", 1)[1]) or ""
            local = email_domain in local_domains
        else:
            local = value in local_domains
        if local:
            call.push("danger", log, ["extra_acl_invalid_domain", email_domain])
            continue
        entry = value if validate.is_email(value) else "@" + value
        if entry not in accepted:
            accepted.append(entry)
    mailbox.external_sender_acl = accepted
