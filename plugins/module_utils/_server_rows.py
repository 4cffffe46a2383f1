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

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, api_path, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import MAILBOXES_ROLE_PURGE, SERVER_ROLE_PURGE, bulk_result, guard_purge
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, group, resolve


class Row(t.NamedTuple):
    """One object as read: normalised (what may be shown), and its password (only ever compared)."""

    item: dict[str, t.Any]
    password: str


class Kind(t.NamedTuple):
    """How one object type is read and written: its API category, its rows from raw objects, the field that names
    it and how names compare, the message keys of a successful add, and its names in messages and results."""

    category: str
    row: t.Callable[[dict[str, t.Any]], Row]
    named: str  # the field that names an object, e.g. "hostname"
    key_of: t.Callable[[t.Any], str]  # a name as it compares
    added_keys: frozenset[str]
    what: str  # one object in messages and the single form's result, e.g. "relayhost"
    plural: str  # the bulk form's option and result, e.g. "relayhosts"
    single: str = ""  # the single form's result, when not ``what`` (e.g. "transport")
    entry_named: tuple[str, ...] = ()  # the options that name a bulk entry in messages, when not ``named``
    sub: tuple[str, ...] = ()  # path segments after the category, e.g. ("template",) for /get/domain/template/all
    delete_one_by_one: bool = False  # Mailcow deletes only the first id of a list
    permanent: frozenset[str] = frozenset()  # keys of objects Mailcow never deletes: never purged
    listing: tuple[str, ...] = ()  # the path of the listing, when not ``(category, "all")`` (e.g. one mailbox's filters)

    def key(self, row: Row) -> str:
        return self.key_of(row.item[self.named])


class Plan(t.NamedTuple):
    """What to write for one name. ``after`` is the predicted normalised object (None: absent)."""

    address: str  # the name (the shared bulk steps call it the address)
    action: str  # "create" | "update" | "delete" | "none"
    before: dict[str, t.Any] | None
    after: dict[str, t.Any] | None
    ids: tuple[int, ...] = ()  # the rows written (a delete removes every row of the name)
    add_body: dict[str, t.Any] | None = None
    edit_attr: dict[str, t.Any] | None = None
    after_add: dict[str, t.Any] | None = None  # an edit once the added row's id is known
    password_set: bool = False

    @property
    def changed(self) -> bool:
        return self.action != "none"


def delete_all(kind: Kind, rows: t.Sequence[Row]) -> Plan:
    """Delete every row of one name (Mailcow may hold a name more than once)."""
    return Plan(rows[0].item[kind.named], "delete", rows[0].item, None, ids=tuple(row.item["id"] for row in rows))


def plan_edit(kind: Kind, attrs: dict[str, t.Any], row: Row, api: dict[str, str] | None = None) -> Plan:
    """The edit of one listed object to the settings ``attrs`` (booleans sent as 0 or 1); "none" when they already hold.

    ``api``: the API's name of a setting, where it is not the option's.
    """
    before = row.item
    differs = {key: value for key, value in attrs.items() if before[key] != value}
    edit_attr = {(api or {}).get(key, key): int(value) if isinstance(value, bool) else value for key, value in differs.items()}
    return Plan(before[kind.named], "update" if edit_attr else "none", before, dict(before, **differs), ids=(before["id"],),
                edit_attr=edit_attr or None)


def only_row(kind: Kind, name: str, rows: t.Sequence[Row]) -> Row | None:
    """The one row of ``name``, None when there is none; refused when Mailcow holds the name more than once."""
    if len(rows) > 1:
        raise MailcowOptionError(
            "%s %s is on this Mailcow %d times (ids %s): Mailcow does not refuse duplicates, so the module cannot tell which one "
            "to manage. Remove them with state=absent (which deletes every %s of that %s) and run again, or delete the "
            "extra ones in Mailcow's UI" % (kind.what, name, len(rows), ", ".join(str(row.item["id"]) for row in rows), kind.what,
                                            kind.named.replace("_", " ")))
    return rows[0] if rows else None


def diff_after(plan: Plan, view: t.Callable[[t.Any], dict[str, t.Any]]) -> dict[str, t.Any]:
    """The after side of a diff: the compared settings, a password that is set as a marker only."""
    after = view(plan.after)
    if plan.password_set and after:
        after["password"] = "(set)"
    return after


def read_rows(client: MailcowClient, kind: Kind) -> dict[str, list[Row]]:
    """Every object of ``kind``, by name, each name's rows in id order. One request."""
    found: dict[str, list[Row]] = {}
    for raw in sorted(as_list(client.get(*(kind.listing or (kind.category, *kind.sub, "all")))), key=lambda raw: str(raw.get("id", "")).zfill(20)):
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
    if deletes and kind.delete_one_by_one:
        for p in deletes:
            for item in _items(p):
                writes.attempt([p.address], client.write, "delete", kind.category, [item], *kind.sub)
    elif deletes:
        writes.attempt([p.address for p in deletes], client.write, "delete", kind.category, [i for p in deletes for i in _items(p)], *kind.sub)
    updates = [p for p in plans if p.action == "update"]
    names = {_items(p)[0]: p.address for p in updates}
    for attr, items in group(updates, "edit_attr", item=lambda p: _items(p)[0]):
        writes.attempt([names[i] for i in items], client.write, "edit", kind.category, {"items": items, "attr": attr}, *kind.sub)
    creates = [p for p in plans if p.action == "create"]
    writes.attempt_parallel([([p.address], functools.partial(_add, client, kind, p)) for p in creates], concurrency=concurrency)
    return writes


def _add(client: MailcowClient, kind: Kind, plan: t.Any) -> None:
    entries = client.write("add", kind.category, plan.add_body, *kind.sub)
    if not any(entry.key in kind.added_keys for entry in entries):
        raise MailcowError("Mailcow did not add %s %s: it answered %s" % (kind.what, plan.address, ", ".join(e.key for e in entries) or "nothing"),
                           method="POST", path=api_path("add", kind.category, *kind.sub))


def carry_out(
    client: MailcowClient, kind: Kind, plans: t.Sequence[t.Any], replan: t.Callable[[t.Any, t.Any], t.Any], *,
    existing: dict[str, list[Row]], concurrency: int = 4,
) -> tuple[dict[str, str], dict[str, int]]:
    """apply_plans, decide writes of unknown outcome by one re-listing, learn the added ids, then raise what failed.

    ``existing``: the listing the plans were made from (an added row is one whose id it lacks). Returns ``({name: outcome}, {key: id of the added object})``.
    """
    writes = apply_plans(client, kind, plans, concurrency=concurrency)
    key = kind.key_of

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
        follow = [p._replace(action="update", ids=(created[key(p.address)],), edit_attr=p.after_add)
                  for p in added if p.after_add and key(p.address) in created]
        if follow:
            writes.merge(apply_plans(client, kind, follow, concurrency=concurrency))
    writes.raise_failures()
    return outcomes, created


# -- what a module of such objects does ----------------------------------------------------------


class Managed(t.NamedTuple):
    """One object type as its module manages it: the Kind, and its model's steps."""

    kind: Kind
    parse: t.Callable[..., t.Any]  # (entry, where=, update_password=) -> desired, with .address, .key and .state
    plan: t.Callable[[t.Any, t.Sequence[Row]], Plan]
    view: t.Callable[[t.Any], dict[str, t.Any]]  # the compared settings of a normalised object (what diffs show)
    check: t.Callable[[list[Plan], dict[str, list[Row]]], None] | None = None  # refusals that need every plan, before any write
    # The field (of a normalised object, and of a desired one) holding the address or domain an object belongs to: the bulk
    # form's ``domain`` option then narrows the list, the purge and its share to the objects of that domain.
    scope: str = ""


def domain_part(value: t.Any) -> str:
    """The domain of an address, or a domain itself (an address map's side), lower-case."""
    return str(value or "").rpartition("@")[2].lower()


def scope_of(managed: Managed, params: dict[str, t.Any], desireds: t.Sequence[t.Any]) -> str:
    """The bulk form's ``domain`` (its ASCII form), "" without it; every entry must be of that domain (refused before any request,
    naming the entries that are not)."""
    if not (managed.scope and params.get("domain")):
        return ""
    domain = ascii_domain(params["domain"], option="domain")
    outside = [d.address for d in desireds if domain_part(getattr(d, managed.scope)) != domain]
    if outside:
        raise MailcowOptionError("%s whose %s is not of domain %s (the domain option narrows the list and its purge to that domain's): %s"
                                 % (managed.kind.plural, managed.scope, domain, ", ".join(outside[:10])))
    return domain


def of_domain(managed: Managed, domain: str, existing: dict[str, list[Row]]) -> dict[str, list[Row]]:
    """The objects of ``domain`` (all of them for "")."""
    return {key: rows for key, rows in existing.items() if not domain or domain_part(rows[0].item[managed.scope]) == domain}


def manage_one(client: MailcowClient, managed: Managed, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """The single form: one listing, one plan, its writes; the object (with its id once created) and one diff."""
    kind = managed.kind
    desired = managed.parse(params)
    existing = read_rows(client, kind)
    the_plan = managed.plan(desired, existing.get(desired.key, []))
    if managed.check:
        managed.check([the_plan], existing)
    after = the_plan.after or {}
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes, created = carry_out(client, kind, [the_plan], lambda old, now: managed.plan(desired, now), existing=existing, concurrency=1)
        if the_plan.action == "create":
            after = dict(after, id=created.get(desired.key))
    shown = {"before": managed.view(the_plan.before), "after": diff_after(the_plan, managed.view)} if diff else None
    return single_result(the_plan, kind.single or kind.what, after, outcome=outcomes.get(the_plan.address), diff=shown)


def manage_many(client: MailcowClient, managed: Managed, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """The bulk form: every entry checked and planned before any write, purge within its guards, one diff per object."""
    kind = managed.kind
    check_bulk_options(params)

    def parse(entry: dict[str, t.Any], where: str) -> t.Any:
        return managed.parse(entry, where=where, update_password=params.get("update_password"))

    desireds = validate_entries(params[kind.plural], None, kind=kind.plural, parse=parse, key=_key,
                                named_by=kind.entry_named or (kind.named,))
    domain = scope_of(managed, params, desireds)
    existing = of_domain(managed, domain, read_rows(client, kind))
    plans = plan_entries(desireds, existing, lambda d, found: managed.plan(d, found or []), kind=kind.plural, key=_key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        purged = [delete_all(kind, rows) for key, rows in sorted(existing.items()) if key not in named and key not in kind.permanent]
        guard_purge([p.address for p in purged], len(existing), params, kind=kind.plural, domain=domain or "this Mailcow",
                    scope=("domain's " if domain else "server's ") + kind.plural, role=MAILBOXES_ROLE_PURGE if domain else SERVER_ROLE_PURGE)
        plans += purged
    if managed.check:
        managed.check(plans, existing)
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        outcomes = carry_out(client, kind, plans, _replanner(managed, {d.key: d for d in desireds}), existing=existing,
                             concurrency=params.get("concurrency", 4))[0]
    return bulk_result(plans, kind=kind.plural, diff=diff, check_mode=check_mode, outcomes=outcomes, named=kind.named,
                       before_view=lambda p: managed.view(p.before), after_view=lambda p: diff_after(p, managed.view))


def _replanner(managed: Managed, by_key: dict[str, t.Any]) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from the rows of its name as they are now (re-read after an undecided write)."""

    def replan(before: Plan, now: list[Row]) -> Plan:
        desired = by_key.get(managed.kind.key_of(before.address))
        if desired is None:  # purged
            return delete_all(managed.kind, now) if now else Plan(before.address, "none", None, None)
        return managed.plan(desired, now)

    return replan


def _key(desired: t.Any) -> str:
    return str(desired.key)
