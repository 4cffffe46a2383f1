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
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin import desired_from_params, diff_view, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin_api import carry_out, check_domains, get_normalized


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    the_plan = plan(desired, get_normalized(client, desired.username))
    if the_plan.domains_to_check:
        check_domains(client, the_plan.domains_to_check, desired.username)
    outcome = None
    if the_plan.changed and not check_mode:
        outcome = carry_out(client, the_plan, lambda before, now: plan(desired, now))
    result = single_result(the_plan, "domain_admin", the_plan.after or {}, outcome=outcome, diff=diff_view(the_plan) if diff else None)
    result["acl_written"] = the_plan.acl is not None and the_plan.changed
    return result
