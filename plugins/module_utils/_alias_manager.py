# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_alias does, as functions of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plans, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias import Desired, Plan, compared_view, desired_from_params, diff_view, normalize, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_api import carry_out, get_normalized, list_aliases
from ansible_collections.glassdome.mailcow.plugins.module_utils._api import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk import ACTION_WORDS, bulk_result, plan_entries, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params, default_domain=params.get("domain"))
    the_plan = plan(desired, get_normalized(client, desired.address))
    after = the_plan.after or {}
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes, created = carry_out(client, [the_plan], lambda before, now: plan(desired, now), concurrency=1)
        if the_plan.action == "create":
            after = dict(after, id=created.get(desired.key))
    result: dict[str, t.Any] = {"changed": the_plan.changed, "action": ACTION_WORDS[the_plan.action], "alias": after}
    if outcomes:
        result["outcome"] = outcomes[the_plan.address]
    if diff:
        result["diff"] = diff_view(the_plan)
    return result


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with aliases")
    domain = ascii_domain(params["domain"])
    desireds = validate_entries(params["aliases"], domain, kind="aliases", parse=desired_from_params, key=_key)
    existing = {alias["address"].lower(): alias for alias in (normalize(raw) for raw in list_aliases(client, domain))}
    plans = plan_entries(desireds, existing, plan, kind="aliases", key=_key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        plans += [Plan(alias["address"], "delete", alias, None, id=alias["id"]) for key, alias in sorted(existing.items()) if key not in named]
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        replan = _replanner({d.key: d for d in desireds})
        outcomes = carry_out(client, plans, replan, domain=domain, concurrency=max(1, params.get("concurrency") or 1))[0]
    return bulk_result(plans, kind="aliases", diff=diff, check_mode=check_mode, outcomes=outcomes,
                       before_view=lambda p: compared_view(p.before), after_view=lambda p: compared_view(p.after))


def _replanner(by_key: dict[str, Desired]) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from the object as it is now (re-read after an undecided write)."""

    def replan(before: Plan, now: t.Any) -> Plan:
        desired = by_key.get(before.address.lower())
        if desired is None:  # purged
            return Plan(before.address, "delete", now, None, id=now["id"]) if now else Plan(before.address, "none", None, None)
        return plan(desired, now)

    return replan


def _key(desired: Desired) -> str:
    return desired.key
