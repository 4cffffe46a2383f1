# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading domains and carrying out domain plans over the API."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import list_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import unicode_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, resolve


def list_domains(client: MailcowClient) -> list[dict[str, t.Any]]:
    """Every raw domain object. One request."""
    return as_list(client.get("domain", "all"))


def get_domain(client: MailcowClient, domain: str) -> dict[str, t.Any] | None:
    """One raw domain object by its ASCII name, or None when absent. One request."""
    raw = client.get_one("domain", domain)
    if not isinstance(raw, dict) or not raw:
        return None
    name = str(raw.get("domain_name", "")).lower()
    if name != domain:
        # get/domain/<alias domain> answers with the target domain's object (docs/mailcow-api.md#domains).
        raise MailcowOptionError("%s is an alias domain of %s, not a domain; mailcow_domain manages domains only" % (domain, name))
    return raw


def missing_domain_warning(client: MailcowClient, domain: str, *, raw: t.Any = None) -> str | None:
    """A warning when ``domain`` (ASCII) is not a domain of this Mailcow; ``raw``: its get/domain answer if read, else one read."""
    if raw is None:
        raw = client.get_one("domain", domain)
    shown = domain if unicode_domain(domain) == domain else "%s (%s)" % (unicode_domain(domain), domain)
    if not isinstance(raw, dict) or not raw:
        return "domain %s does not exist on this Mailcow: check its spelling" % shown
    name = str(raw.get("domain_name", "")).lower()
    if name != domain:
        return "%s is an alias domain of %s, not a domain: its mailboxes and aliases are listed under %s" % (shown, name, name)
    return None


def find_domain(client: MailcowClient, domain: str) -> tuple[list[dict[str, t.Any]], str | None]:
    """The raw object of ``domain`` (ASCII) as a list of none or one, and a warning when it is unknown or an alias domain. One request.

    get/domain/<alias domain> answers with its target's object: only an exact match counts.
    """
    answer = client.get_one("domain", domain)
    raws = [raw for raw in as_list(answer) if str(raw.get("domain_name", "")).lower() == domain]
    warning = None if raws else missing_domain_warning(client, domain, raw=answer if isinstance(answer, dict) else {})
    return raws, warning


def get_normalized(client: MailcowClient, domain: str) -> dict[str, t.Any] | None:
    raw = get_domain(client, domain)
    return normalize(raw) if raw else None


def mailbox_addresses(client: MailcowClient, domain: str) -> list[str]:
    """Addresses of the domain's mailboxes. One request."""
    return sorted(str(raw.get("username", "")).lower() for raw in list_mailboxes(client, domain))


def apply_plan(client: MailcowClient, plan: Plan) -> Writes:
    """Carry out one domain plan with the fewest requests; the outcomes are returned, nothing raised."""
    writes = Writes()
    items = [plan.domain]
    if plan.action == "create":
        if writes.attempt(items, client.write, "add", "domain", plan.add_body, exists_unknown=True) and plan.edit_attr:
            writes.attempt(items, client.write, "edit", "domain", {"items": items, "attr": plan.edit_attr})
    elif plan.action == "delete":
        # Mailcow refuses to delete a domain that holds mailboxes (resources count as mailboxes): all of them go first,
        # one request each kind.
        if not plan.resources_delete or writes.attempt(items, client.write, "delete", "resource", list(plan.resources_delete)):
            if not plan.mailboxes_delete or writes.attempt(items, client.write, "delete", "mailbox", list(plan.mailboxes_delete)):
                writes.attempt(items, client.write, "delete", "domain", [plan.domain])
    elif plan.action == "update":
        # edit/domain, edit/rl-domain and delete/domain/tag are independent: each is attempted.
        if plan.edit_attr:
            writes.attempt(items, client.write, "edit", "domain", {"items": items, "attr": plan.edit_attr})
        if plan.rl_attr:
            writes.attempt(items, client.write, "edit", "rl-domain", {"items": items, "attr": plan.rl_attr})
        if plan.tags_remove:
            writes.attempt(items, client.write, "delete", "domain", list(plan.tags_remove), "tag", plan.domain)
    return writes


def carry_out(client: MailcowClient, plan: Plan, replan: t.Callable[[Plan, t.Any], Plan]) -> str | None:
    """apply_plan; a write of unknown outcome is decided by one GET of the domain; raise what failed.

    Returns the outcome of a write so decided (see _writes.resolve), else None.
    """
    writes = apply_plan(client, plan)
    resolver = Resolver(lambda items: {plan.domain: get_normalized(client, plan.domain)}, replan, lambda again: apply_plan(client, again[0]))
    outcomes = resolve(writes, {plan.domain: plan}, resolver)
    if len(writes.failures) > 1 and all(items == [plan.domain] for items, _exc in writes.failures):
        # Several parts of one domain's update: one message, each part's error.
        writes.failures = [([plan.domain], writes.failures[0][1].__class__("; ".join(str(exc) for _i, exc in writes.failures)))]
    writes.raise_failures()
    return outcomes.get(plan.domain)
