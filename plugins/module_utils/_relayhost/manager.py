# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_relayhost does, as functions of its options.

read (one listing) -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the
diff come from the plans, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.api import carry_out, read_current
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import (
    Current,
    Desired,
    Plan,
    compared_view,
    diff_after,
    diff_view,
    desired_from_params,
    key_of,
    plan,
)

HOLDER = "this Mailcow"


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    existing = read_current(client)
    the_plan = plan(desired, existing.get(desired.key, []))
    after = the_plan.after or {}
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes, created = carry_out(client, [the_plan], lambda old, now: plan(desired, now), existing=existing, concurrency=1)
        if the_plan.action == "create":
            after = dict(after, id=created.get(desired.key))
    return single_result(the_plan, "relayhost", after, outcome=outcomes.get(the_plan.hostname), diff=diff_view(the_plan) if diff else None)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    check_bulk_options(params)

    def parse(entry: dict[str, t.Any], where: str) -> Desired:
        return desired_from_params(entry, where=where, update_password=params.get("update_password"))

    desireds = validate_entries(params["relayhosts"], None, kind="relayhosts", parse=parse, key=_key, named_by=("hostname",))
    existing = read_current(client)
    plans = plan_entries(desireds, existing, lambda d, found: plan(d, found or []), kind="relayhosts", key=_key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        purged = [_delete_all(rows) for key, rows in sorted(existing.items()) if key not in named]
        guard_purge([p.hostname for p in purged], len(existing), params, kind="relayhosts", domain=HOLDER, scope="server's relayhosts")
        plans += purged
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        outcomes = carry_out(client, plans, _replanner({d.key: d for d in desireds}), existing=existing,
                             concurrency=params.get("concurrency", 4))[0]
    return bulk_result(plans, kind="relayhosts", diff=diff, check_mode=check_mode, outcomes=outcomes, named="hostname",
                       before_view=lambda p: compared_view(p.before), after_view=diff_after)


def _delete_all(rows: list[Current]) -> Plan:
    return Plan(rows[0].item["hostname"], "delete", rows[0].item, None, ids=tuple(c.item["id"] for c in rows))


def _replanner(by_key: dict[str, Desired]) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from the relayhosts of its host name as they are now (re-read after an undecided write)."""

    def replan(before: Plan, now: list[Current]) -> Plan:
        desired = by_key.get(key_of(before.hostname))
        if desired is None:  # purged
            return _delete_all(now) if now else Plan(before.hostname, "none", None, None)
        return plan(desired, now)

    return replan


def _key(desired: Desired) -> str:
    return key_of(desired.hostname)
