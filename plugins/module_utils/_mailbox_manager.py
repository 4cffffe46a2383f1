# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_mailbox does, as functions of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plan, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import ACTION_WORDS, bulk_result, guard_purge, plan_entries, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox import (
    Plan,
    compared_view,
    desired_from_params,
    diff_view,
    normalize,
    plan,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_api import carry_out, get_normalized, list_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params, default_domain=params.get("domain"))
    purge_tags = params.get("purge_tags", True)
    the_plan = plan(desired, get_normalized(client, desired.address), purge_tags=purge_tags)
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes = carry_out(client, [the_plan], lambda before, now: plan(desired, now, purge_tags=purge_tags))
    result: dict[str, t.Any] = {"changed": the_plan.changed, "action": ACTION_WORDS[the_plan.action], "mailbox": the_plan.after or {}}
    if outcomes:
        result["outcome"] = outcomes[the_plan.address]
    if diff:
        result["diff"] = diff_view(the_plan)
    return result


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with mailboxes (or set MAILCOW_DOMAIN)")
    check_bulk_options(params)
    domain = ascii_domain(params["domain"])
    desireds = validate_entries(params["mailboxes"], domain, kind="mailboxes", parse=desired_from_params)
    existing = {mb["address"]: mb for mb in (normalize(raw) for raw in list_mailboxes(client, domain))}
    purge_tags = params.get("purge_tags", True)
    plans = plan_entries(desireds, existing, lambda d, before: plan(d, before, purge_tags=purge_tags), kind="mailboxes")
    if params.get("purge"):
        named = {d.address for d in desireds}
        purged = [Plan(address, "delete", mb, None) for address, mb in sorted(existing.items()) if address not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind="mailboxes", domain=domain)
        plans += purged
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        replan = _replanner({d.address: d for d in desireds}, purge_tags)
        outcomes = carry_out(client, plans, replan, domain=domain, concurrency=params.get("concurrency", 4))
    return bulk_result(plans, kind="mailboxes", diff=diff, check_mode=check_mode, outcomes=outcomes,
                       before_view=lambda p: compared_view(p.before), after_view=lambda p: diff_view(p)["after"])


def _replanner(by_address: dict[str, t.Any], purge_tags: bool) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from the mailbox as it is now (re-read after an undecided write)."""

    def replan(before: Plan, now: t.Any) -> Plan:
        if before.address not in by_address:  # purged
            return Plan(before.address, "delete" if now else "none", now, None)
        return plan(by_address[before.address], now, purge_tags=purge_tags)

    return replan
