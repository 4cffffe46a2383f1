# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_alias_domain does, as a function of its options.

read -> desired -> plan -> checks of the target (and, on create, that the name is no domain) ->
(unless check mode) apply -> result. Check mode makes the same reads, so it fails as a real run would.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.model import desired_from_params, diff_view, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._alias_domain.api import carry_out, check_not_a_domain, check_target, get_normalized
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    the_plan = plan(desired, get_normalized(client, desired.domain))
    if the_plan.action == "create":
        check_not_a_domain(client, desired.domain)
    if the_plan.target_to_check:
        check_target(client, the_plan.target_to_check, desired.domain)
    outcome = None
    if the_plan.changed and not check_mode:
        outcome = carry_out(client, the_plan, lambda before, now: plan(desired, now))
    return single_result(the_plan, "alias_domain", the_plan.after or {}, outcome=outcome, diff=diff_view(the_plan) if diff else None)
