# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading and writing a domain's or mailbox's allow and deny lists.

Two reads (``get/policy_wl_<scope>/<object>`` and ``get/policy_bl_<scope>/<object>``), which answer
``{}`` alike for an empty list and for an object that does not exist; only then is the object read.
Deletes go by prefid in one request (deletes run before adds: a sender moves lists by a delete and
an add); adds take one sender each and run in parallel. A write whose answer is lost, an add answered
``policy_list_from_exists`` and a delete answered ``access_denied`` (another run at the same time)
are decided by reading the lists once more.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import get_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowNotFoundError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_mailbox
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.model import (
    LISTS,
    READ_CATEGORIES,
    WRITE_CATEGORIES,
    Entry,
    Plan,
    Target,
    add_body,
    normalize,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, resolve


def read_entries(client: MailcowClient, target: Target) -> list[Entry]:
    """Both lists of the object, in prefid order. Two requests."""
    entries = []
    for which in LISTS:
        raws = as_list(client.get(READ_CATEGORIES[which, target.scope], target.name))
        entries += [normalize(raw, which) for raw in raws if str(raw.get("object", "")).lower() == target.name]
    return sorted(entries, key=lambda entry: entry.prefids)


def by_sender(entries: t.Iterable[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(entry.sender, []).append(entry)
    return grouped


def exists(client: MailcowClient, target: Target) -> bool:
    """Whether the domain or mailbox exists. One request."""
    return bool(get_domain(client, target.name) if target.scope == "domain" else get_mailbox(client, target.name))


def missing_error(target: Target) -> MailcowNotFoundError:
    create = "mailcow_domain" if target.scope == "domain" else "mailcow_mailbox"
    return MailcowNotFoundError("%s %s does not exist on this Mailcow: check its spelling, or create it first (%s)" % (target.scope, target.name, create))


def apply_plans(client: MailcowClient, target: Target, plans: t.Sequence[Plan], *, concurrency: int) -> Writes:
    """Deletes (and the first half of each move) in one request, then the adds in parallel. Nothing is raised."""
    writes = Writes()
    category = WRITE_CATEGORIES[target.scope]
    deleting = [p for p in plans if p.ids and p.action in ("delete", "update")]
    if deleting:
        writes.attempt([p.address for p in deleting], client.write, "delete", category, [str(i) for p in deleting for i in p.ids], gone_unknown=True)
    failed = {item for items, _exc in writes.failures for item in items}
    adds = [p for p in plans if p.add_list and p.address not in failed]
    jobs = [([p.address], functools.partial(client.write, "add", category, add_body(target, p))) for p in adds]
    writes.attempt_parallel(jobs, concurrency=concurrency, exists_unknown=True)
    return writes


def carry_out(client: MailcowClient, target: Target, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan], *, concurrency: int) -> dict[str, str]:
    """apply_plans, decide the undecided writes by one more read of the lists, then raise what failed."""
    writes = apply_plans(client, target, plans, concurrency=concurrency)

    def reread(items: list[str]) -> dict[str, t.Any]:
        now = by_sender(read_entries(client, target))
        return {item: now.get(item, []) for item in items}

    outcomes = resolve(writes, {p.address: p for p in plans}, Resolver(reread, replan, lambda again: apply_plans(client, target, again, concurrency=1)))
    writes.raise_failures()
    return outcomes
