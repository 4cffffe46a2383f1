# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'delete', 'mailbox') and the small mailbox endpoints (tags, tls_policy).

The edit, which has the most rules, lives in mailbox_edit.py.
"""
from __future__ import annotations

from typing import Any

from . import apppasswords, filters, passwords, php, policies, sideeffects, spamaliases, templates, validate
from .context import Call, masked
from .model import Mailbox, now_sql
from .views import MIB, mailbox_details

TAGGING_LIMIT = 25
PROTOCOLS = ("imap", "pop3", "smtp", "sieve", "eas", "dav")
# VARS $MAILBOX_DEFAULT_ATTRIBUTES merged with the stock "Default" mailbox template (add/mailbox merges the
# template it uses over these: templates.attributes_for_add).
DEFAULTS: dict[str, Any] = {
    "active": 1, "force_pw_update": 0, "force_tfa": 0, "tls_enforce_in": 0, "tls_enforce_out": 0,
    "sogo_access": 1, "imap_access": 1, "pop3_access": 1, "smtp_access": 1, "sieve_access": 1,
    "eas_access": 1, "dav_access": 1, "quarantine_notification": "hourly",
    "quarantine_category": "reject", "mailbox_format": "maildir:", "rl_value": "", "rl_frame": "s",
}
INT_ATTRIBUTES = (
    "force_pw_update", "force_tfa", "tls_enforce_in", "tls_enforce_out", "sogo_access",
    "imap_access", "pop3_access", "smtp_access", "sieve_access", "eas_access", "dav_access",
)


def log_entry(action: str, kind: str, data: Any) -> list[Any]:
    return ["mailbox", action, kind, masked(data), None]


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = log_entry("add", "mailbox", data)
    local_part = php.trim(php.array_get(data, "local_part")).lower()
    domain = validate.idn_to_ascii(php.trim(php.array_get(data, "domain")).lower()) or ""
    username = f"{local_part}@{domain}"
    if not validate.is_email(username) or php.empty(php.array_get(data, "local_part")):
        call.push("danger", log, "mailbox_invalid")
        return False
    if not call.is_admin:
        # No session: the template lookup yields null and array_merge() throws a TypeError.
        raise php.Uncaught("TypeError: array_merge(): Argument #2 must be of type array")
    defaults = dict(DEFAULTS, **templates.attributes_for_add(call, data))
    values = _add_values(data, defaults)
    refusal = _add_refusal(call, data, username, domain, values)
    if refusal is not None:
        call.push("danger", *refusal)
        return False
    _insert(call, data, username, local_part, domain, values)
    call.charge("mailbox_add")
    _add_side_effects(call, data, username, log, defaults)
    call.push("success", log, ["mailbox_added", php.htmlspecialchars(username)])
    return True


def _add_values(data: Any, defaults: dict[str, Any]) -> dict[str, Any]:
    def pick(key: str) -> Any:
        return php.array_get(data, key) if php.isset(data, key) else defaults.get(key)

    values: dict[str, Any] = {key: php.intval(pick(key)) for key in ("active",) + INT_ATTRIBUTES}
    protocols = php.array_get(data, "protocol_access")
    if protocols is not None:  # a protocol_access list overrides all six *_access flags
        listed = php.array_values(php.to_array(protocols))
        for name in PROTOCOLS:
            values[f"{name}_access"] = 1 if name in listed else 0
    values["relayhost"] = php.intval(php.array_get(data, "relayhost"))
    # Omitted: the template's quota (bytes), 0 = unlimited in the stock Default template; never the domain's defquota.
    values["quota_m"] = php.intval(php.array_get(data, "quota")) if php.isset(data, "quota") else php.intval(defaults.get("quota")) // MIB
    values["quarantine_notification"] = php.strval(pick("quarantine_notification"))
    values["quarantine_category"] = php.strval(pick("quarantine_category"))
    name = php.strval(php.array_get(data, "name"))
    values["name"] = name.rstrip(">").lstrip("<")
    return values


def _add_refusal(call: Call, data: Any, username: str, domain: str,
                 values: dict[str, Any]) -> tuple[list[Any], Any] | None:
    """Checks 4-14 of add/mailbox (docs/mailcow-api.md#mailboxes), in Mailcow's order; the first failure wins."""
    log = log_entry("add", "mailbox", data)
    if values["quarantine_category"] not in ("add_header", "reject", "all"):
        return log, "quarantine_category_invalid"
    if not validate.is_valid_domain_name(domain):
        return log, "domain_invalid"
    if not call.has_domain_access(domain):
        return log, "access_denied"  # also what an unknown domain gets
    if call.store.mailbox(username) is not None or username.lower() in call.store.resources:
        return log, ["object_exists", php.htmlspecialchars(username)]
    if call.store.aliases_with_address(username):
        return log, ["is_alias", php.htmlspecialchars(username)]
    problem = passwords.check(php.array_get(data, "password"), php.array_get(data, "password2"), call.store.password_policy)
    if problem is not None:
        return ["password_check", None, None], problem
    return _quota_refusal(call, log, domain, values["quota_m"])


def _quota_refusal(call: Call, log: list[Any], domain: str, quota_m: int) -> tuple[list[Any], Any] | None:
    row = call.store.domain(domain)
    assert row is not None
    mailboxes = call.store.mailboxes_of(domain)
    used_m = int(sum(m.quota for m in mailboxes) / MIB + 0.5)  # ROUND(SUM(quota)/1048576)
    if len(mailboxes) >= row.mailboxes:
        return log, ["max_mailbox_exceeded", len(mailboxes), row.mailboxes]
    if quota_m > row.maxquota:
        return log, ["mailbox_quota_exceeded", row.maxquota]
    if used_m + quota_m > row.quota:
        return log, ["mailbox_quota_left_exceeded", row.quota - used_m]
    return None


def _insert(call: Call, data: Any, username: str, local_part: str, domain: str,
            values: dict[str, Any]) -> None:
    stamp = now_sql()
    attributes: dict[str, Any] = {key: str(values[key]) for key in INT_ATTRIBUTES}
    attributes["relayhost"] = str(values["relayhost"])
    attributes["passwd_update"] = stamp
    attributes["mailbox_format"] = DEFAULTS["mailbox_format"]
    attributes["quarantine_notification"] = values["quarantine_notification"]
    attributes["quarantine_category"] = values["quarantine_category"]
    hash_value = php.array_get(data, "attribute_hash")
    attributes["attribute_hash"] = hash_value if not php.empty(hash_value) else ""
    call.store.mailboxes[username] = Mailbox(
        username=username, local_part=local_part, domain=domain, name=values["name"],
        password=passwords.hash_password(php.strval(php.array_get(data, "password"))),
        quota=values["quota_m"] * MIB, active=values["active"], attributes=attributes,
        created=stamp, modified=stamp,  # passwd_update = NOW() right after the INSERT
    )
    # The hidden self-alias (address = goto) that lets the user send as himself.
    call.store.add_alias(address=username, goto=username, domain=domain, active=values["active"],
                         sender_allowed=1, created=stamp)
    call.mail_changed = True


def _add_side_effects(call: Call, data: Any, username: str, log: list[Any], defaults: dict[str, Any]) -> None:
    if php.isset(data, "tagged_mail_handler"):
        delimiter_action(call, {"username": username, "tagged_mail_handler": data["tagged_mail_handler"]})
    mailbox = call.store.mailbox(username)
    assert mailbox is not None
    tags = php.array_get(data, "tags") if php.isset(data, "tags") else defaults.get("tags")
    # add/mailbox needs a real array: a scalar string is iterated as nothing.
    add_tags(call, mailbox, php.array_values(tags) if isinstance(tags, (list, dict)) else [], log)
    frame = php.array_get(data, "rl_frame") if php.isset(data, "rl_frame") else defaults["rl_frame"]
    value = php.array_get(data, "rl_value") if php.isset(data, "rl_value") else defaults["rl_value"]
    sideeffects.ratelimit_edit(call, "mailbox", {"object": username, "rl_frame": frame, "rl_value": value})


def add_tags(call: Call, mailbox: Mailbox, tags: list[Any], log: list[Any]) -> None:
    """Tags are only ever added here (duplicates silently ignored, 26 at most)."""
    for index, tag in enumerate(tags):
        if php.empty(tag):
            continue
        if index > TAGGING_LIMIT:
            call.push("warning", log, ["tag_limit_exceeded", f"limit {TAGGING_LIMIT}"])
            break
        text = php.strval(tag)
        if text.lower() not in (t.lower() for t in mailbox.tags):
            mailbox.tags.append(text)


def delimiter_action(call: Call, data: dict[str, Any]) -> None:
    log = log_entry("edit", "delimiter_action", data)
    for username in php.as_list(data.get("username")):
        if not validate.is_email(username) or not call.has_mailbox_access(username):
            call.push("danger", log, "access_denied")
            continue
        call.push("success", log, ["mailbox_modified", username])


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = log_entry("delete", "mailbox", data)
    for username in php.as_list(data.get("username")):
        call.charge("mailbox_delete")
        if not validate.is_email(username) or not call.has_mailbox_access(username):
            call.push("danger", log, "access_denied")  # a missing mailbox, too
            continue
        _drop(call, call.store.mailbox(username))
        call.push("success", log, ["mailbox_removed", php.htmlspecialchars(username)])
    return True


def _drop(call: Call, mailbox: Mailbox | None) -> None:
    assert mailbox is not None
    if call.collect_maildir is not None:
        call.collect_maildir(mailbox.domain, mailbox.local_part)
    user = mailbox.username
    del call.store.mailboxes[user]
    for alias in list(call.store.alias_rows()):
        # Aliases pointing only at the user go (self-alias included); multi-target ones lose it.
        if alias.goto.lower() == user:
            del call.store.aliases[alias.id]
            continue
        targets = alias.goto.split(",")
        lowered = [t.lower() for t in targets]
        if user in lowered:
            del targets[lowered.index(user)]
            alias.goto = ",".join(targets)
            alias.modified = now_sql()
    call.store.ratelimits.pop(user, None)
    policies.drop_object(call, user)
    spamaliases.drop_mailbox(call, user)
    apppasswords.drop_mailbox(call, user)
    filters.drop_mailbox(call, user)
    call.store.syncjobs = {key: row for key, row in call.store.syncjobs.items() if row["user2"].lower() != user}
    for other in call.store.mailboxes.values():
        other.sender_acl = [s for s in other.sender_acl if s.lower() != user]
    call.mail_changed = True


def delete_tags(call: Call, data: dict[str, Any]) -> bool:
    """delete/mailbox/tag/<username>, body = list of tags to remove."""
    log = log_entry("delete", "tags_mailbox", data)
    tags = data.get("tags") if isinstance(data.get("tags"), (list, dict)) else []
    modified = False
    username: Any = None
    for username in php.as_list(data.get("username")):
        if not validate.is_email(username):
            call.push("danger", log, "email invalid")
            continue
        details = mailbox_details(call, username)
        mailbox = call.store.mailbox(username) if details else None
        if mailbox is None:
            call.push("danger", log, "access_denied")
            continue
        for tag in php.array_values(tags):
            modified = True
            mailbox.tags = [t for t in mailbox.tags if t.lower() != php.strval(tag).lower()]
    if not modified:
        return False
    call.push("success", log, ["mailbox_modified", username])
    return True


# -- tls_policy ------------------------------------------------------------------------------
def edit_tls_policy(call: Call, data: dict[str, Any]) -> bool:
    """edit/tls_policy: the only way to change tls_enforce_in/out after the add."""
    log = log_entry("edit", "tls_policy", data)
    for username in php.as_list(data.get("username")):
        call.charge("mailbox_edit")
        mailbox = call.store.mailbox(username) if call.has_mailbox_access(username) else None
        if mailbox is None:
            call.push("danger", log, "access_denied")
            continue
        before = dict(mailbox.attributes)
        for key in ("tls_enforce_in", "tls_enforce_out"):
            if php.isset(data, key):
                mailbox.attributes[key] = str(php.intval(data[key]))
        if mailbox.attributes != before:
            mailbox.modified = now_sql()
        call.push("success", log, ["mailbox_modified", username])
    return True
