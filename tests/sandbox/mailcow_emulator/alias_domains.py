# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete'|'get', 'alias_domain'): checks in Mailcow's order, its messages and logs.

As recorded (tests/fixtures/mailcow-api/transcripts-lifecycle.jsonl): a missing target answers
access_denied; an alias domain that exists, or is a domain, alias_domain_invalid; an invalid alias
domain name an EMPTY body (the PHP code names an undefined constant there and dies); edit's
attr.alias_domain replaces items (array_merge), so a "rename" edits the named, missing object.
"""
from __future__ import annotations

from typing import Any

from . import php, sideeffects, validate
from .context import Call
from .model import AliasDomain, now_sql
from .reads import process_get_return


def _log(action: str, data: Any) -> list[Any]:
    return ["mailbox", action, "alias_domain", data, None]


def _ascii(value: Any) -> str | None:
    return validate.idn_to_ascii(php.trim(value).lower())


# -- get -------------------------------------------------------------------------------------
def details(call: Call, name: Any) -> dict[str, Any] | None:
    """alias_domain_details: the row, or None (false) when the target is not accessible."""
    row = call.store.alias_domain(name)
    if row is None or not call.has_domain_access(row.target_domain):
        return None
    target = call.store.domain(row.target_domain)
    return {
        "alias_domain": row.alias_domain,
        "parent_is_backupmx": target.backupmx if target else None,
        "target_domain": row.target_domain,
        "active": row.active,
        "active_int": row.active,
        "rl": sideeffects.ratelimit_get(call, row.alias_domain),
        "created": row.created,
        "modified": row.modified,
    }


def get(call: Call, obj: str | None, extra: str | None, args: dict[str, str]) -> str:
    call.charge("domain_get")
    if obj == "all":
        data = [d for d in (details(call, name) for name in sorted(call.store.alias_domains)) if d]
        return process_get_return(data)
    return process_get_return(details(call, obj))


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    active = php.intval(php.array_get(data, "active"))
    names = [n for n in php.split_list(php.array_get(data, "alias_domain")) if n]
    target = _ascii(php.array_get(data, "target_domain")) or ""
    if not validate.is_valid_domain_name(target):
        call.push("danger", log, "target_domain_invalid")
        return False
    if not call.has_alias_domain_access(target):
        call.push("danger", log, "access_denied")
        return False
    for raw in names:
        name = _ascii(raw) or ""
        if not validate.is_valid_domain_name(name):
            # htmlspecialchars(alias_domain): an undefined constant, a fatal Error in PHP 8.
            raise php.Uncaught("Error: Undefined constant alias_domain")
        refusal = _add_refusal(call, name, target)
        if refusal is not None:
            call.push("danger", log, refusal)
            continue
        call.store.alias_domains[name] = AliasDomain(name, target, active)
        call.charge("alias_add")
        call.mail_changed = True
        if not php.empty(php.intval(php.array_get(data, "rl_value"))):
            sideeffects.ratelimit_edit(call, "domain", {"rl_value": data["rl_value"], "rl_frame": php.array_get(data, "rl_frame"), "object": name})
        _dkim(call, name, data, log)
        call.push("success", log, ["aliasd_added", php.htmlspecialchars(name)])
    return True


def _add_refusal(call: Call, name: str, target: str) -> Any:
    if name == target:
        return ["aliasd_targetd_identical", php.htmlspecialchars(target)]
    row = call.store.domain(target)
    if row is None:
        return ["targetd_not_found", php.htmlspecialchars(target)]
    if row.backupmx == 1:
        return ["targetd_relay_domain", php.htmlspecialchars(target)]
    if call.store.alias_domain(name) is not None or call.store.domain(name) is not None:
        return ["alias_domain_invalid", name]
    return None


def _dkim(call: Call, name: str, data: Any, log: list[Any]) -> None:
    key_size, selector = php.array_get(data, "key_size"), php.array_get(data, "dkim_selector")
    if php.empty(key_size) or php.empty(selector):
        return  # no key unless both are sent (transcript get_dkim_alias_domain_without_key)
    if call.store.dkim_selectors.get(name):
        call.push("success", log, "domain_add_dkim_available")
    else:
        sideeffects.dkim_add(call, {"key_size": key_size, "dkim_selector": selector, "domains": name})


# -- edit ------------------------------------------------------------------------------------
def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for item in php.as_list(data.get("alias_domain")):
        name = _ascii(item) or ""
        row = call.store.alias_domain(name) if details(call, name) else None
        if row is None:
            call.push("danger", log, ["alias_domain_invalid", php.htmlspecialchars(name)])
            continue
        active = php.intval(data["active"]) if php.isset(data, "active") else row.active
        target = (_ascii(data["target_domain"]) or "") if not php.empty(data.get("target_domain")) else row.target_domain
        refusal = _edit_refusal(call, target)
        if refusal is not None:
            call.push("danger", log, refusal)
            continue
        if (row.active, row.target_domain) != (active, target):
            row.active, row.target_domain, row.modified = active, target, now_sql()
        call.charge("alias_edit")
        call.mail_changed = True
        call.push("success", log, ["aliasd_modified", php.htmlspecialchars(name)])
    return True


def _edit_refusal(call: Call, target: str) -> Any:
    if not validate.is_valid_domain_name(target):
        return ["target_domain_invalid", php.htmlspecialchars(target)]
    if not call.has_alias_domain_access(target):
        return "access_denied"
    if call.store.domain(target) is None or call.store.alias_domain(target) is not None:
        return ["target_domain_invalid", php.htmlspecialchars(target)]
    return None


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    for item in php.as_list(data.get("alias_domain")):
        if not validate.is_valid_domain_name(item):
            call.push("danger", log, "domain_invalid")
            continue
        row = call.store.alias_domain(item)
        if row is None or not call.has_domain_access(row.target_domain):
            call.push("danger", log, "access_denied")
            continue
        drop(call, row.alias_domain)
        call.charge("alias_delete")
        call.push("success", log, ["alias_domain_removed", php.htmlspecialchars(item)])
    return True


def drop(call: Call, name: str) -> None:
    """The alias domain and its aliases; its DKIM key (Redis) outlives it (get_dkim_after_alias_domain_delete)."""
    call.store.alias_domains.pop(name, None)
    for alias in list(call.store.alias_rows()):
        if alias.domain.lower() == name:
            del call.store.aliases[alias.id]
    call.mail_changed = True
