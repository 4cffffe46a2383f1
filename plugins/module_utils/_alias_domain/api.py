# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading alias domains and carrying out alias domain plans over the API.

Mailcow answers a missing target domain with a bare ``access_denied`` and an alias domain that is
already a domain with ``alias_domain_invalid`` (as for a duplicate), so both are read first and
refused with a message that says which (docs/mailcow-api.md#alias-domains).
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.model import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowExistsError, MailcowNotFoundError
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, resolve

CREATE_DOMAIN_HINT = "create it first with mailcow_domain (or the mailboxes role's mailcow_domain_settings)"


def list_alias_domains(client: MailcowClient) -> list[dict[str, t.Any]]:
    """Every raw alias domain object. One request."""
    return as_list(client.get("alias-domain", "all"))


def get_alias_domain(client: MailcowClient, name: str) -> dict[str, t.Any] | None:
    """One raw alias domain object by its ASCII name, or None when absent. One request."""
    found = [raw for raw in as_list(client.get("alias-domain", name)) if str(raw.get("alias_domain", "")).lower() == name]
    return found[0] if found else None


def get_normalized(client: MailcowClient, name: str) -> dict[str, t.Any] | None:
    raw = get_alias_domain(client, name)
    return normalize(raw) if raw else None


def check_target(client: MailcowClient, target: str, alias_domain: str) -> None:
    """Refuse a target that is not a domain of this Mailcow. One request."""
    raw = client.get_one("domain", target)
    name = str(raw.get("domain_name", "")).lower() if isinstance(raw, dict) else ""
    if not name:
        raise MailcowNotFoundError("target_domain %s of alias domain %s does not exist on this Mailcow: %s" % (target, alias_domain, CREATE_DOMAIN_HINT))
    if name != target:
        # get/domain/<alias domain> answers with its target's object.
        raise MailcowNotFoundError("target_domain %s is itself an alias domain (of %s): give target_domain: %s" % (target, name, name))


def check_not_a_domain(client: MailcowClient, alias_domain: str) -> None:
    """Refuse to add an alias domain that is a domain of this Mailcow. One request."""
    raw = client.get_one("domain", alias_domain)
    if isinstance(raw, dict) and str(raw.get("domain_name", "")).lower() == alias_domain:
        raise MailcowExistsError(
            "alias_domain %s is a domain of this Mailcow, so it cannot also be an alias domain: remove the domain first "
            "(mailcow_domain state=absent) or choose another alias_domain" % alias_domain
        )


def apply_plan(client: MailcowClient, plan: Plan) -> Writes:
    """Carry out one plan (one request); the outcome is returned, nothing raised."""
    writes = Writes()
    items = [plan.domain]
    if plan.action == "create":
        # A second add of the same alias domain (two runs at once) is refused as alias_domain_invalid: re-read, not failed.
        writes.attempt(items, client.write, "add", "alias-domain", plan.add_body, exists_unknown=True)
    elif plan.action == "update":
        writes.attempt(items, client.write, "edit", "alias-domain", {"items": items, "attr": plan.edit_attr})
    elif plan.action == "delete":
        writes.attempt(items, client.write, "delete", "alias-domain", items, gone_unknown=True)
    return writes


def carry_out(client: MailcowClient, plan: Plan, replan: t.Callable[[Plan, t.Any], Plan]) -> str | None:
    """apply_plan; a write of unknown outcome (empty body, lost answer) is decided by one GET; raise what failed."""
    writes = apply_plan(client, plan)
    resolver = Resolver(lambda items: {plan.domain: get_normalized(client, plan.domain)}, replan, lambda again: apply_plan(client, again[0]))
    outcomes = resolve(writes, {plan.domain: plan}, resolver)
    writes.raise_failures()
    return outcomes.get(plan.domain)
