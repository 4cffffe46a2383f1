# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete', 'alias').

Aliases default to inactive and sender_allowed=0 when those keys are omitted (intval(null));
the new id comes back as a *string* in alias_added; an edit resets goto_null/spam/ham.
"""
from __future__ import annotations

from typing import Any

from . import php, validate
from .context import Call, masked
from .model import Alias, now_sql
from .views import alias_details, domain_details, find_alias

SPECIAL_GOTOS = (("goto_null", "null@localhost"), ("goto_spam", "spam@localhost"), ("goto_ham", "ham@localhost"))
_FLAGS = ("internal", "active", "sender_allowed", "sogo_visible")


def _log(action: str, data: Any) -> list[Any]:
    return ["mailbox", action, "alias", masked(data), None]


def _split_address(address: str) -> tuple[str, str]:
    """local@domain with the domain IDN-converted; PHP's strstr() yields "" without an '@'."""
    if "@" not in address:
        return "", ""
    local, domain = address.split("@", 1)
    return local, validate.idn_to_ascii(domain) or ""


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    addresses = php.split_list(php.array_get(data, "address"))
    gotos = php.split_list(php.array_get(data, "goto"))
    flags = {key: php.intval(php.array_get(data, key)) for key in _FLAGS}
    comments = {key: php.array_get(data, key) for key in ("public_comment", "private_comment")}
    if any(len(php.strval(v).encode("utf-8")) > 160 for v in comments.values()):
        call.push("danger", log, "comment_too_long")
        return False
    if php.empty(addresses[0]):
        call.push("danger", log, "alias_empty")
        return False
    special = _special_goto(data)
    if php.empty(gotos[0]) and special is None:
        call.push("danger", log, "goto_empty")
        return False
    if special is not None:
        goto, skip = special, gotos
    else:
        checked, last_kept = _checked_gotos(call, log, gotos)
        if not checked:
            return False
        goto = ",".join(checked)
        # PHP's foreach-by-reference leaves the last element aliased to $goto: if it survived
        # the checks, the list compared against the addresses ends with the joined string.
        skip = checked[:-1] + [goto] if last_kept else checked
    for address in addresses:
        if address and address not in skip:
            if not _add_one(call, log, address, goto, flags, comments):
                return False
    return True


def _special_goto(data: Any) -> str | None:
    for key, target in SPECIAL_GOTOS:
        if php.intval(php.array_get(data, key)) == 1:
            return target
    return None


def _checked_gotos(call: Call, log: list[Any], gotos: list[str]) -> tuple[list[str], bool]:
    """Valid, de-duplicated targets, and whether the last given one is among them."""
    kept: list[str] = []
    last_kept = False
    for goto in gotos:
        last_kept = False
        if php.empty(goto):
            continue
        local, domain = _split_address(goto)
        target = f"{local}@{domain}"
        if not validate.is_email(target):
            call.push("danger", log, ["goto_invalid", php.htmlspecialchars(target)])
            continue
        if target not in kept:
            kept.append(target)
            last_kept = True
    return kept, last_kept


def _add_one(call: Call, log: list[Any], address: str, goto: str, flags: dict[str, int],
             comments: dict[str, Any]) -> bool:
    """One address of the list; False only for max_alias_exceeded, which aborts the rest."""
    local, domain = _split_address(address)
    address = f"{local}@{domain}"
    details = domain_details(call, domain)
    if details is not None and details["aliases_left"] == 0:
        call.push("danger", log, "max_alias_exceeded")
        return False
    refusal = _add_refusal(call, address, local, domain)
    if refusal is not None:
        call.push("danger", log, refusal)
        return True
    call.charge("alias_add")
    alias = call.store.add_alias(
        address=address if validate.is_email(address) else "@" + domain, goto=goto, domain=domain,
        public_comment=_comment(comments["public_comment"]),
        private_comment=_comment(comments["private_comment"]), **flags,
    )
    call.mail_changed = True
    # lastInsertId() is a string in PDO: the id arrives quoted.
    call.push("success", log, ["alias_added", address, str(alias.id)])
    return True


def _comment(value: Any) -> str | None:
    return None if value is None else php.strval(value)


def _add_refusal(call: Call, address: str, local: str, domain: str) -> Any:
    if call.store.aliases_with_address(address):  # mailbox self-aliases included
        return ["is_alias_or_mailbox", php.htmlspecialchars(address)]
    if call.store.domain(domain) is None:
        return ["domain_not_found", php.htmlspecialchars(domain)]
    if not validate.is_email(address) and not php.empty(local):
        return ["alias_invalid", address]
    if not call.has_domain_access(domain):
        return "access_denied"
    return None


# -- edit ------------------------------------------------------------------------------------
def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    address: Any = None  # PHP reuses the previous item's $address in alias_invalid
    for item in php.as_list(data.get("id")):
        call.charge("alias_edit")
        alias = find_alias(call, item) if alias_details(call, item) is not None else None
        if alias is None:
            call.push("danger", log, ["alias_invalid", address])
            continue
        address = data["address"] if not php.empty(data.get("address")) else alias.address
        if data.get("expand_alias") is True or php.intval(data.get("expand_alias")) == 1:
            call.push("success", log, ["alias_modified", php.htmlspecialchars(address)])
            continue  # no alias domains to expand into
        address = _edit_one(call, log, data, alias, php.strval(address))
    return True


def _edit_one(call: Call, log: list[Any], data: dict[str, Any], alias: Alias, address: str) -> Any:
    local, domain = _split_address(address)
    if alias.address != address:
        address = f"{local}@{domain}"
        refusal = _rename_refusal(call, alias, address, local, domain)
        if refusal is not None:
            call.push("danger", log, refusal)
            return address
    goto = _edited_goto(call, log, data, alias, address)
    if goto:
        _update(call, alias, data, address, domain, goto)
    call.push("success", log, ["alias_modified", php.htmlspecialchars(address)])
    return address


def _rename_refusal(call: Call, alias: Alias, address: str, local: str, domain: str) -> Any:
    if not call.has_domain_access(domain):
        return "access_denied"
    if not validate.is_email(address) and not php.empty(local):
        return ["alias_invalid", address]
    if alias.address.lower() != address.lower() and call.store.aliases_with_address(address):
        return ["is_alias_or_mailbox", php.htmlspecialchars(address)]
    if call.store.domain(domain) is None:
        return ["domain_not_found", php.htmlspecialchars(domain)]
    return None


def _edited_goto(call: Call, log: list[Any], data: dict[str, Any], alias: Alias, address: str) -> str:
    """goto_null/spam/ham default to 0 on every edit: re-validating a special goto fails, the
    goto ends up empty and the UPDATE is skipped (yet alias_modified is reported)."""
    special = _special_goto(data)
    if special is not None:
        return special
    source = data["goto"] if not php.empty(data.get("goto")) else alias.goto
    kept: list[str] = []
    for goto in php.split_list(source):
        if php.empty(goto):
            continue
        if not validate.is_email(goto):
            call.push("danger", log, ["goto_invalid", goto])
            continue
        if goto == address:
            call.push("danger", log, "alias_goto_identical")
            continue
        if goto not in kept:
            kept.append(goto)
    return ",".join(kept)


def _update(call: Call, alias: Alias, data: dict[str, Any], address: str, domain: str, goto: str) -> None:
    values: dict[str, Any] = {"address": address, "domain": domain, "goto": goto}
    for key in _FLAGS:
        values[key] = php.intval(data[key]) if php.isset(data, key) else getattr(alias, key)
    for key in ("public_comment", "private_comment"):
        values[key] = _comment(data[key]) if php.isset(data, key) else getattr(alias, key)
    changed = False
    for key, value in values.items():
        if getattr(alias, key) != value:
            setattr(alias, key, value)
            changed = True
    if changed:
        alias.modified = now_sql()
    call.mail_changed = True


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("id")):
        call.charge("alias_delete")
        alias = find_alias(call, item) if alias_details(call, item) is not None else None
        if alias is None:
            call.push("danger", log, "access_denied")
            continue
        del call.store.aliases[alias.id]
        for mailbox in call.store.mailboxes.values():
            mailbox.sender_acl = [s for s in mailbox.sender_acl if s.lower() != alias.address.lower()]
        call.mail_changed = True
        call.push("success", log, ["alias_removed", php.htmlspecialchars(alias.address)])
    return True
