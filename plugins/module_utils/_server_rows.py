# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: server-wide objects that Mailcow knows by a numeric id only (relayhosts, transport maps).

A task names them by what a person knows (a host name, a destination); one listing gives the ids
(``read_rows``), writes go by id (``apply_plans``: deletes and equal edits batched, adds in
parallel), and since Mailcow's adds answer without the new id, one listing after the adds learns
them (``carry_out``). Listings of these objects carry passwords in clear: each row is kept as a
``Row`` (the normalised object without secrets, and the password only to compare) and never logged.

A plan here has ``address`` (its name), ``action``, ``ids`` (the rows it writes), ``add_body``,
``edit_attr`` and ``after_add`` (an edit once the added row's id is known).
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, group, resolve


class Row(t.NamedTuple):
    """One object as read: normalised (what may be shown), and its password (only ever compared)."""

    item: dict[str, t.Any]
    password: str


class Kind(t.NamedTuple):
    """How one object type is read and written: its API category, its rows from raw objects, the name a row is known by,
    and the message keys of a successful add."""

    category: str
    row: t.Callable[[dict[str, t.Any]], Row]
    key: t.Callable[[Row], str]
    added_keys: frozenset[str]
    what: str  # how messages call the object, e.g. "relayhost"


def read_rows(client: MailcowClient, kind: Kind) -> dict[str, list[Row]]:
    """Every object of ``kind``, by name, each name's rows in id order. One request."""
    found: dict[str, list[Row]] = {}
    for raw in sorted(as_list(client.get(kind.category, "all")), key=lambda raw: str(raw.get("id", "")).zfill(20)):
        row = kind.row(raw)
        found.setdefault(kind.key(row), []).append(row)
    return found


def _items(plan: t.Any) -> list[str]:
    # Mailcow's own UI and the recorded transcripts send these ids as strings.
    return [str(i) for i in plan.ids]


def apply_plans(client: MailcowClient, kind: Kind, plans: t.Sequence[t.Any], *, concurrency: int = 4) -> Writes:
    """Deletes in one request, equal edits in one request, adds in parallel. Nothing is raised."""
    writes = Writes()
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt([p.address for p in deletes], client.write, "delete", kind.category, [i for p in deletes for i in _items(p)])
    updates = [p for p in plans if p.action == "update"]
    names = {_items(p)[0]: p.address for p in updates}
    for attr, items in group(updates, "edit_attr", item=lambda p: _items(p)[0]):
        writes.attempt([names[i] for i in items], client.write, "edit", kind.category, {"items": items, "attr": attr})
    creates = [p for p in plans if p.action == "create"]
    writes.attempt_parallel([([p.address], functools.partial(_add, client, kind, p)) for p in creates], concurrency=concurrency)
    return writes


def _add(client: MailcowClient, kind: Kind, plan: t.Any) -> None:
    entries = client.write("add", kind.category, plan.add_body)
    if not any(entry.key in kind.added_keys for entry in entries):
        raise MailcowError("Mailcow did not add %s %s: it answered %s" % (kind.what, plan.address, ", ".join(e.key for e in entries) or "nothing"),
                           method="POST", path="/add/%s" % kind.category)


def carry_out(
    client: MailcowClient, kind: Kind, plans: t.Sequence[t.Any], replan: t.Callable[[t.Any, t.Any], t.Any], *,
    existing: dict[str, list[Row]], key: t.Callable[[str], str], concurrency: int = 4,
) -> tuple[dict[str, str], dict[str, int]]:
    """apply_plans, decide writes of unknown outcome by one re-listing, learn the added ids, then raise what failed.

    ``existing``: the listing the plans were made from (an added row is one whose id it lacks); ``key``:
    a plan's name as the listing's key. Returns ``({name: outcome}, {key: id of the added object})``.
    """
    writes = apply_plans(client, kind, plans, concurrency=concurrency)

    def reread(items: list[str]) -> dict[str, t.Any]:
        listed = read_rows(client, kind)
        return {item: listed.get(key(item)) or [] for item in items}

    outcomes = resolve(writes, {p.address: p for p in plans}, Resolver(reread, replan, lambda again: apply_plans(client, kind, again, concurrency=concurrency)))
    created: dict[str, int] = {}
    added = [p for p in plans if p.action == "create" and p.address in writes.done]
    if added:
        listed = read_rows(client, kind)
        known = {row.item["id"] for rows in existing.values() for row in rows}
        for p in added:
            new = [row.item["id"] for row in listed.get(key(p.address), []) if row.item["id"] not in known]
            if new:
                created[key(p.address)] = max(new)
        follow = [p._replace(action="update", ids=(created[key(p.address)],), edit_attr=p.after_add) for p in added if p.after_add and key(p.address) in created]
        if follow:
            writes.merge(apply_plans(client, kind, follow, concurrency=concurrency))
    writes.raise_failures()
    return outcomes, created
