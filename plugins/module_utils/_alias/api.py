# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading aliases and carrying out alias plans over the API.

Aliases are read by address (one alias, or a whole domain's in one request) and written by
Mailcow's numeric id, so a rename or a case difference can never hit the wrong row. The writes
of many plans are batched the way Mailcow allows (edit and delete take lists of ids).
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list, carried_in_path, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import domain_exists
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, explain_missing_domain, group, resolve


def _address(raw: dict[str, t.Any]) -> str:
    return str(raw.get("address", "")).lower()


def list_aliases(client: MailcowClient, domain: str | None = None) -> list[dict[str, t.Any]]:
    """Raw alias objects, of one domain or of all. One request."""
    if domain is None:
        return as_list(client.get("alias", "all"))
    domain = domain.lower()
    return [raw for raw in as_list(client.get("alias", "all", domain)) if str(raw.get("domain", "")).lower() == domain]


def get_alias(client: MailcowClient, address: str) -> dict[str, t.Any] | None:
    """One raw alias object by address (any case), or None when absent. One request, two at most."""
    key = address.lower()
    if carried_in_path(key):
        found = [raw for raw in as_list(client.get("alias", address)) if _address(raw) == key]
        # Mailcow looks up "id = x OR address = x", so "5abc@d" can answer with alias id 5 (docs/mailcow-api.md#aliases):
        # only then is the domain listing needed.
        if found or not key[:1].isdigit():
            return found[0] if found else None
    else:
        client.warn("alias %s: %s, so it was read from its domain's listing" % (key, path_problem(key)))
    return next((raw for raw in list_aliases(client, key.rpartition("@")[2]) if _address(raw) == key), None)


def get_normalized(client: MailcowClient, address: str) -> dict[str, t.Any] | None:
    raw = get_alias(client, address)
    return normalize(raw) if raw else None


def _item(plan: Plan) -> str:
    # Mailcow's own UI and the recorded transcripts send alias ids as strings.
    return str(plan.id)


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan], *, concurrency: int = 4) -> tuple[Writes, dict[str, t.Any]]:
    """Carry out many plans: deletes in one request, equal edits in one request, adds in parallel.

    Returns the outcomes and the ids of the aliases added, by lower-case address. Every independent
    write is attempted (until the server looks dead); nothing is raised.
    """
    writes = Writes()
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt([p.address for p in deletes], client.write, "delete", "alias", [_item(p) for p in deletes], gone_unknown=True)
    updates = [p for p in plans if p.action == "update"]
    names = {_item(p): p.address for p in updates}
    for attr, items in group(updates, "edit_attr", item=_item):
        writes.attempt([names[i] for i in items], client.write, "edit", "alias", {"items": items, "attr": attr})
    created: dict[str, t.Any] = {}
    creates = [p for p in plans if p.action == "create"]
    writes.attempt_parallel([([p.address], functools.partial(_add, client, p, created)) for p in creates], concurrency=concurrency, exists_unknown=True)
    return writes, created


def carry_out(
    client: MailcowClient, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan], *, domain: str | None = None, concurrency: int = 4
) -> tuple[dict[str, str], dict[str, t.Any]]:
    """apply_plans, then decide writes of unknown outcome by re-reading once, then raise what failed.

    The re-read is one GET of the alias for a single plan, one listing of ``domain`` for a bulk run.
    Returns ``({address: outcome}, {lower-case address: id of an added alias})``.
    """
    writes, created = apply_plans(client, plans, concurrency=concurrency)
    current: dict[str, t.Any] = {}

    def reread(items: list[str]) -> dict[str, t.Any]:
        if domain is None:
            current.update((item, get_normalized(client, item)) for item in items)
        else:
            listed = {alias["address"].lower(): alias for alias in (normalize(raw) for raw in list_aliases(client, domain))}
            current.update((item, listed.get(item.lower())) for item in items)
        return current

    def apply(again: list[Plan]) -> Writes:
        second, ids = apply_plans(client, again, concurrency=concurrency)
        created.update(ids)
        return second

    outcomes = resolve(writes, {p.address: p for p in plans}, Resolver(reread, replan, apply))
    for address in outcomes:
        if current.get(address):
            created.setdefault(address.lower(), current[address].get("id"))
    explain_missing_domain(writes, "/add/alias", lambda name: domain_exists(client, name))
    writes.raise_failures()
    return outcomes, created


def _add(client: MailcowClient, plan: Plan, created: dict[str, t.Any]) -> None:
    entries = client.write("add", "alias", plan.add_body)
    for entry in entries:
        # ["alias_added", address, "<id>"]: the only add reply that carries the new id (docs/mailcow-api.md#aliases).
        if entry.key == "alias_added":
            created[plan.address.lower()] = int(entry.args[1]) if len(entry.args) > 1 and str(entry.args[1]).isdigit() else None
            return
    # Mailcow answers a bare "Task completed" when it skipped the address without saying why.
    raise MailcowError("Mailcow did not add alias %s: it answered %s" % (plan.address, ", ".join(e.key for e in entries) or "nothing"),
                       method="POST", path="/add/alias")
