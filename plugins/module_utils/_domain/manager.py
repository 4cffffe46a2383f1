# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_domain does, as a function of its options.

read -> desired -> plan -> (unless check mode) apply -> result. ``changed`` and the diff come
from the plan, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.model import desired_from_params, diff_view, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.api import carry_out, get_normalized, mailbox_addresses


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    before = get_normalized(client, desired.domain)
    mailboxes = None
    if desired.state == "absent" and desired.force and before and before["mailboxes"]:
        mailboxes = mailbox_addresses(client, desired.domain)
    the_plan = plan(desired, before, mailboxes=mailboxes)
    outcome = None
    if the_plan.changed and not check_mode:
        outcome = carry_out(client, the_plan, lambda before, now: plan(desired, now, mailboxes=mailboxes))
    result = single_result(the_plan, "domain", the_plan.after or {}, outcome=outcome, diff=diff_view(the_plan) if diff else None)
    if desired.state == "absent":
        result["mailboxes_deleted"] = list(the_plan.mailboxes_delete or [])
    return result
