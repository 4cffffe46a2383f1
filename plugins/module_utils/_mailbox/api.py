# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading mailboxes and carrying out mailbox plans over the API.

Single mailboxes and whole domains go through the same functions: a domain is read once, and the
writes of many plans are batched the way Mailcow allows (edit and delete take lists of items).
"""

from __future__ import annotations

import functools
import typing as t
from concurrent.futures import ThreadPoolExecutor

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list, carried_in_path, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowNotFoundError, MailcowPathError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import Plan, normalize, spam_score_read
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, explain_missing_domain, group, resolve


def list_mailboxes(client: MailcowClient, domain: str | None = None, *, full: bool = False) -> list[dict[str, t.Any]]:
    """Raw mailbox objects, of one domain or of all. One request (two on a Mailcow older than 2022-01).

    By default this reads the reduced listing (``get/mailbox/reduced``, ~3x cheaper for Mailcow):
    every field the mailbox model reads, but without ``max_new_quota``, ``spam_aliases``,
    ``pushover_active``, ``rl``, ``rl_scope``, ``is_relayed`` and ``sender_acl``. ``full=True``
    reads ``get/mailbox/all`` for callers that hand those fields on.
    """
    where = [domain.lower()] if domain is not None else []
    items = None if full else _reduced_listing(client, where)
    if items is None:
        items = as_list(client.get("mailbox", "all", *where))
    if domain is None:
        return items
    # An unknown domain makes Mailcow return every domain's mailboxes: filter ourselves.
    return [item for item in items if str(item.get("domain", "")).lower() == domain.lower()]


def _reduced_listing(client: MailcowClient, where: list[str]) -> list[dict[str, t.Any]] | None:
    """The reduced listing, or None when the full one must be read instead.

    A Mailcow older than 2022-01 has no such listing: its router may answer 404 "route not
    found", or read "reduced" as a mailbox name and answer ``{}``. So an empty answer is
    confirmed with the full listing (one more request, only for an empty result).
    """
    try:
        items = as_list(client.get("mailbox", "reduced", *where))
    except MailcowNotFoundError as exc:
        if exc.status == 404:
            return None
        raise
    return items or None


def get_mailbox(client: MailcowClient, address: str, *, full: bool = False) -> dict[str, t.Any] | None:
    """One raw mailbox object, or None when absent. One request.

    Read by address, the object is always Mailcow's full one. An address no API path can carry
    (a ``/`` in its local part) is found in its domain's listing instead, with a warning: reduced
    unless ``full``.
    """
    address = address.lower()
    if not carried_in_path(address):
        client.warn("mailbox %s: %s, so it was read from its domain's listing; it can be read and deleted, but "
                    "not have tags removed" % (address, path_problem(address)))
        candidates = list_mailboxes(client, address.partition("@")[2], full=full)
    else:
        candidates = as_list(client.get("mailbox", address))
    return next((item for item in candidates if str(item.get("username", "")).lower() == address), None)


def get_normalized(client: MailcowClient, address: str, *, full: bool = False) -> dict[str, t.Any] | None:
    raw = get_mailbox(client, address, full=full)
    return normalize(raw) if raw else None


def get_spam_scores(client: MailcowClient, addresses: t.Sequence[str], *, concurrency: int = 4) -> dict[str, str | None]:
    """Each mailbox's spam score (``"low,high"``, Mailcow's default when it has none of its own), None for a missing
    mailbox. One request each, ``concurrency`` at a time."""

    def one(address: str) -> str | None:
        score = client.get_one("spam-score", address).get("score")
        return spam_score_read(score) if score is not None else None

    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(addresses) or 1))) as pool:
        return dict(zip(addresses, pool.map(one, addresses)))


def missing_mailboxes(client: MailcowClient, plans: t.Sequence[t.Any], known: t.Collection[str], domain: str | None = None) -> list[str]:
    """The mailboxes that plans create objects in (a sync job, a filter: ``after["mailbox"]``) and that do not exist.

    ``known``: mailboxes seen to exist already (they hold such objects). One read, only for the others:
    the mailbox itself for one mailbox outside a bulk run, else ``domain``'s listing.
    """
    wanted = sorted({p.after["mailbox"] for p in plans if p.action == "create" and p.after and p.after["mailbox"] not in known})
    if not wanted:
        return []
    if domain is None and len(wanted) == 1:
        return [] if get_mailbox(client, wanted[0]) else wanted
    present = {str(raw.get("username", "")).lower() for raw in list_mailboxes(client, domain)}
    return [mailbox for mailbox in wanted if mailbox not in present]


def refuse_missing_mailboxes(missing: list[str]) -> None:
    """Refused before any write: objects cannot be created in mailboxes that do not exist (Mailcow answers a bare access_denied)."""
    if missing:
        shown = ", ".join(missing[:10]) + (" and %d more" % (len(missing) - 10) if len(missing) > 10 else "")
        raise MailcowNotFoundError("mailbox%s %s do%s not exist on this Mailcow: create %s first (mailcow_mailbox, or the role's "
                                   "mailcow_mailboxes); nothing was written" % ("es" if len(missing) > 1 else "", shown,
                                                                                "" if len(missing) > 1 else "es", "them" if len(missing) > 1 else "it"))


def list_templates(client: MailcowClient) -> list[dict[str, t.Any]]:
    """The mailbox templates (``id``, ``template`` = name, ``attributes``). One request.

    Mailcow before 2024-01 has none: its router then answers ``{}`` (no template).
    """
    return as_list(client.get("mailbox", "template", "all"))


def domain_exists(client: MailcowClient, domain: str) -> bool:
    """Whether Mailcow knows ``domain`` (get/domain answers ``{}`` for an unknown one). One request."""
    raw = client.get_one("domain", domain)
    return isinstance(raw, dict) and bool(raw)


def refuse_pathless_writes(plans: t.Sequence[Plan]) -> None:
    """Refuse, before any write and in check mode alike, a tag removal for a mailbox no API path can carry.

    Mailcow removes a mailbox's tags only by ``delete/mailbox/tag/<address>``; every other write names
    the mailbox in the body.
    """
    blocked = [p for p in plans if p.tags_remove and not carried_in_path(p.address)]
    if blocked:
        raise MailcowPathError("tags of mailbox %s cannot be removed: Mailcow's API removes tags only by the mailbox's address in the URL, "
                               "and %s. Nothing was written; remove them in Mailcow's UI, or keep them (list them in tags, or set "
                               "purge_tags: false)" % (", ".join(p.address for p in blocked), path_problem(blocked[0].address)))


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan], *, concurrency: int = 4) -> Writes:
    """Carry out many plans: deletes in one request, equal edits in one request, adds in parallel.

    Deletes go first (they free domain quota), then edits, then adds. Every independent write is
    attempted (until the server looks dead); the outcomes are returned, nothing is raised.
    """
    writes = Writes()
    deletes = [p.address for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt(deletes, client.write, "delete", "mailbox", deletes, gone_unknown=True)
    updates = [p for p in plans if p.action == "update"]
    for attr, items in group(updates, "edit_attr"):
        writes.attempt(items, client.write, "edit", "mailbox", {"items": items, "attr": attr})
    for attr, items in group(updates, "tls_attr"):
        writes.attempt(items, client.write, "edit", "tls_policy", {"items": items, "attr": attr})
    for attr, items in group(updates, "rl_attr"):
        writes.attempt(items, client.write, "edit", "rl-mbox", {"items": items, "attr": attr})
    for attr, items in group(updates, "spam_attr"):
        writes.attempt(items, client.write, "edit", "spam-score", {"items": items, "attr": attr})
    for p in updates:
        if p.tags_remove:
            writes.attempt([p.address], client.write, "delete", "mailbox", p.tags_remove, "tag", p.address)
    creates = [p for p in plans if p.action == "create"]
    jobs = [([p.address], functools.partial(client.write, "add", "mailbox", p.add_body)) for p in creates]
    writes.attempt_parallel(jobs, concurrency=concurrency, exists_unknown=True)
    # What add/mailbox cannot set (sender_acl) follows as an edit of the mailboxes just added.
    added = [p for p in creates if p.address in writes.done]
    for attr, items in group(added, "edit_attr"):
        writes.attempt(items, client.write, "edit", "mailbox", {"items": items, "attr": attr})
    for attr, items in group(added, "spam_attr"):
        writes.attempt(items, client.write, "edit", "spam-score", {"items": items, "attr": attr})
    return writes


def carry_out(
    client: MailcowClient, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan], *, domain: str | None = None, concurrency: int = 4,
    full: bool = False,
) -> dict[str, str]:
    """apply_plans, then decide writes of unknown outcome by re-reading once, then raise what failed.

    The re-read is one GET of the mailbox for a single plan, one listing of ``domain`` for a bulk
    run (``full``: the full listing, for plans that compare rate_limit or sender_acl). Returns ``{address: outcome}``
    for the writes so decided (see _writes.resolve).
    """
    writes = apply_plans(client, plans, concurrency=concurrency)

    def reread(items: list[str]) -> dict[str, t.Any]:
        if domain is None:
            return {item: get_normalized(client, item, full=full) for item in items}
        current = {mb["address"]: mb for mb in (normalize(raw) for raw in list_mailboxes(client, domain, full=full))}
        return {item: current.get(item) for item in items}

    outcomes = resolve(writes, {p.address: p for p in plans}, Resolver(reread, replan, lambda again: apply_plans(client, again, concurrency=concurrency)))
    explain_missing_domain(writes, "/add/mailbox", lambda name: domain_exists(client, name))
    writes.raise_failures()
    return outcomes
