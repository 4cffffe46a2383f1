# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_password_policy and mailcow_password_policy_info do, as functions of their options.

options -> desired -> read get/passwordpolicy -> plan -> (unless check mode) edit, read back ->
result. ``changed`` and the diff come from the plan.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.api import carry_out, read_policy
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.model import desired_from_params, plan


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    the_plan = plan(desired, read_policy(client))
    outcome = carry_out(client, the_plan) if the_plan.changed and not check_mode else None
    result: dict[str, t.Any] = {"changed": the_plan.changed, "password_policy": the_plan.after, "changes": the_plan.changes}
    if outcome:
        result["outcome"] = outcome
    if diff:
        result["diff"] = {"before": the_plan.before, "after": the_plan.after}
    return result


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"changed": False, "password_policy": read_policy(client)}
