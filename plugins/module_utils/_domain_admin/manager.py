# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_domain_admin does, as a function of its options.

read -> desired -> plan -> check that every domain written exists (one listing) -> (unless check
mode) apply -> result. Check mode makes the same reads, so it fails as a real run would.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import ACTION_WORDS, single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.model import (
    Desired,
    Plan,
    desired_from_params,
    diff_view,
    plan,
    plan_rename,
    written_passwords,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.api import carry_out, check_domains, get_normalized
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowExistsError
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.api import refuse_weak_passwords

RENAME_WORDS = dict(ACTION_WORDS, update="renamed")


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    the_plan = planned(client, desired)
    if the_plan.domains_to_check:
        check_domains(client, the_plan.domains_to_check, desired.username)
    refuse_weak_passwords(client, written_passwords([the_plan]))
    outcome = None
    if the_plan.changed and not check_mode:
        outcome = carry_out(client, the_plan, lambda before, now: plan(desired, now))
    words = RENAME_WORDS if the_plan.rename_from else None
    result = single_result(the_plan, "domain_admin", the_plan.after or {}, outcome=outcome, diff=diff_view(the_plan) if diff else None, words=words)
    result["acl_written"] = the_plan.acl is not None and the_plan.changed
    if the_plan.rename_from:
        result["renamed_from"] = the_plan.rename_from
    return result


def planned(client: MailcowClient, desired: Desired) -> Plan:
    """The plan from the administrator as it is; with rename_from, from the one to rename while the new name is free."""
    before = get_normalized(client, desired.username)
    if not desired.rename_from:
        return plan(desired, before)
    old = get_normalized(client, desired.rename_from)
    if old is None:
        return plan(desired, before)  # renamed already, or nothing to rename: as without rename_from
    if before is not None:
        raise MailcowExistsError(
            "domain administrators %s and %s both exist, so %s cannot be renamed to %s: remove one of them (state=absent), "
            "or drop rename_from to manage %s as it is" % (desired.rename_from, desired.username, desired.rename_from, desired.username, desired.username)
        )
    return plan_rename(desired, old)
