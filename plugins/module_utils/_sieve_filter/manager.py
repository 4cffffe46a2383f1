# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_sieve_filter and mailcow_sieve_filter_info do, as functions of their options.

read (one listing) -> desired -> plan -> Mailcow's one-active rule -> (unless check mode) apply -> result.
``changed`` and the diff come from the plans, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import missing_mailboxes, refuse_missing_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, parse_address
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Plan, Row, carry_out, delete_all
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.api import kind_for, list_filters, read_current, user_script
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.model import Desired, desired_from_params, diff_text, plan, settle_active

KIND = "filters"


def _plans(client: MailcowClient, desireds: list[Desired], existing: dict[str, list[Row]], plans: list[Plan], domain: str | None) -> list[Plan]:
    """The plans with Mailcow's one-active rule applied; creating in a missing mailbox refused (one read, only then)."""
    settled = settle_active(plans, existing, {d.address for d in desireds if d.attrs.get("active") is True})
    known = {row.item["mailbox"] for rows in existing.values() for row in rows}
    refuse_missing_mailboxes(missing_mailboxes(client, settled, known, domain))
    return settled


def _carry_out(client: MailcowClient, kind: Kind, plans: list[Plan], desireds: list[Desired], existing: dict[str, list[Row]], concurrency: int
               ) -> tuple[dict[str, str], dict[str, int]]:
    by_key = {d.key: d for d in desireds}

    def replan(before: Plan, now: t.Any) -> Plan:
        desired = by_key.get(before.address)
        if desired is None:  # purged, or made inactive by another filter
            return delete_all(kind, now) if now and before.action == "delete" else before._replace(action="none")
        return plan(desired, now or [])

    return carry_out(client, kind, plans, replan, existing=existing, concurrency=concurrency)


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """One filter: one listing of its mailbox's filters, its plan (and the filters it makes inactive), their writes."""
    desired = desired_from_params(params)
    kind = kind_for(client, desired.mailbox)
    existing = read_current(client, kind, mailbox=desired.mailbox)
    plans = _plans(client, [desired], existing, [plan(desired, existing.get(desired.key, []))], None)
    the_plan, others = plans[0], plans[1:]
    after = the_plan.after or {}
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        outcomes, created = _carry_out(client, kind, plans, [desired], existing, 1)
        if the_plan.action == "create":
            after = dict(after, id=created.get(desired.key))
    shown = None
    if diff:
        shown = {"before": diff_text(the_plan.before), "after": diff_text(the_plan.after)}
    result = single_result(the_plan, "filter", after, outcome=outcomes.get(the_plan.address), diff=shown)
    if others:
        result.update(changed=True, deactivated=[p.address for p in others])
        if diff:
            result["diff"] = [dict(shown or {}, before_header=the_plan.address, after_header=the_plan.address)] + [_diff(p) for p in others]
    return result


def _diff(p: Plan) -> dict[str, t.Any]:
    return {"before_header": p.address, "after_header": p.address, "before": diff_text(p.before), "after": diff_text(p.after)}


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """A domain's filters: every entry checked and planned before any write, purge within its guards, one diff per filter."""
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with filters (or set MAILCOW_DOMAIN): the domain whose mailboxes' filters are listed")
    check_bulk_options(params)
    domain = ascii_domain(params["domain"])
    desireds = validate_entries(params[KIND], domain, kind=KIND, parse=functools.partial(desired_from_params, default_domain=domain),
                                key=_key, named_by=("description", "mailbox"), outside=_outside)
    kind = kind_for(client, None)
    existing = read_current(client, kind, domain=domain)
    plans = plan_entries(desireds, existing, lambda d, found: plan(d, found or []), kind=KIND, key=_key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        purged = [delete_all(kind, rows) for key, rows in sorted(existing.items()) if key not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind=KIND, domain=domain)
        plans += purged
    plans = _plans(client, desireds, existing, plans, domain)
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        outcomes = _carry_out(client, kind, plans, desireds, existing, params.get("concurrency", 4))[0]
    result = bulk_result(plans, kind=KIND, diff=diff, check_mode=check_mode, outcomes=outcomes, named="filter",
                         before_view=lambda p: diff_text(p.before), after_view=lambda p: diff_text(p.after))
    for item in result.get("diff", []):
        item.update(before=item["before"] or "", after=item["after"] or "")
    return result


def _key(desired: Desired) -> str:
    return desired.key


def _outside(desired: Desired) -> str:
    return "mailbox %s" % desired.mailbox


# -- mailcow_sieve_filter_info -------------------------------------------------------------------


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """Filters of one mailbox, of one domain, or all (optionally of one type); with a mailbox, its user's own active script if asked."""
    mailbox = domain = None
    if params.get("mailbox"):
        mailbox = ("%s@%s" % parse_address(params["mailbox"], option="mailbox")).lower()
    elif params.get("domain"):
        domain = ascii_domain(params["domain"])
    if params.get("include_user_script") and mailbox is None:
        raise MailcowOptionError("include_user_script needs mailbox: the script is read for one mailbox")
    found = [item for item in list_filters(client, mailbox=mailbox, domain=domain)
             if params.get("filter_type") in (None, item["filter_type"])]
    result: dict[str, t.Any] = {"changed": False, KIND: found}
    if params.get("include_user_script") and mailbox is not None:
        result["user_script"] = user_script(client, mailbox)
    return result
