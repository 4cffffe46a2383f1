# SPDX-License-Identifier: GPL-3.0-or-later
"""ratelimit() and dkim() as mailbox() calls them: they push their own reply entries."""
from __future__ import annotations

from typing import Any

from . import dkim, php
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
    """dkim('add', data) as add/domain calls it (dkim.py); pushes its own entries."""
    dkim.add(call, data)
