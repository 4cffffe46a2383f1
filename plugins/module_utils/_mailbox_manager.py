# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_mailbox does, as functions of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plan, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox import (
    Plan,
    compared_view,
    desired_from_params,
    diff_view,
    normalize,
    plan,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_api import apply_plans, get_normalized, list_mailboxes

ACTION_WORDS = {"create": "created", "update": "updated", "delete": "deleted", "none": "unchanged"}


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params, default_domain=params.get("domain"))
    the_plan = plan(desired, get_normalized(client, desired.address), purge_tags=params.get("purge_tags", True))
    if the_plan.changed and not check_mode:
        apply_plans(client, [the_plan])
    result: dict[str, t.Any] = {"changed": the_plan.changed, "action": ACTION_WORDS[the_plan.action], "mailbox": the_plan.after or {}}
    if diff:
        result["diff"] = diff_view(the_plan)
    return result


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    domain = (params.get("domain") or "").strip().lower()
    if not domain:
        raise MailcowOptionError("domain is required with mailboxes (or set MAILCOW_DOMAIN)")
    desireds = _desired_list(params["mailboxes"], domain)
    existing = {mb["address"]: mb for mb in (normalize(raw) for raw in list_mailboxes(client, domain))}
    purge_tags = params.get("purge_tags", True)
    plans = []
    for index, desired in enumerate(desireds):
        try:
            plans.append(plan(desired, existing.get(desired.address), purge_tags=purge_tags))
        except MailcowOptionError as exc:
            # Every entry is planned before anything is written, so nothing is half-done.
            raise MailcowOptionError("mailboxes[%d]: %s" % (index, exc)) from None
    if params.get("purge"):
        named = {d.address for d in desireds}
        plans += [Plan(address, "delete", mb, None) for address, mb in sorted(existing.items()) if address not in named]
    changed = any(p.changed for p in plans)
    if changed and not check_mode:
        apply_plans(client, plans, concurrency=max(1, params.get("concurrency") or 1))
    return _many_result(plans, changed, diff)


def _desired_list(entries: list[dict[str, t.Any]], domain: str) -> list[t.Any]:
    """Validate every entry before anything is written; an error names the entry and the field."""
    desireds = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        label = entry.get("address") or entry.get("local_part") or "?"
        where = "mailboxes[%d] (%s)" % (index, label)
        if entry.get("address") and entry.get("local_part"):
            raise MailcowOptionError("%s: give address or local_part, not both" % where)
        desired = desired_from_params(entry, default_domain=domain, where=where)
        if desired.domain != domain:
            raise MailcowOptionError("%s: address is not in domain %s" % (where, domain))
        if desired.address in seen:
            raise MailcowOptionError("%s: %s is listed twice (also mailboxes[%d])" % (where, desired.address, seen[desired.address]))
        seen[desired.address] = index
        desireds.append(desired)
    return desireds


def _many_result(plans: list[Plan], changed: bool, diff: bool) -> dict[str, t.Any]:
    # Unchanged mailboxes are only counted: Ansible masks every no_log value (each entry's password)
    # in every returned string, which costs N x N on a domain of thousands and reads as noise.
    items = [{"address": p.address, "action": ACTION_WORDS[p.action], "changed": True} for p in plans if p.changed]
    summary = {word: 0 for word in ACTION_WORDS.values()}
    for p in plans:
        summary[ACTION_WORDS[p.action]] += 1
    result: dict[str, t.Any] = {"changed": changed, "mailboxes": items, "summary": summary}
    if diff:
        changed_plans = [p for p in plans if p.changed]
        result["diff"] = {
            "before": {p.address: compared_view(p.before) for p in changed_plans if p.before},
            "after": {p.address: diff_view(p)["after"] for p in changed_plans if p.after},
        }
    return result
