# SPDX-License-Identifier: GPL-3.0-or-later
"""The objects GET returns: mailbox('get', 'domain_details'|'mailbox_details'|'alias_details').

Key order, JSON types and units follow the transcripts: limits as ints in bytes, usage sums as
strings (MariaDB DECIMAL), mailbox attributes as strings, percent_in_use "- " when unlimited.
"""
from __future__ import annotations

import re
from typing import Any

from . import php, sideeffects, validate
from .context import Call
from .model import Alias, Domain, Mailbox

MIB = 1048576
_NUMBER_PREFIX = re.compile(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


# -- domains ---------------------------------------------------------------------------------
def used_quota(call: Call, domain: str, exclude: str | None = None) -> int:
    """SUM(quota) in bytes of a domain's mailboxes, optionally without one of them."""
    skip = exclude.lower() if exclude else None
    wanted = domain.lower()
    # No sorting here: a full listing calls this once per mailbox.
    return sum(m.quota for m in call.store.mailboxes.values() if m.domain == wanted and m.username != skip)


def alias_count(call: Call, domain: str) -> int:
    """Alias rows of the domain whose address is not a mailbox (i.e. not self-aliases)."""
    return sum(1 for a in call.store.real_aliases_of(domain) if call.store.mailbox(a.address) is None)


def domain_details(call: Call, name: Any) -> dict[str, Any] | None:
    if not isinstance(name, (str, int)) or isinstance(name, bool):
        return None
    ascii_name = validate.idn_to_ascii(php.trim(name).lower())
    if ascii_name is None or not call.has_domain_access(ascii_name):
        return None
    domain = call.store.domain(ascii_name)
    return domain_view(call, domain) if domain else None


def domain_view(call: Call, d: Domain) -> dict[str, Any]:
    in_use = used_quota(call, d.name)
    max_new = min(d.quota * MIB - in_use, d.maxquota * MIB)
    count = len(call.store.mailboxes_of(d.name))
    aliases = alias_count(call, d.name)
    usage = [call.usage(m.domain, m.local_part, (m.messages, m.bytes)) for m in call.store.mailboxes_of(d.name)]
    view: dict[str, Any] = {
        "max_new_mailbox_quota": max_new,
        "def_new_mailbox_quota": min(max_new, d.defquota * MIB),
        "quota_used_in_domain": str(in_use),
        "bytes_total": sum(used for _messages, used in usage),
        "msgs_total": sum(messages for messages, _used in usage),
        "mboxes_in_domain": count,
        "mboxes_left": d.mailboxes - count,
        "domain_name": d.name,
        "domain_h_name": validate.idn_to_utf8(d.name),
        "description": d.description,
        "max_num_aliases_for_domain": d.aliases,
        "max_num_mboxes_for_domain": d.mailboxes,
        "def_quota_for_mbox": d.defquota * MIB,
        "max_quota_for_mbox": d.maxquota * MIB,
        "max_quota_for_domain": d.quota * MIB,
        "relayhost": str(d.relayhost),
        "backupmx": d.backupmx,
        "backupmx_int": d.backupmx,
        "gal": d.gal,
        "gal_int": d.gal,
        "rl": sideeffects.ratelimit_get(call, d.name),
        "active": d.active,
        "active_int": d.active,
        "relay_all_recipients": d.relay_all_recipients,
        "relay_all_recipients_int": d.relay_all_recipients,
        "relay_unknown_only": d.relay_unknown_only,
        "relay_unknown_only_int": d.relay_unknown_only,
        "created": d.created,
        "modified": d.modified,
        "aliases_in_domain": aliases,
        "aliases_left": d.aliases - aliases,
        "domain_admins": "-",
    }
    if d.tags:  # the key is absent, not [], when a domain has no tags
        view["tags"] = list(d.tags)
    return view


# -- mailboxes -------------------------------------------------------------------------------
def mailbox_details(call: Call, username: Any, reduced: bool = False) -> dict[str, Any] | None:
    if not call.has_mailbox_access(username):
        return None
    mailbox = call.store.mailbox(username)
    return mailbox_view(call, mailbox, reduced) if mailbox else None


def mailbox_view(call: Call, m: Mailbox, reduced: bool = False) -> dict[str, Any]:
    messages, used = call.usage(m.domain, m.local_part, (m.messages, m.bytes))
    # PHP round(): half away from zero, unlike Python round().
    percent: Any = "- " if m.quota == 0 else int(used * 100 / m.quota + 0.5)
    view: dict[str, Any] = {
        "username": m.username,
        "active": m.active,
        "active_int": m.active,
        "domain": m.domain,
        "name": m.name,
        "local_part": m.local_part,
        "quota": m.quota,
        "messages": messages,
        "attributes": dict(m.attributes),
        "custom_attributes": [],  # DB default {} decodes to an empty PHP array: "[]"
        "quota_used": used,
        "percent_in_use": percent,
        "created": m.created,
        "modified": m.modified,
        "authsource": m.authsource or "mailcow",
        "percent_class": _percent_class(percent),
        "last_imap_login": 0,
        "last_smtp_login": 0,
        "last_pop3_login": 0,
        "last_sso_login": 0,
    }
    if not reduced:
        view.update(_mailbox_full_fields(call, m))
    if m.tags:
        view["tags"] = list(m.tags)
    return view


def _percent_class(percent: Any) -> str:
    if percent == "- ":
        return "info"
    if percent >= 90:
        return "danger"
    return "warning" if percent >= 75 else "success"


def _mailbox_full_fields(call: Call, m: Mailbox) -> dict[str, Any]:
    domain = call.store.domain(m.domain)
    max_new = 0 if domain is None else min(
        domain.quota * MIB - used_quota(call, m.domain, exclude=m.username), domain.maxquota * MIB
    )
    rl = sideeffects.ratelimit_get(call, m.username)
    scope = "mailbox"
    if not rl:
        rl, scope = sideeffects.ratelimit_get(call, m.domain), "domain"
    return {
        "max_new_quota": max_new,
        "spam_aliases": 0,
        "pushover_active": 0,
        "rl": rl,
        "rl_scope": scope,
        "is_relayed": domain.backupmx if domain else 0,
        "sender_acl": list(m.sender_acl),
    }


# -- aliases ---------------------------------------------------------------------------------
def find_alias(call: Call, key: Any) -> Alias | None:
    """The row `WHERE (id = :x OR address = :x) AND address != goto`, lowest id first.

    MariaDB compares the INT id with a string argument numerically, so "189" finds id 189 and
    an address starting with digits ("5abc@x.org") can find id 5, as on the real server.
    """
    if isinstance(key, (list, dict)) or key is None:
        return None
    number = _mysql_number(key)
    text = key.lower() if isinstance(key, str) else None
    for alias in call.store.alias_rows():
        if alias.is_self_alias:
            continue
        if alias.id == number or (text is not None and alias.address.lower() == text):
            return alias
    return None


def _mysql_number(value: Any) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    match = _NUMBER_PREFIX.match(str(value))
    return float(match.group(0)) if match else 0.0


def alias_details(call: Call, key: Any) -> dict[str, Any] | None:
    alias = find_alias(call, key)
    if alias is None or not call.has_domain_access(alias.domain):
        return None
    return alias_view(alias)


def alias_view(a: Alias) -> dict[str, Any]:
    return {
        "in_primary_domain": "",  # alias domains are not emulated
        "id": a.id,
        "domain": a.domain,
        "public_comment": a.public_comment,
        "private_comment": a.private_comment,
        "goto": a.goto,
        "address": a.address,
        "is_catch_all": 0 if validate.is_email(a.address) else 1,
        "internal": a.internal,
        "active": a.active,
        "active_int": a.active,
        "sogo_visible": a.sogo_visible,
        "sogo_visible_int": a.sogo_visible,
        "sender_allowed": a.sender_allowed,
        "created": a.created,
        "modified": a.modified,
    }
