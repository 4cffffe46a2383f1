# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_spam_policy and mailcow_spam_policy_info do.

read (both lists) -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the
diff come from the plans, so check mode predicts exactly what a real run does. The diff is one per
object: its allow and deny lists before and after.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.api import by_sender, carry_out, exists, missing_error, read_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.model import (
    Desired,
    Entry,
    Plan,
    Target,
    desired_lists,
    desired_single,
    lists_view,
    plan,
    purge_plan,
    target_from_params,
)

KIND = "senders"


def read_for(client: MailcowClient, target: Target, *, writes: bool, check_mode: bool, warnings: list[str]) -> list[Entry]:
    """The object's entries. Both lists empty: one read of the object, which must exist to be written (check mode: a warning,
    as an earlier task may be about to create it)."""
    entries = read_entries(client, target)
    if not entries and writes and not exists(client, target):
        if not check_mode:
            raise missing_error(target)
        warnings.append("%s. Check mode shows the lists as they would be written, but a real run fails unless an earlier task creates it"
                        % missing_error(target))
    return entries


def after_lists(entries: t.Sequence[Entry], plans: t.Sequence[Plan]) -> dict[str, list[str]]:
    """The lists once the plans are carried out."""
    planned = {p.address: p for p in plans}
    kept = [entry for entry in entries if entry.sender not in planned]
    moved = [Entry(p.address, p.after["list"], ()) for p in plans if p.after]
    return lists_view(kept + moved)


def _replanner(by_key: dict[str, Desired]) -> t.Callable[[Plan, t.Any], Plan]:
    def replan(before: Plan, now: t.Any) -> Plan:
        desired = by_key.get(before.address)
        return plan(desired, now or []) if desired is not None else purge_plan(before.address, now or [])

    return replan


def _result(target: Target, entries: list[Entry], plans: list[Plan], *, diff: bool) -> tuple[dict[str, t.Any], dict[str, t.Any] | None]:
    after = dict({target.scope: target.name}, **after_lists(entries, plans))
    shown = None
    if diff:
        shown = {"before_header": target.name, "after_header": target.name,
                 "before": dict({target.scope: target.name}, **lists_view(entries)), "after": after}
    return after, shown


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """One sender on a list (or on neither, state=absent)."""
    target = target_from_params(params)
    desired = desired_single(params)
    warnings: list[str] = []
    entries = read_for(client, target, writes=desired.state == "present", check_mode=check_mode, warnings=warnings)
    the_plan = plan(desired, by_sender(entries).get(desired.sender, []))
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes = carry_out(client, target, [the_plan], _replanner({desired.sender: desired}), concurrency=1)
    after, shown = _result(target, entries, [the_plan], diff=diff)
    result = single_result(the_plan, "entry", the_plan.after or {}, outcome=outcomes.get(the_plan.address), diff=shown)
    return dict(result, spam_policy=after, warnings=warnings)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """The ``allow`` and ``deny`` lists, with ``purge`` the whole of them."""
    target = target_from_params(params)
    check_bulk_options(params)
    desireds = desired_lists(params)
    warnings: list[str] = []
    entries = read_for(client, target, writes=bool(desireds), check_mode=check_mode, warnings=warnings)
    existing = by_sender(entries)
    plans = [plan(desired, existing.get(desired.sender, [])) for desired in desireds]
    if params.get("purge"):
        named = {d.sender for d in desireds}
        purged = [purge_plan(sender, found) for sender, found in sorted(existing.items()) if sender not in named]
        guard_purge([p.address for p in purged], len(existing), {KIND: desireds, "purge_allow_empty": params.get("purge_allow_empty"),
                                                                 "purge_max_share": params.get("purge_max_share")},
                    kind=KIND, domain=target.name, scope=target.scope + "'s allow and deny lists")
        plans += purged
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        outcomes = carry_out(client, target, plans, _replanner({d.sender: d for d in desireds}), concurrency=params.get("concurrency", 4))
    result = bulk_result(plans, kind=KIND, diff=False, check_mode=check_mode, outcomes=outcomes, named="sender",
                         before_view=lambda p: p.before, after_view=lambda p: p.after)
    for item, the_plan in zip(result[KIND], [p for p in plans if p.changed]):
        item["list"] = (the_plan.after or the_plan.before or {}).get("list")
    after, shown = _result(target, entries, plans, diff=diff)
    if shown is not None:
        result["diff"] = shown
    return dict(result, spam_policy=after, warnings=warnings)


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """mailcow_spam_policy: the single form with ``sender``, else the lists."""
    form = manage_one if params.get("sender") is not None else manage_many
    return form(client, params, check_mode=check_mode, diff=diff)


def find(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """mailcow_spam_policy_info: the object's lists, and each entry with its list and prefid. A missing object is a warning."""
    target = target_from_params(params)
    entries = read_entries(client, target)
    warnings = [str(missing_error(target))] if not entries and not exists(client, target) else []
    listed = [{"sender": e.sender, "list": e.list, "prefid": e.prefids[0] if e.prefids else None} for e in sorted(entries, key=lambda e: (e.list, e.sender))]
    return {"changed": False, "spam_policy": dict({target.scope: target.name}, **lists_view(entries)), "entries": listed, "warnings": warnings}
