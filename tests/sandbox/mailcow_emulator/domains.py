# SPDX-License-Identifier: GPL-3.0-or-later
"""mailbox('add'|'edit'|'delete', 'domain'): checks in Mailcow's order, its messages and logs."""
from __future__ import annotations

from typing import Any

from . import php, policies, sideeffects, templates, validate
from .context import Call, masked
from .model import Domain, now_sql
from .views import MIB, alias_count, domain_details

TAGGING_LIMIT = 25
_FLAGS = ("active", "relay_all_recipients", "relay_unknown_only", "backupmx", "gal")
# add/domain's names of the domain template's attributes (templates.py), quotas there in bytes.
_TEMPLATE_NAMES = {"aliases": "max_num_aliases_for_domain", "mailboxes": "max_num_mboxes_for_domain",
                   "defquota": "def_quota_for_mbox", "maxquota": "max_quota_for_mbox", "quota": "max_quota_for_domain"}


def template_values(call: Call, data: Any) -> dict[str, Any]:
    """What add/domain takes for what it is not sent: the domain template sent (by id), else Default; quotas in MiB."""
    attributes = templates.domain_attributes_for_add(call, data)
    values = {key: attributes.get(key) for key in _FLAGS + ("rl_value", "rl_frame", "key_size", "dkim_selector", "tags")}
    for ours, theirs in _TEMPLATE_NAMES.items():
        number = php.intval(attributes.get(theirs))
        values[ours] = number // MIB if "quota" in theirs else number
    return values


def _log(action: str, data: Any) -> list[Any]:
    return ["mailbox", action, "domain", masked(data), None]


# -- add -------------------------------------------------------------------------------------
def add(call: Call, data: Any) -> bool:
    log = _log("add", data)
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    name = validate.idn_to_ascii(php.trim(php.array_get(data, "domain")).lower())
    template = template_values(call, data)
    limits = _add_limits(data, template)
    refusal = _add_refusal(call, name, limits)
    if refusal is not None:
        call.push("danger", log, refusal)
        return False
    assert name is not None
    domain = _insert(call, name, data, limits)
    call.mail_changed = True
    call.charge("domain_add")
    _insert_tags(call, domain, data, log, _add_tags(data, template))
    _add_side_effects(call, domain.name, data, log, template)
    call.push("success", log, ["domain_added", php.htmlspecialchars(domain.name)])
    return True


def _add_limits(data: Any, template: dict[str, Any]) -> dict[str, int]:
    limits: dict[str, int] = {}
    for key in ("aliases", "mailboxes", "defquota", "maxquota", "quota") + _FLAGS:
        limits[key] = php.intval(php.array_get(data, key)) if php.isset(data, key) else php.intval(template[key])
    _force_relay_flags(limits)
    return limits


def _force_relay_flags(values: Any) -> None:
    # Relaying implies backup MX; relay_unknown_only implies relaying all recipients.
    if php.intval(values["relay_all_recipients"]) == 1:
        values["backupmx"] = 1
    if php.intval(values["relay_unknown_only"]) == 1:
        values["backupmx"] = 1
        values["relay_all_recipients"] = 1


def _add_refusal(call: Call, name: str | None, limits: dict[str, int]) -> Any:
    # Quota checks run before the name is even looked at: partial input is checked against
    # the template defaults (e.g. quota 1024 alone fails against the default maxquota 10240).
    if limits["defquota"] > limits["maxquota"]:
        return "mailbox_defquota_exceeds_mailbox_maxquota"
    if limits["maxquota"] > limits["quota"]:
        return "mailbox_quota_exceeds_domain_quota"
    if limits["defquota"] == 0:
        return "defquota_empty"
    if limits["maxquota"] == 0:
        return "maxquota_empty"
    if name is None or not validate.is_valid_domain_name(name):
        return "domain_invalid"
    if call.store.domain(name) is not None:
        return ["domain_exists", php.htmlspecialchars(name)]
    if name == call.hostname.lower():
        return "domain_cannot_match_hostname"
    return None


def _insert(call: Call, name: str, data: Any, limits: dict[str, int]) -> Domain:
    description = php.array_get(data, "description")
    domain = Domain(
        name=name,
        description=php.strval(description) if not php.empty(description) else name,
        aliases=limits["aliases"], mailboxes=limits["mailboxes"], defquota=limits["defquota"],
        maxquota=limits["maxquota"], quota=limits["quota"], active=limits["active"],
        backupmx=limits["backupmx"], gal=limits["gal"],
        relay_all_recipients=limits["relay_all_recipients"],
        relay_unknown_only=limits["relay_unknown_only"],
    )
    call.store.domains[name] = domain
    return domain


def _add_tags(data: Any, template: dict[str, Any]) -> list[Any]:
    # add/domain casts tags to an array, so a scalar string becomes one tag; unsent, the template's.
    return php.array_values(php.to_array(php.array_get(data, "tags") if php.isset(data, "tags") else template["tags"]))


def _insert_tags(call: Call, domain: Domain, data: Any, log: list[Any], tags: list[Any]) -> None:
    """Domain tags are inserted without a try/catch over a UNIQUE(tag, domain) key: a repeated
    tag raises a PDOException (empty body) after everything before it was committed."""
    for index, tag in enumerate(tags):
        if php.empty(tag):
            continue
        if index > TAGGING_LIMIT:
            call.push("warning", log, ["tag_limit_exceeded", f"limit {TAGGING_LIMIT}"])
            break
        text = php.strval(tag)
        if text.lower() in (t.lower() for t in domain.tags):
            raise php.Uncaught("PDOException: Duplicate entry for key tags_domain")
        domain.tags.append(text)


def _add_side_effects(call: Call, name: str, data: Any, log: list[Any], template: dict[str, Any]) -> None:
    rl_value = php.intval(php.array_get(data, "rl_value")) if php.isset(data, "rl_value") else template["rl_value"]
    rl_frame = php.array_get(data, "rl_frame") if php.isset(data, "rl_frame") else template["rl_frame"]
    if not php.empty(rl_value) and not php.empty(rl_frame):
        sideeffects.ratelimit_edit(call, "domain", {"rl_value": rl_value, "rl_frame": rl_frame, "object": name})
    key_size = php.intval(php.array_get(data, "key_size")) if php.isset(data, "key_size") else template["key_size"]
    selector = php.array_get(data, "dkim_selector") if php.isset(data, "dkim_selector") else template["dkim_selector"]
    if php.empty(key_size) or php.empty(selector):
        return
    if call.store.dkim_selectors.get(name):
        call.push("success", log, "domain_add_dkim_available")
    else:
        sideeffects.dkim_add(call, {"key_size": key_size, "dkim_selector": selector, "domains": name})


# -- edit ------------------------------------------------------------------------------------
def edit(call: Call, data: dict[str, Any]) -> bool:
    log = _log("edit", data)
    for item in php.as_list(data.get("domain")):
        call.charge("domain_edit")
        name = validate.idn_to_ascii(php.strval(item)) if not php.empty(item) else None
        current = call.store.domain(name) if name and validate.is_valid_domain_name(name) else None
        if not call.is_admin or current is None or domain_details(call, name) is None:
            call.push("danger", log, "domain_invalid")
            continue
        wanted = _edit_values(current, data)
        refusal = _edit_refusal(call, current, wanted)
        if refusal is not None:
            call.push("danger", log, refusal)
            continue
        _apply(current, wanted)
        call.mail_changed = True
        tags = data.get("tags") if isinstance(data.get("tags"), (list, dict)) else []
        _insert_tags(call, current, data, log, php.array_values(tags))
        call.push("success", log, ["domain_modified", php.htmlspecialchars(current.name)])
    return True


def _edit_values(d: Domain, data: dict[str, Any]) -> dict[str, Any]:
    """Omitted attributes keep their value; description and aliases cannot be emptied."""
    wanted: dict[str, Any] = {}
    for key in _FLAGS:
        wanted[key] = php.intval(data[key]) if php.isset(data, key) else getattr(d, key)
    wanted["relayhost"] = php.intval(data["relayhost"]) if php.isset(data, "relayhost") else d.relayhost
    wanted["aliases"] = data["aliases"] if not php.empty(data.get("aliases")) else d.aliases
    wanted["mailboxes"] = php.intval(data["mailboxes"]) if _has_content(data, "mailboxes") else d.mailboxes
    wanted["defquota"] = php.intval(data["defquota"]) if _has_content(data, "defquota") else d.defquota
    wanted["maxquota"] = data["maxquota"] if not php.empty(data.get("maxquota")) else d.maxquota
    wanted["quota"] = data["quota"] if not php.empty(data.get("quota")) else d.quota
    wanted["description"] = data["description"] if not php.empty(data.get("description")) else d.description
    _force_relay_flags(wanted)
    # These three are bound to INT columns uncast: non-numeric text fails in MariaDB strict mode.
    for key in ("aliases", "maxquota", "quota"):
        wanted[key] = php.mysql_int(wanted[key])
    wanted["description"] = php.strval(wanted["description"])
    return wanted


def _has_content(data: dict[str, Any], key: str) -> bool:
    return php.isset(data, key) and data[key] != ""


def _edit_refusal(call: Call, d: Domain, wanted: dict[str, Any]) -> Any:
    quotas = [_mib(m.quota) for m in call.store.mailboxes_of(d.name)]
    if wanted["defquota"] > wanted["maxquota"]:
        return "mailbox_defquota_exceeds_mailbox_maxquota"
    if wanted["defquota"] == 0:
        return "defquota_empty"
    if wanted["maxquota"] > wanted["quota"]:
        return "mailbox_quota_exceeds_domain_quota"
    if wanted["maxquota"] == 0:
        return "maxquota_empty"
    if quotas and max(quotas) > wanted["maxquota"]:
        return ["max_quota_in_use", max(quotas)]
    used = _mib(sum(m.quota for m in call.store.mailboxes_of(d.name)))
    if used > wanted["quota"]:
        return ["domain_quota_m_in_use", used]
    if len(quotas) > wanted["mailboxes"]:
        return ["mailboxes_in_use", len(quotas)]
    aliases = alias_count(call, d.name)
    if aliases > wanted["aliases"]:
        return ["aliases_in_use", aliases]
    return None


def _mib(quota_bytes: int) -> int:
    """ROUND(bytes / 1048576) as MariaDB computes it (half away from zero)."""
    return int(quota_bytes / MIB + 0.5)


def _apply(d: Domain, wanted: dict[str, Any]) -> None:
    changed = False
    for key, value in wanted.items():
        if getattr(d, key) != value:
            setattr(d, key, value)
            changed = True
    if changed:  # ON UPDATE CURRENT_TIMESTAMP fires only when a value really changes
        d.modified = now_sql()


# -- delete ----------------------------------------------------------------------------------
def delete(call: Call, data: dict[str, Any]) -> bool:
    log = _log("delete", data)
    items = php.as_list(data.get("domain"))
    if not call.is_admin:
        call.push("danger", log, "access_denied")
        return False
    for item in items:
        call.charge("domain_delete")
        if isinstance(item, (list, dict)) or not validate.is_valid_domain_name(php.strval(item)):
            call.push("danger", log, "domain_invalid")
            continue
        name = validate.idn_to_ascii(php.trim(item).lower()) or ""
        if call.store.mailboxes_of(name) or any(row["domain"] == name for row in call.store.resources.values()):
            call.push("danger", log, ["domain_not_empty", name])
            continue
        _drop(call, name)
        call.push("success", log, ["domain_removed", php.htmlspecialchars(name)])
    return True


def _drop(call: Call, name: str) -> None:
    # A missing domain is "removed" all the same. DKIM keys (Redis) are kept on purpose.
    call.store.domains.pop(name, None)
    for alias in list(call.store.alias_rows()):
        if alias.domain.lower() == name:
            del call.store.aliases[alias.id]
    call.store.ratelimits.pop(name, None)
    policies.drop_object(call, name)
    # Its domain administrators lose the domain; its alias domains go (their aliases stay, as in Mailcow).
    call.store.domain_admin_rows = [row for row in call.store.domain_admin_rows if row.domain != name]
    for alias_domain in [a for a in call.store.alias_domains.values() if a.target_domain == name]:
        call.store.alias_domains.pop(alias_domain.alias_domain, None)
    call.mail_changed = True


def delete_tags(call: Call, data: dict[str, Any]) -> bool:
    """delete/domain/tag/<domain>, body = list of tags."""
    log = ["mailbox", "delete", "tags_domain", masked(data), None]
    tags = data.get("tags") if isinstance(data.get("tags"), (list, dict)) else []
    modified = False
    name: Any = None
    for name in php.as_list(data.get("domain")):
        if not validate.is_valid_domain_name(name):
            call.push("danger", log, "domain_invalid")
            continue
        domain = call.store.domain(name) if call.has_domain_access(name) else None
        if domain is None:
            call.push("danger", log, "access_denied")
            return False
        for tag in php.array_values(tags):
            modified = True
            domain.tags = [t for t in domain.tags if t.lower() != php.strval(tag).lower()]
    if not modified:
        return False
    call.push("success", log, ["domain_modified", name])
    return True
