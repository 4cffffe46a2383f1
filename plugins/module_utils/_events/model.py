# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: Mailcow's operational events, from the API's answers (no I/O).

Each check turns one answer into the things it can report, each under an identity: a ban by its
network, a quarantine item by its identity (as mailcow_quarantine takes it), a container that is not running by its name, the queue (one
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
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.model import counts
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


def quarantine_events(items: list[dict[str, t.Any]]) -> Found:
    """The quarantine (items as mailcow_quarantine_info returns them) -> a ``quarantine`` event per held message, under its identity."""
    return {item["identity"]: {"type": "quarantine", "item": item} for item in items}


def queue_events(entries: list[dict[str, t.Any]], threshold: int) -> Found:
    """The queue (entries as mailcow_queue_info returns them) -> one ``queue`` event while it holds ``threshold`` messages or more."""
    if len(entries) < threshold:
        return {}
    by_queue = {name: number for name, number in counts(entries).items() if number}
    return {"queue": {"type": "queue", "queue": {"size": len(entries), "threshold": threshold, "by_queue": by_queue}}}


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
