# SPDX-License-Identifier: GPL-3.0-or-later
"""The `get` branch of json_api.php for the emulated categories.

Each function returns the body text exactly as PHP echoes it: pretty JSON, the literal "{}"
(or "[]") for anything empty, or "" where Mailcow prints nothing at all.
"""
from __future__ import annotations

import re
from typing import Any

from . import php, phpjson, sideeffects, templates
from .context import Call
from .views import alias_details, alias_view, domain_details, mailbox_details


def process_get_return(data: Any, as_object: bool = True) -> str:
    """JA process_get_return(): empty results are "{}" even for lists ("[]" on request)."""
    if php.empty(data):
        return "{}" if as_object else "[]"
    return phpjson.encode_pretty(data)


def _tags(args: dict[str, str]) -> list[str] | None:
    value = args.get("tags")
    return value.split(",") if value not in (None, "") else None


def _like(value: str, pattern: str) -> bool:
    """SQL `value LIKE '%pattern%'` (case-insensitive collation, _ and % wildcards)."""
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.search(regex, value, re.IGNORECASE | re.DOTALL) is not None


# -- domains ---------------------------------------------------------------------------------
def get_domain(call: Call, obj: str | None, extra: str | None, args: dict[str, str]) -> str:
    if obj == "all":
        names = _domain_names(call, _tags(args))
        if not names:
            return "{}"
        data = [d for d in (domain_details(call, n) for n in names) if d]
        call.charge("domain_list_item", len(data))
        return process_get_return(data)
    if obj == "template":
        return process_get_return(templates.get(call, None if extra == "all" else extra, "domain"))
    call.charge("domain_get")
    return process_get_return(domain_details(call, obj))


def _domain_names(call: Call, tags: list[str] | None) -> list[str]:
    names = call.store.domain_names()
    if tags is None:
        return names
    return [n for n in names if any(_like(t, tag) for t in call.store.domains[n].tags for tag in tags)]


# -- mailboxes -------------------------------------------------------------------------------
def get_mailbox(call: Call, obj: str | None, extra: str | None, args: dict[str, str]) -> str:
    tags = _tags(args)
    if obj in ("all", "reduced"):
        domains = call.store.domain_names() if php.empty(extra) else str(extra).split(",")
        if not domains:
            return "{}"
        reduced = obj == "reduced"
        data: list[dict[str, Any]] = []
        for domain in domains:
            for username in _mailbox_names(call, domain, tags):
                details = mailbox_details(call, username, reduced=reduced)
                if details:
                    data.append(details)
        # The reduced details skip the per-mailbox queries (rate limit, sender ACL, relaying,
        # pushover, spam aliases, quota left): ~1.4 instead of ~4.7 ms per mailbox.
        call.charge("mailbox_reduced_item" if reduced else "mailbox_list_item", len(data))
        return process_get_return(data)
    if obj == "template":
        return process_get_return(templates.get(call) if extra == "all" else templates.get(call, extra))
    if tags is None:
        call.charge("mailbox_get")
        return process_get_return(mailbox_details(call, obj))
    data = [d for d in (mailbox_details(call, u) for u in _mailbox_names(call, obj, tags)) if d]
    call.charge("mailbox_list_item", len(data))
    return process_get_return(data, as_object=False)


def _mailbox_names(call: Call, domain: Any, tags: list[str] | None) -> list[str]:
    """FM get/mailboxes: by tags, by domain, or (unknown domain!) every mailbox there is."""
    mailboxes = call.store.all_mailboxes()
    if tags is not None and domain is not None:
        return [
            m.username for m in mailboxes
            if _like(m.username, str(domain))
            and any(_like(t, tag) for t in m.tags for tag in tags)
            and call.has_domain_access(m.domain)
        ]
    if call.has_domain_access(domain):
        return [m.username for m in call.store.mailboxes_of(domain)]
    return [m.username for m in mailboxes]


# -- rate limits -----------------------------------------------------------------------------
def get_ratelimit(call: Call, scope: str, obj: str | None) -> str:
    """get/rl-domain/<domain> and get/rl-mbox/<mailbox>: {"value": "10", "frame": "h"}, or {} when unset or not ours.

    (The ``all`` forms, which list every limit with its object, are not emulated: they answer {}.)
    """
    allowed = call.has_domain_access(obj) if scope == "domain" else call.has_mailbox_access(obj)
    if obj == "all" or not allowed:
        return "{}"
    return process_get_return(sideeffects.ratelimit_get(call, str(obj)))


# -- aliases ---------------------------------------------------------------------------------
def get_alias(call: Call, obj: str | None, extra: str | None, args: dict[str, str]) -> str:
    if obj != "all":
        call.charge("alias_get")
        return process_get_return(alias_details(call, obj))
    domains = call.store.domain_names() if php.empty(extra) else str(extra).split(",")
    if not domains:
        return "{}"
    data: list[dict[str, Any]] = []
    for domain in domains:
        if call.has_domain_access(domain):
            data.extend(alias_view(a) for a in call.store.real_aliases_of(domain))
    call.charge("alias_list_item", len(data))
    return process_get_return(data)
