# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_alias does, as functions of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plans, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.model import (
    FLAG_OF_GOTO,
    Desired,
    Plan,
    compared_view,
    desired_from_params,
    diff_view,
    normalize,
    plan,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.api import carry_out, get_normalized, list_aliases
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_limits import check_aliases
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import list_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params, default_domain=params.get("domain"))
    the_plan = plan(desired, get_normalized(client, desired.address))
    warnings = goto_warnings(client, [the_plan], desired.domain)
    warnings += check_aliases(client, desired.domain, [the_plan], check_mode=check_mode)
    after = the_plan.after or {}
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes, created = carry_out(client, [the_plan], lambda before, now: plan(desired, now), concurrency=1)
        if the_plan.action == "create":
            after = dict(after, id=created.get(desired.key))
    result = single_result(the_plan, "alias", after, outcome=outcomes.get(the_plan.address), diff=diff_view(the_plan) if diff else None)
    result["warnings"] = warnings
    return result


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with aliases (or set MAILCOW_DOMAIN)")
    check_bulk_options(params)
    domain = ascii_domain(params["domain"])
    desireds = validate_entries(params["aliases"], domain, kind="aliases", parse=functools.partial(desired_from_params, default_domain=domain), key=_key)
    existing = {alias["address"].lower(): alias for alias in (normalize(raw) for raw in list_aliases(client, domain))}
    plans = plan_entries(desireds, existing, plan, kind="aliases", key=_key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        purged = [Plan(alias["address"], "delete", alias, None, id=alias["id"]) for key, alias in sorted(existing.items()) if key not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind="aliases", domain=domain)
        plans += purged
    # Read before any write: a failed read must not turn a done write into a failed task.
    warnings = goto_warnings(client, plans, domain, set(existing) | {d.key for d in desireds if d.state == "present"})
    warnings += check_aliases(client, domain, plans, check_mode=check_mode)
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        replan = _replanner({d.key: d for d in desireds})
        outcomes = carry_out(client, plans, replan, domain=domain, concurrency=params.get("concurrency", 4))[0]
    result = bulk_result(plans, kind="aliases", diff=diff, check_mode=check_mode, outcomes=outcomes,
                         before_view=lambda p: compared_view(p.before), after_view=lambda p: compared_view(p.after))
    return dict(result, warnings=warnings)


def goto_warnings(client: MailcowClient, plans: t.Sequence[Plan], domain: str, known_aliases: set[str] | None = None) -> list[str]:
    """Warnings for the gotos in ``domain`` of aliases created or re-pointed that are neither a mailbox nor an alias there.

    Only the alias's own domain is checked: it is surely a domain of this Mailcow. One read of its
    mailboxes, and only when a goto there changes; its aliases are read only if not ``known_aliases``.
    """
    local: dict[str, str] = {}
    for p in plans:
        if p.after and (p.action == "create" or (p.action == "update" and "goto" in (p.edit_attr or {}))):
            for goto in p.after["goto"]:
                if goto.rpartition("@")[2].lower() == domain and goto.lower() not in FLAG_OF_GOTO:
                    local.setdefault(goto.lower(), p.address)
    if not local:
        return []
    missing = set(local) - {str(raw.get("username", "")).lower() for raw in list_mailboxes(client, domain)}
    if missing and known_aliases is None:
        known_aliases = {str(raw.get("address", "")).lower() for raw in list_aliases(client, domain)}
    missing -= known_aliases or set()
    return ["alias %s: goto %s is neither a mailbox nor an alias of %s, so mail sent there will bounce. Check the address, "
            "or create the mailbox" % (local[goto], goto, domain) for goto in sorted(missing)]


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
