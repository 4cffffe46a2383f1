# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's status answers, normalised, and the health verdict (no I/O).

get/status/containers answers an object of containers (``state``, Docker's ``started_at``, ``image``);
get/status/vmail the ``df -H`` figures of the mail storage as strings (``"12G"``, ``"24%"``), or
nulls when the dockerapi container could not measure them; get/status/solr the full-text-search
index of older Mailcow versions, and an empty body on versions without Solr.
"""

from __future__ import annotations

import re
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import check_text, whole

CONTAINER_SUFFIX = "-mailcow"
# Docker's StartedAt: RFC 3339, UTC, with up to nanoseconds.
DOCKER_TIME_RE = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$")
# df -H: a number with an SI suffix (powers of 1000).
SIZE_RE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*([kKMGTPE]?)B?\s*$")
SI = {"": 1, "k": 10 ** 3, "K": 10 ** 3, "M": 10 ** 6, "G": 10 ** 9, "T": 10 ** 12, "P": 10 ** 15, "E": 10 ** 18}
PERCENT_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%?\s*$")


class Desired(t.NamedTuple):
    fail_when_unhealthy: bool
    max_storage_percent: int
    ignore_containers: tuple[str, ...]


def container_name(value: t.Any) -> str:
    """``clamd`` or ``clamd-mailcow`` -> ``clamd-mailcow``, as Mailcow names its containers."""
    name = check_text(value, "ignore_containers").strip().lower()
    if not name or not re.match(r"^[a-z0-9][a-z0-9_.-]*$", name):
        raise MailcowOptionError("ignore_containers: %r is not a container name; give names such as clamd or clamd-mailcow" % (value,))
    return name if name.endswith(CONTAINER_SUFFIX) else name + CONTAINER_SUFFIX


def desired_from_params(params: dict[str, t.Any]) -> Desired:
    """Every option checked before anything is sent."""
    percent = whole(params.get("max_storage_percent"), "max_storage_percent", 1, 100, "a whole percentage")
    ignored = tuple(sorted({container_name(name) for name in params.get("ignore_containers") or []}))
    return Desired(bool(params.get("fail_when_unhealthy")), percent, ignored)


def iso_time(value: t.Any) -> str | None:
    """Docker's ``2026-12-07T01:28:05.000000000Z`` -> ``2026-12-07T01:28:05Z``; None for anything else (a container never started)."""
    match = DOCKER_TIME_RE.match(str(value or ""))
    if not match or match.group(1).startswith("0001-"):
        return None
    return match.group(1) + match.group(2)


def size_bytes(value: t.Any) -> int | None:
    match = SIZE_RE.match(str(value)) if value is not None else None
    if not match:
        return None
    return int(round(float(match.group(1).replace(",", ".")) * SI[match.group(2)]))


def percent(value: t.Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = PERCENT_RE.match(str(value)) if value is not None else None
    return float(match.group(1)) if match else None


def containers(raw: t.Any) -> list[dict[str, t.Any]]:
    """get/status/containers -> [{name, state, running, started_at, image}], by name."""
    found = []
    for key, item in (raw.items() if isinstance(raw, dict) else []):
        if not isinstance(item, dict):
            continue
        state = str(item.get("state") or "unknown").lower()
        found.append({"name": str(item.get("container") or key), "state": state, "running": state == "running",
                      "started_at": iso_time(item.get("started_at")), "image": item.get("image")})
    return sorted(found, key=lambda container: container["name"])


def storage(raw: t.Any) -> dict[str, t.Any]:
    """get/status/vmail -> {disk, used, total, used_percent, used_bytes, total_bytes}; figures null when Mailcow could not measure them."""
    raw = raw if isinstance(raw, dict) else {}
    return {"disk": raw.get("disk") or None, "used": raw.get("used"), "total": raw.get("total"), "used_percent": percent(raw.get("used_percent")),
            "used_bytes": size_bytes(raw.get("used")), "total_bytes": size_bytes(raw.get("total"))}


def full_text_search(raw: t.Any) -> dict[str, t.Any]:
    """get/status/solr -> {available, enabled, size, documents}; ``available`` false when this Mailcow has no Solr status."""
    if not isinstance(raw, dict) or not raw:
        return {"available": False, "enabled": False, "size": None, "documents": None}
    enabled = raw.get("solr_enabled")
    return {"available": True, "enabled": enabled is True or str(enabled).lower() in ("1", "true"),
            "size": raw.get("solr_size"), "documents": raw.get("solr_documents")}


def verdict(desired: Desired, found: list[dict[str, t.Any]], store: dict[str, t.Any]) -> list[str]:
    """Why Mailcow is not healthy; empty when it is."""
    reasons = []
    if not found:
        reasons.append("Mailcow reported no containers (its dockerapi container may be down)")
    for container in found:
        if not container["running"] and container["name"] not in desired.ignore_containers:
            reasons.append("container %s is %s" % (container["name"], container["state"]))
    used = store["used_percent"]
    if used is not None and used > desired.max_storage_percent:
        reasons.append("mail storage %s is %g%% used (%s of %s), more than max_storage_percent %d%%"
                       % (store["disk"] or "(vmail)", used, store["used"], store["total"], desired.max_storage_percent))
    return reasons
