# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_queue and mailcow_queue_info do, as functions of their options.

options -> selection -> read get/mailq/all -> plan -> (unless check mode) one write, the queue read
again for a hold, release or delete -> result. ``changed`` and the diff come from the plan.
"""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.api import carry_out, read_queue, refused
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.model import (
    check_action_options,
    counts,
    diff,
    matches,
    normalize_all,
    not_done,
    plan,
    selection_from_params,
)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    selection = selection_from_params(params)
    entries = normalize_all(read_queue(client), _now())
    return {"changed": False, "queue": [entry for entry in entries if matches(selection, entry)], "total": len(entries), "counts": counts(entries)}


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff_mode: bool) -> dict[str, t.Any]:
    check_action_options(params)
    selection = selection_from_params(params)
    entries = normalize_all(read_queue(client), _now())
    the_plan = plan(params, selection, entries)
    if the_plan.changed and not check_mode:
        carry_out(client, the_plan.action, the_plan.queue_ids, flush_all=the_plan.flush_all)
        if the_plan.action != "flush":
            wrong = not_done(the_plan, normalize_all(read_queue(client), _now()))
            if wrong:
                raise refused(the_plan.action, wrong)
    result: dict[str, t.Any] = {"changed": the_plan.changed, "action": the_plan.action, "queue_ids": the_plan.queue_ids,
                                "messages": the_plan.targets, "missing": the_plan.missing, "total": len(entries)}
    if diff_mode:
        result["diff"] = diff(the_plan)
    return result
