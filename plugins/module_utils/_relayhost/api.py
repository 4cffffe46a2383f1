# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading relayhosts and carrying out relayhost plans over the API.

Relayhosts are read in one listing and written by Mailcow's numeric id. An add answers without
the new id, so the ids of added relayhosts are learnt from one listing after the adds. The
listing carries every password in clear: it is turned into Current rows at once and never logged.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import Current, Plan, current_from_raw, key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, group, resolve


def read_current(client: MailcowClient) -> dict[str, list[Current]]:
    """Every relayhost, by host name (any case), each name's rows in id order. One request."""
    found: dict[str, list[Current]] = {}
    for raw in sorted(as_list(client.get("relayhost", "all")), key=lambda raw: str(raw.get("id", "")).zfill(20)):
        current = current_from_raw(raw)
        found.setdefault(key_of(current.relayhost["hostname"]), []).append(current)
    return found


def _items(plan: Plan) -> list[str]:
    # Mailcow's own UI and the recorded transcripts send relayhost ids as strings.
    return [str(i) for i in plan.ids]


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan], *, concurrency: int = 4) -> Writes:
    """Deletes in one request, equal edits in one request, adds in parallel. Nothing is raised."""
    writes = Writes()
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt([p.hostname for p in deletes], client.write, "delete", "relayhost", [i for p in deletes for i in _items(p)])
    updates = [p for p in plans if p.action == "update"]
    names = {_items(p)[0]: p.hostname for p in updates}
    for attr, items in group(updates, "edit_attr", item=lambda p: _items(p)[0]):
        writes.attempt([names[i] for i in items], client.write, "edit", "relayhost", {"items": items, "attr": attr})
    creates = [p for p in plans if p.action == "create"]
    writes.attempt_parallel([([p.hostname], functools.partial(_add, client, p)) for p in creates], concurrency=concurrency)
    return writes


def _add(client: MailcowClient, plan: Plan) -> None:
    entries = client.write("add", "relayhost", plan.add_body)
    if not any(entry.key == "relayhost_added" for entry in entries):
        raise MailcowError("Mailcow did not add relayhost %s: it answered %s" % (plan.hostname, ", ".join(e.key for e in entries) or "nothing"),
                           method="POST", path="/add/relayhost")


def carry_out(
    client: MailcowClient, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan], *, existing: dict[str, list[Current]], concurrency: int = 4,
) -> tuple[dict[str, str], dict[str, int]]:
    """apply_plans, decide writes of unknown outcome by one re-listing, learn the added ids, then raise what failed.

    ``existing``: the listing the plans were made from (an added row is one whose id it lacks).
    Returns ``({host name: outcome}, {host name key: id of the added relayhost})``.
    """
    writes = apply_plans(client, plans, concurrency=concurrency)
    listed: dict[str, list[Current]] = {}

    def reread(items: list[str]) -> dict[str, t.Any]:
        listed.clear()
        listed.update(read_current(client))
        return {item: listed.get(key_of(item)) or [] for item in items}

    outcomes = resolve(writes, {p.hostname: p for p in plans}, Resolver(reread, replan, lambda again: apply_plans(client, again, concurrency=concurrency)))
    created: dict[str, int] = {}
    added = [p for p in plans if p.action == "create" and (p.hostname in writes.done)]
    if added:
        listed.clear()
        listed.update(read_current(client))
        known = {c.relayhost["id"] for rows in existing.values() for c in rows}
        for p in added:
            new = [c.relayhost["id"] for c in listed.get(key_of(p.hostname), []) if c.relayhost["id"] not in known]
            if new:
                created[key_of(p.hostname)] = max(new)
        follow = [p._replace(action="update", ids=(created[key_of(p.hostname)],), edit_attr=p.after_add)
                  for p in added if p.after_add and key_of(p.hostname) in created]
        if follow:
            writes.merge(apply_plans(client, follow, concurrency=concurrency))
    writes.raise_failures()
    return outcomes, created
