# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_resource does, as functions of its options.

read (one listing, kept to the domain) -> desired -> plan -> (unless check mode) apply -> result, with
the writes of _server_rows.py (a resource's id is its address).
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.api import read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.model import RESOURCE, Desired, compared_view, desired_from_params, plan, public
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Plan, carry_out


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """The single form: one listing, one plan, its writes; the resource and one diff."""
    desired = desired_from_params(params)
    existing = read_current(client)
    the_plan = plan(desired, existing.get(desired.key))
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes = carry_out(client, RESOURCE, [the_plan], lambda old, now: plan(desired, now), existing=existing, concurrency=1)[0]
    shown = {"before": compared_view(the_plan.before), "after": compared_view(the_plan.after)} if diff else None
    return single_result(the_plan, "resource", public(the_plan.after), outcome=outcomes.get(the_plan.address), diff=shown)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """The bulk form: a domain's resources, every entry checked and planned before any write, purge within its guards."""
    check_bulk_options(params)
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with resources (or set MAILCOW_DOMAIN): the domain whose resources the list holds")
    domain = ascii_domain(params["domain"])

    def parse(entry: dict[str, t.Any], where: str) -> Desired:
        return desired_from_params(entry, where=where, domain=domain)

    desireds = validate_entries(params["resources"], domain, kind="resources", parse=parse, key=_key, named_by=("address", "local_part", "description"))
    existing = read_current(client, domain)
    plans = plan_entries(desireds, existing, plan, kind="resources", key=_key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        purged = [plan(Desired(rows[0].item["local_part"], domain, "absent", {}, False), rows) for key, rows in sorted(existing.items()) if key not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind="resources", domain=domain)
        plans += purged
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        by_key = {d.key: d for d in desireds}
        outcomes = carry_out(client, RESOURCE, plans, lambda old, now: _replan(by_key, old, now), existing=existing,
                             concurrency=params.get("concurrency", 4))[0]
    return bulk_result(plans, kind="resources", diff=diff, check_mode=check_mode, outcomes=outcomes,
                       before_view=lambda p: compared_view(p.before), after_view=lambda p: compared_view(p.after))


def _replan(by_key: dict[str, Desired], before: Plan, now: t.Any) -> Plan:
    """A new plan for an entry from its resource as it is now (re-read after an undecided write)."""
    desired = by_key.get(before.address.lower())
    if desired is None:  # purged
        return plan(Desired(before.address.partition("@")[0], before.address.partition("@")[2], "absent", {}, False), now)
    return plan(desired, now)


def _key(desired: Desired) -> str:
    return desired.key
