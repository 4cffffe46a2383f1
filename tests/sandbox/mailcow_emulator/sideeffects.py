# SPDX-License-Identifier: GPL-3.0-or-later
"""ratelimit() and dkim() as mailbox() calls them: they push their own reply entries."""
from __future__ import annotations

from typing import Any

from . import php, validate
from .context import Call

RL_FRAMES = ("s", "m", "h", "d")


def ratelimit_edit(call: Call, scope: str, data: dict[str, Any]) -> None:
    """ratelimit('edit', scope, data): one rl_saved (or danger) entry per object."""
    log = ["ratelimit", "edit", scope, data]
    for obj in php.as_list(data.get("object")):
        value = php.intval(data.get("rl_value"))
        frame = data.get("rl_frame")
        if not isinstance(frame, str) or frame not in RL_FRAMES:
            call.push("danger", log, "rl_timeframe")
            continue
        allowed = call.has_domain_access(obj) if scope == "domain" else call.has_mailbox_access(obj)
        if not allowed:
            call.push("danger", log, "access_denied")
            continue
        key = php.strval(obj).lower()
        if php.empty(value):
            call.store.ratelimits.pop(key, None)
        else:
            call.store.ratelimits[key] = (value, frame)
        call.push("success", log, ["rl_saved", obj])


def edit_ratelimit_domain(call: Call, data: dict[str, Any]) -> bool:
    """edit/rl-domain: items = domain(s), attr rl_value / rl_frame (edit/domain ignores rl_*)."""
    ratelimit_edit(call, "domain", data)
    return True


def edit_ratelimit_mailbox(call: Call, data: dict[str, Any]) -> bool:
    """edit/rl-mbox: items = mailbox(es), attr rl_value / rl_frame."""
    ratelimit_edit(call, "mailbox", data)
    return True


def ratelimit_get(call: Call, obj: str) -> Any:
    """ratelimit('get', ...): {"value": "10", "frame": "s"} (strings) or false."""
    limit = call.store.ratelimits.get(obj.lower())
    if limit is None:
        return False
    return {"value": str(limit[0]), "frame": limit[1]}


def dkim_add(call: Call, data: dict[str, Any]) -> None:
    """dkim('add', data). Keys are not really generated: only the selector is remembered.

    Like Mailcow's Redis hashes, the record outlives the domain, so re-adding a deleted domain
    reports domain_add_dkim_available instead of dkim_added.
    """
    log = ["dkim", "add", data]
    bits = php.intval(data.get("key_size"))
    selector = data["dkim_selector"] if data.get("dkim_selector") is not None else "dkim"
    for domain in [d for d in php.split_list(data.get("domains")) if d]:
        msg = _dkim_refusal(call, domain, bits, selector)
        if msg is not None:
            call.push("danger", log, msg)
            continue
        call.store.dkim_selectors[domain.lower()] = php.strval(selector)
        call.push("success", log, ["dkim_added", domain])


def _dkim_refusal(call: Call, domain: str, bits: int, selector: Any) -> Any:
    if not validate.is_valid_domain_name(domain) or domain.lower() in call.store.dkim_selectors:
        return ["dkim_domain_or_sel_invalid", domain]
    bare = php.strval(selector).replace("-", "").replace("_", "").replace(".", "")
    if not (bare.isascii() and bare.isalnum()):  # ctype_alnum() is ASCII-only
        return ["dkim_domain_or_sel_invalid", domain]
    if not call.has_alias_domain_access(domain):
        return ["access_denied", domain]
    if not 512 <= bits <= 16384:  # openssl_pkey_new() refuses such sizes
        return ["dkim_domain_or_sel_invalid", domain]
    return None
