# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_time_limited_alias and mailcow_time_limited_alias_info do.

read (one listing) -> desired -> plan -> (unless check mode) apply -> result; adds answer without the
new address, so one more listing after them learns it.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._time_limited_alias.api import carry_out, found_for, list_aliases, read
from ansible_collections.glassdome.mailcow.plugins.module_utils._time_limited_alias.model import (
    Desired,
    Plan,
    compared_view,
    desired_from_params,
    mailbox_option,
    plan,
)

KIND = "time_limited_aliases"


def _replanner(by_key: dict[str, Desired]) -> t.Callable[[Plan, t.Any], Plan]:
    def replan(before: Plan, now: t.Any) -> Plan:
        desired = by_key.get(before.address)
        if desired is None:  # purged
            return Plan(before.address, "delete", now[0], None, ids=tuple(a["address"] for a in now)) if now else Plan(before.address, "none", None, None)
        return plan(desired, now or [])

    return replan


def _learn_addresses(client: MailcowClient, mailbox: str, plans: t.Sequence[Plan], existing: t.Sequence[dict[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    """The aliases just created, by description: the listed ones of that description the first listing lacked. One request."""
    created = [p for p in plans if p.action == "create"]
    if not created:
        return {}
    known = {alias["address"] for alias in existing}
    now = list_aliases(client, mailbox)
    return {p.address: new for p in created for new in now if new["description"] == p.address and new["address"] not in known}


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    mailbox = mailbox_option(params.get("mailbox"))
    desired = desired_from_params(params, mailbox=mailbox)
    warnings: list[str] = []
    existing = read(client, mailbox, writes=desired.state == "present", check_mode=check_mode, warnings=warnings)
    the_plan = plan(desired, found_for(desired, existing))
    outcomes: dict[str, str] = {}
    after = the_plan.after or {}
    if the_plan.changed and not check_mode:
        outcomes = carry_out(client, mailbox, [the_plan], {desired.key: desired}, _replanner({desired.key: desired}), concurrency=1)
        after = _learn_addresses(client, mailbox, [the_plan], existing).get(the_plan.address, after)
    shown = {"before": compared_view(the_plan.before), "after": compared_view(the_plan.after)} if diff else None
    result = single_result(the_plan, "time_limited_alias", after, outcome=outcomes.get(the_plan.address), diff=shown)
    return dict(result, warnings=warnings)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    mailbox = mailbox_option(params.get("mailbox"))
    check_bulk_options(params)
    desireds = validate_entries(params[KIND], None, kind=KIND, parse=functools.partial(desired_from_params, mailbox=mailbox),
                                key=lambda d: d.key, named_by=("description", "address"))
    warnings: list[str] = []
    existing = read(client, mailbox, writes=any(d.state == "present" for d in desireds), check_mode=check_mode, warnings=warnings)
    by_name = {d.key: found_for(d, existing) for d in desireds}
    plans = plan_entries(desireds, by_name, plan, kind=KIND, key=lambda d: d.key)
    if params.get("purge"):
        kept = {alias["address"] for found in by_name.values() for alias in found}
        unnamed: dict[str, list[dict[str, t.Any]]] = {}
        for alias in existing:
            if alias["address"] not in kept:
                unnamed.setdefault(alias["description"] or alias["address"], []).append(alias)
        purged = [Plan(name, "delete", found[0], None, ids=tuple(a["address"] for a in found)) for name, found in sorted(unnamed.items())]
        guard_purge([p.address for p in purged for _alias in p.ids], len(existing), params, kind=KIND, domain=mailbox, scope="mailbox")
        plans += purged
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        by_key = {d.key: d for d in desireds}
        outcomes = carry_out(client, mailbox, plans, by_key, _replanner(by_key), concurrency=params.get("concurrency", 4))
    result = bulk_result(plans, kind=KIND, diff=diff, check_mode=check_mode, outcomes=outcomes, named="description",
                         before_view=lambda p: compared_view(p.before), after_view=lambda p: compared_view(p.after))
    return dict(result, warnings=warnings)


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    form = manage_many if params.get(KIND) is not None else manage_one
    return form(client, params, check_mode=check_mode, diff=diff)


def find(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """mailcow_time_limited_alias_info: the mailbox's aliases (only those described ``description`` when set)."""
    mailbox = mailbox_option(params.get("mailbox"))
    found = list_aliases(client, mailbox)
    wanted = params.get("description")
    return {"changed": False, KIND: [alias for alias in found if wanted is None or alias["description"] == str(wanted).strip()]}
