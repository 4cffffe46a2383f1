# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_mailbox does, as functions of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plan, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias.api import get_normalized as get_alias
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, plan_entries, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_limits import check_mailboxes
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.model import (
    FULL_ONLY,
    Desired,
    Plan,
    Template,
    compared_view,
    desired_from_params,
    diff_view,
    normalize,
    plan,
    templates_by_name,
    written_passwords,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import (
    carry_out,
    get_normalized,
    get_spam_scores,
    list_mailboxes,
    list_templates,
    refuse_pathless_writes,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.api import refuse_weak_passwords
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.api import RelayhostNames


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params, default_domain=params.get("domain"))
    purge_tags = params.get("purge_tags", True)
    full = needs_full([desired])
    before = get_normalized(client, desired.address, full=full)
    existing = {before["address"]: before} if before else {}
    templates = read_templates(client, [desired], existing)
    (desired,), warnings = drop_alias_grants(client, [desired], existing)
    (desired,) = name_relayhosts(client, [desired], existing)
    read_spam_scores(client, [desired], existing, concurrency=1)
    before = existing.get(desired.address)
    the_plan = plan(desired, before, purge_tags=purge_tags, templates=templates)
    refuse_pathless_writes([the_plan])
    warnings += check_mailboxes(client, desired.domain, [the_plan], check_mode=check_mode)
    refuse_weak_passwords(client, written_passwords([the_plan]))
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes = carry_out(client, [the_plan], lambda old, now: plan(desired, now, purge_tags=purge_tags, templates=templates), full=full)
    result = single_result(the_plan, "mailbox", the_plan.after or {}, outcome=outcomes.get(the_plan.address), diff=diff_view(the_plan) if diff else None)
    return dict(result, warnings=warnings) if warnings else result


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with mailboxes (or set MAILCOW_DOMAIN)")
    check_bulk_options(params)
    domain = ascii_domain(params["domain"])
    desireds = validate_entries(params["mailboxes"], domain, kind="mailboxes", parse=functools.partial(desired_from_params, default_domain=domain))
    # Only the full listing shows rate limits and send-as rights (~3x the cost of the reduced one): read it only when compared.
    full = needs_full(desireds)
    existing = {mb["address"]: mb for mb in (normalize(raw) for raw in list_mailboxes(client, domain, full=full))}
    purge_tags = params.get("purge_tags", True)
    templates = read_templates(client, desireds, existing)
    desireds, warnings = drop_alias_grants(client, desireds, existing)
    desireds = name_relayhosts(client, desireds, existing)
    read_spam_scores(client, desireds, existing, concurrency=params.get("concurrency", 4))
    plans = plan_entries(desireds, existing, lambda d, before: plan(d, before, purge_tags=purge_tags, templates=templates), kind="mailboxes")
    if params.get("purge"):
        named = {d.address for d in desireds}
        purged = [Plan(address, "delete", mb, None) for address, mb in sorted(existing.items()) if address not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind="mailboxes", domain=domain)
        plans += purged
    refuse_pathless_writes(plans)
    warnings += check_mailboxes(client, domain, plans, check_mode=check_mode)
    refuse_weak_passwords(client, written_passwords(plans))
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        replan = _replanner({d.address: d for d in desireds}, purge_tags, templates)
        outcomes = carry_out(client, plans, replan, domain=domain, concurrency=params.get("concurrency", 4), full=full)
    result = bulk_result(plans, kind="mailboxes", diff=diff, check_mode=check_mode, outcomes=outcomes,
                         before_view=lambda p: compared_view(p.before), after_view=lambda p: diff_view(p)["after"])
    return dict(result, warnings=warnings) if warnings else result


def _replanner(by_address: dict[str, t.Any], purge_tags: bool, templates: dict[str, Template]) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from the mailbox as it is now (re-read after an undecided write)."""

    def replan(before: Plan, now: t.Any) -> Plan:
        if before.address not in by_address:  # purged
            return Plan(before.address, "delete" if now else "none", now, None)
        return plan(by_address[before.address], now, purge_tags=purge_tags, templates=templates)

    return replan


def drop_alias_grants(client: MailcowClient, desireds: list[Desired], existing: dict[str, t.Any]) -> tuple[list[Desired], list[str]]:
    """Leave out of ``sender_acl`` the addresses an alias already lets the mailbox send as, with warnings.

    Mailcow skips such an entry on save (an alias whose goto includes the mailbox and whose
    sender_allowed is set: the mailbox may send as it anyway), so it never reads back and the task
    would report a change on every run. Only entries the stored grants lack are looked up, one alias
    read each: nothing is read when the grants match.
    """
    found: dict[str, t.Any] = {}
    out, warnings = [], []
    for desired in desireds:
        acl = desired.attrs.get("sender_acl")
        before = existing.get(desired.address)
        if not acl or before is None or desired.state != "present":
            out.append(desired)
            continue
        stored = set(before.get("sender_acl") or [])
        fixed = []
        for entry in acl:
            if entry in stored or entry == "*" or entry.startswith("@"):
                continue
            if entry not in found:
                found[entry] = get_alias(client, entry)
            alias = found[entry]
            if alias and alias["sender_allowed"] and desired.address.lower() in (goto.lower() for goto in alias["goto"]):
                fixed.append(entry)
        if fixed:
            warnings.append("sender_acl of mailbox %s: it may already send as %s through the alias of that address (sender_allowed), which Mailcow "
                            "does not store as a grant; left out of the comparison. Remove it from sender_acl to silence this warning"
                            % (desired.address, ", ".join(fixed)))
            desired = desired._replace(attrs=dict(desired.attrs, sender_acl=[entry for entry in acl if entry not in fixed]))
        out.append(desired)
    return out, warnings


def name_relayhosts(client: MailcowClient, desireds: list[Desired], existing: dict[str, t.Any]) -> list[Desired]:
    """Each wanted relayhost's id, and the host name of each listed mailbox's (in ``existing``, in place): one listing
    of the relayhosts, only when an entry sets ``relayhost``. Unknown host names are refused before any write."""
    wanting = [d for d in desireds if "relayhost" in d.attrs and d.state == "present"]
    if not wanting:
        return desireds
    relayhosts = RelayhostNames(client)
    for address, mailbox in existing.items():
        existing[address] = dict(mailbox, relayhost=relayhosts.name_of(mailbox.get("relayhost_id")))
    named = {}
    for desired in wanting:
        relayhost_id = relayhosts.id_of(desired.attrs["relayhost"], "mailbox %s" % desired.address)
        # Compared as Mailcow lists it (the listing's spelling), so a change of case alone is no change.
        shown = relayhosts.name_of(relayhost_id)
        named[desired.address] = desired._replace(relayhost_id=relayhost_id, attrs=dict(desired.attrs, relayhost=shown))
    return [named.get(d.address, d) if d.state == "present" and "relayhost" in d.attrs else d for d in desireds]


def read_spam_scores(client: MailcowClient, desireds: t.Sequence[Desired], existing: dict[str, t.Any], *, concurrency: int) -> None:
    """The spam score of each listed mailbox whose entry sets ``spam_score``, into ``existing`` (in place): one read each,
    as Mailcow's listings do not carry it."""
    wanted = [d.address for d in desireds if "spam_score" in d.attrs and d.state == "present" and d.address in existing]
    for address, score in get_spam_scores(client, wanted, concurrency=concurrency).items():
        if score is not None:
            existing[address] = dict(existing[address], spam_score=score)


def needs_full(desireds: t.Sequence[Desired]) -> bool:
    """Whether any entry compares what only Mailcow's full mailbox object shows (rate_limit, sender_acl)."""
    return any(key in d.attrs for d in desireds for key in FULL_ONLY)


def read_templates(client: MailcowClient, desireds: t.Sequence[Desired], existing: dict[str, t.Any]) -> dict[str, Template]:
    """The mailbox templates by name, read (one request) only when a mailbox to create names one; else nothing."""
    if not any(d.template and d.state == "present" and d.address not in existing for d in desireds):
        return {}
    return templates_by_name(list_templates(client))
