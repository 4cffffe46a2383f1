# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_dkim does, as a function of its options.

options -> desired -> read the domain and its key -> plan -> (unless check mode) delete/add ->
read the key back -> result. ``changed`` and the diff come from the plan.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim import compared_view, desired_from_params, plan, predicted
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim_api import carry_out, get_key, require_domain

ACTION_WORDS = {"create": "created", "rotate": "rotated", "delete": "deleted", "none": "unchanged"}


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    require_domain(client, desired.domain)
    before = get_key(client, desired.domain)
    the_plan = plan(desired, before)
    after, outcome = predicted(the_plan), None
    if the_plan.changed and not check_mode:
        after, outcome = carry_out(client, the_plan)
    result = single_result(the_plan, "dkim", after or {}, outcome=outcome, words=ACTION_WORDS,
                           diff={"before": compared_view(before), "after": compared_view(after)} if diff else None)
    if the_plan.action == "rotate":
        result["previous"] = before
    return result
