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

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._api import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._batch import Failure, attempt, attempt_parallel, group, raise_failures
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_api import _UNSAFE_IN_PATH, as_list


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
    if not _UNSAFE_IN_PATH & set(key):
        found = [raw for raw in as_list(client.get("alias", address)) if _address(raw) == key]
        # Mailcow looks up "id = x OR address = x", so "5abc@d" can answer with alias id 5 (spec 6.4):
        # only then is the domain listing needed.
        if found or not key[:1].isdigit():
            return found[0] if found else None
    return next((raw for raw in list_aliases(client, key.rpartition("@")[2]) if _address(raw) == key), None)


def get_normalized(client: MailcowClient, address: str) -> dict[str, t.Any] | None:
    raw = get_alias(client, address)
    return normalize(raw) if raw else None


def _item(plan: Plan) -> str:
    # Mailcow's own UI and the recorded transcripts send alias ids as strings.
    return str(plan.id)


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan], *, concurrency: int = 4) -> dict[str, t.Any]:
    """Carry out many plans: deletes in one request, equal edits in one request, adds in parallel.

    Returns the ids of the aliases added, by lower-case address. Every independent write is
    attempted; then one failure is raised as it is, several as one MailcowError naming each.
    """
    failures: list[Failure] = []
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        attempt(failures, [p.address for p in deletes], client.write, "delete", "alias", [_item(p) for p in deletes])
    updates = [p for p in plans if p.action == "update"]
    names = {_item(p): p.address for p in updates}
    for attr, items in group(updates, "edit_attr", item=_item):
        attempt(failures, [names[i] for i in items], client.write, "edit", "alias", {"items": items, "attr": attr})
    created: dict[str, t.Any] = {}
    creates = [p for p in plans if p.action == "create"]
    attempt_parallel(failures, [([p.address], functools.partial(_add, client, p, created)) for p in creates], concurrency=concurrency)
    raise_failures(failures)
    return created


def _add(client: MailcowClient, plan: Plan, created: dict[str, t.Any]) -> None:
    entries = client.write("add", "alias", plan.add_body)
    for entry in entries:
        # ["alias_added", address, "<id>"]: the only add reply that carries the new id (spec 6.1).
        if entry.key == "alias_added":
            created[plan.address.lower()] = int(entry.args[1]) if len(entry.args) > 1 and str(entry.args[1]).isdigit() else None
            return
    # Mailcow answers a bare "Task completed" when it skipped the address without saying why.
    raise MailcowError("Mailcow did not add alias %s: it answered %s" % (plan.address, ", ".join(e.key for e in entries) or "nothing"),
                       method="POST", path="/add/alias")
