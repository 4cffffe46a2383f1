# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_fail2ban and mailcow_fail2ban_info do, as functions of their options.

options -> desired -> read get/fail2ban -> plan -> (unless check mode) edit, read back, unban ->
result. ``changed`` and the diff come from the plan.
"""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.api import carry_out, read_fail2ban
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.model import (
    bans,
    compared_view,
    desired_from_params,
    filters,
    normalize,
    plan,
)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    raw = read_fail2ban(client)
    before = normalize(raw)
    the_plan = plan(desired, before, bans(raw, _now()))
    outcome = None
    if the_plan.changed and not check_mode:
        outcome = carry_out(client, the_plan)
    result: dict[str, t.Any] = {"changed": the_plan.changed, "fail2ban": the_plan.after, "changes": the_plan.changes, "unbanned": the_plan.unban}
    if outcome:
        result["outcome"] = outcome
    if diff:
        before_view, after_view = compared_view(before), compared_view(the_plan.after)
        if the_plan.unban:
            before_view["banned"], after_view["banned"] = the_plan.unban, []
        result["diff"] = {"before": before_view, "after": after_view}
    return result


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    raw = read_fail2ban(client)
    return {"changed": False, "fail2ban": normalize(raw), "bans": bans(raw, _now()), "filters": filters(raw)}
