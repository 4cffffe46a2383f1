# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's operational events, from the API's answers (no I/O).

Each check turns one answer into the things it can report, each under an identity: a ban by its
network, a quarantine item by its id, a container that is not running by its name, the queue (one
identity) while it holds at least ``queue_threshold`` messages. ``Seen`` remembers the identities of
the last answer of each check, so a thing is reported once when it appears, and again only after it
went away and came back (a network banned anew, a container down again, the queue grown again).
"""

from __future__ import annotations

import datetime
import ipaddress
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.model import bans, is_network, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import to_int
from ansible_collections.glassdome.mailcow.plugins.module_utils._status.model import container_name, containers

Found = t.Dict[str, t.Dict[str, t.Any]]  # identity -> event
# Checks whose things present at the first answer are taken as known (unless include_existing):
# the others report conditions, which matter whenever they hold.
ITEM_CHECKS = frozenset(("bans", "quarantine"))


def check_allowlist(values: t.Any) -> list[str]:
    """The allowlist argument: networks, checked before anything connects."""
    networks = []
    for value in values or []:
        text = str(value).strip()
        if not is_network(text):
            raise MailcowOptionError("allowlist: %r is not an IP address or a network (address/prefix), such as 192.0.2.0/24 or 2001:db8::/32" % value)
        networks.append(text)
    return networks


def _overlaps(entry: str, network: str) -> bool:
    try:
        one, other = ipaddress.ip_network(entry, strict=False), ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False
    return one.version == other.version and one.overlaps(other)


def ban_events(raw: t.Any, now: datetime.datetime, allowlist: list[str]) -> Found:
    """get/fail2ban -> a ``ban`` event per banned network; ``allowlisted`` when it overlaps the allowlist argument or Mailcow's own allow list."""
    listed = allowlist + [entry for entry in normalize(raw)["allowlist"] if is_network(entry)]
    found: Found = {}
    for ban in bans(raw, now):
        matching = sorted({entry for entry in listed if _overlaps(entry, ban["network"])})
        found[ban["network"]] = {"type": "ban", "ban": dict(ban, allowlisted=bool(matching), allowlist_entries=matching)}
    return found


def _iso(created: t.Any) -> str | None:
    """The quarantine's ``created``: a Unix timestamp in a listing, ``YYYY-MM-DD HH:MM:SS`` (UTC) for one item."""
    text = str(created or "").strip()
    if text.isdigit():
        return datetime.datetime.fromtimestamp(int(text), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        return datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S").strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


def quarantine_events(items: list[dict[str, t.Any]]) -> Found:
    """get/quarantine/all -> a ``quarantine`` event per held message."""
    found: Found = {}
    for item in items:
        if item.get("id") is None:
            continue
        score = item.get("score")
        found[str(item["id"])] = {"type": "quarantine", "item": {
            "id": to_int(item["id"]), "qid": item.get("qid"), "subject": item.get("subject"), "sender": item.get("sender"),
            "recipient": item.get("rcpt"), "score": float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None,
            "action": item.get("action"), "virus": str(item.get("virus_flag")) == "1", "created": _iso(item.get("created"))}}
    return found


def queue_events(items: list[dict[str, t.Any]], threshold: int) -> Found:
    """get/mailq/all -> one ``queue`` event while the queue holds ``threshold`` messages or more."""
    if len(items) < threshold:
        return {}
    by_queue: dict[str, int] = {}
    for item in items:
        name = str(item.get("queue_name") or "unknown")
        by_queue[name] = by_queue.get(name, 0) + 1
    return {"queue": {"type": "queue", "queue": {"size": len(items), "threshold": threshold, "by_queue": by_queue}}}


def container_events(raw: t.Any, ignore: t.Iterable[str]) -> Found:
    """get/status/containers -> a ``container`` event per container that is not running (less the ignored ones)."""
    ignored = {container_name(name) for name in ignore}
    return {c["name"]: {"type": "container", "container": c} for c in containers(raw) if not c["running"] and c["name"] not in ignored}


class Seen:
    """The identities each check reported last; what a new answer holds beyond them is new."""

    def __init__(self, known: dict[str, t.Iterable[str]] | None = None) -> None:
        self.known: dict[str, set[str]] = {check: set(ids) for check, ids in (known or {}).items()}

    def new(self, check: str, found: Found, *, include_existing: bool) -> list[dict[str, t.Any]]:
        """The events of ``found`` not reported before, in identity order; remembers ``found`` as what is current."""
        first = check not in self.known
        previous = self.known.get(check, set())
        self.known[check] = set(found)
        if first and check in ITEM_CHECKS and not include_existing:
            return []
        return [found[identity] for identity in sorted(found) if identity not in previous]

    def as_dict(self) -> dict[str, list[str]]:
        return {check: sorted(ids) for check, ids in sorted(self.known.items())}

    @classmethod
    def from_dict(cls, data: t.Any) -> Seen:
        """What a state file holds; anything else is an empty memory."""
        if not isinstance(data, dict):
            return cls()
        return cls({check: [str(i) for i in ids] for check, ids in data.items() if isinstance(ids, list)})
