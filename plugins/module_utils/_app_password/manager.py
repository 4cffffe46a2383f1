# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_app_password and mailcow_app_password_info do.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plans, so check mode predicts exactly what a real run does. One listing of the mailbox
serves every entry; nothing is written before every entry is checked and planned.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.model import (
    Desired,
    Plan,
    check_name,
    compared_view,
    desired_from_params,
    diff_view,
    plan,
    written_passwords,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.api import by_name, carry_out, check_mailbox, read, settle_duplicates
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import bulk_result, guard_purge, single_result, validate_entries
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import split_address
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.api import refuse_weak_passwords

KIND = "app_passwords"


def mailbox_option(params: dict[str, t.Any]) -> str:
    """The mailbox address, lower-case with its domain in ASCII, checked before any request."""
    local_part, domain = split_address(params.get("mailbox") or "", None, None, where="mailbox")
    return check_mailbox("%s@%s" % (local_part.lower(), domain))


def _replanner(by_key: dict[str, Desired]) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from what the listing holds now (re-read after an undecided write)."""

    def replan(before: Plan, now: t.Any) -> Plan:
        desired = by_key.get(before.address)
        if desired is None:  # purged
            return Plan(before.address, "delete", now[0], None, ids=tuple(i["id"] for i in now)) if now else Plan(before.address, "none", None, None)
        return plan(desired, now or [])

    return replan


def read_for(client: MailcowClient, mailbox: str, *, required: bool, check_mode: bool, warnings: list[str]) -> list[dict[str, t.Any]]:
    """The mailbox's app passwords. A missing mailbox fails a run that needs it, but not check mode: an earlier task
    (mailcow_mailbox, the role) may be about to create it, so check mode predicts from none, with a warning."""
    found = read(client, mailbox, required=required and not check_mode)
    if found is None and required:
        warnings.append("mailbox %s does not exist (yet): check mode shows its app passwords as created, but a real run fails "
                        "unless an earlier task creates the mailbox" % mailbox)
    return found or []


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    mailbox = mailbox_option(params)
    desired = desired_from_params(params, mailbox=mailbox)
    warnings: list[str] = []
    found = read_for(client, mailbox, required=desired.state == "present", check_mode=check_mode, warnings=warnings)
    the_plan = plan(desired, by_name(found).get(desired.name, []))
    refuse_weak_passwords(client, written_passwords([the_plan]))
    outcomes: dict[str, str] = {}
    after = the_plan.after or {}
    if the_plan.changed and not check_mode:
        outcomes = carry_out(client, mailbox, [the_plan], _replanner({desired.name: desired}))
        if the_plan.action == "create":
            # Mailcow's add answers no id: the listing has it.
            now, settled = settle_duplicates(client, mailbox, [desired.name])
            same = now.get(desired.name) or [after]
            after = dict(after, id=same[0].get("id"), created=same[0].get("created"))
            if settled:
                outcomes[the_plan.address] = "created_concurrently"
                warnings += settled.values()
    result = single_result(the_plan, "app_password", after, outcome=outcomes.get(the_plan.address), diff=diff_view(the_plan) if diff else None)
    result["warnings"] = warnings
    return result


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    mailbox = mailbox_option(params)
    check_bulk_options(params)
    desireds = validate_entries(params[KIND], None, kind=KIND, parse=functools.partial(desired_from_params, mailbox=mailbox), named_by=("name",))
    wants_any = any(d.state == "present" for d in desireds)
    warnings: list[str] = []
    found = read_for(client, mailbox, required=wants_any or bool(params.get("purge")), check_mode=check_mode, warnings=warnings)
    existing = by_name(found)
    plans = []
    for index, desired in enumerate(desireds):
        try:
            plans.append(plan(desired, existing.get(desired.name, [])))
        except MailcowOptionError as exc:
            raise MailcowOptionError("%s[%d]: %s" % (KIND, index, exc)) from None
    if params.get("purge"):
        named = {d.name for d in desireds}
        purged = [Plan(name, "delete", items[0], None, ids=tuple(i["id"] for i in items)) for name, items in sorted(existing.items()) if name not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind=KIND, domain=mailbox, scope="mailbox")
        plans += purged
    refuse_weak_passwords(client, written_passwords(plans))
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        outcomes = carry_out(client, mailbox, plans, _replanner({d.name: d for d in desireds}))
        created = [p.address for p in plans if p.action == "create"]
        if created:
            settled = settle_duplicates(client, mailbox, created)[1]
            outcomes.update((name, "created_concurrently") for name in settled)
            warnings += settled.values()
    result = bulk_result(plans, kind=KIND, diff=diff, check_mode=check_mode, outcomes=outcomes,
                         before_view=lambda p: compared_view(p.before), after_view=lambda p: diff_view(p)["after"])
    result[KIND] = [dict({"name": item.pop("address")}, **item) for item in result[KIND]]
    return dict(result, warnings=warnings)


def find(client: MailcowClient, params: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """mailcow_app_password_info: the mailbox's app passwords (only those named ``name`` when set), sorted by name then id."""
    mailbox = mailbox_option(params)
    name = check_name(params["name"], "name") if params.get("name") is not None else None
    found = read(client, mailbox) or []
    return sorted((item for item in found if name is None or item["name"] == name), key=lambda item: (item["name"], int(item["id"] or 0)))
