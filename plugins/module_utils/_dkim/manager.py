# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_dkim does, as a function of its options.

options -> desired -> read the domain and its key -> plan -> (unless check mode) delete/add ->
read the key back -> result. ``changed`` and the diff come from the plan.
"""

from __future__ import annotations

import time
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.model import Desired, compared_view, desired_from_params, mismatch, plan, predicted
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.api import carry_out, get_key, require_domain

ACTION_WORDS = {"create": "created", "rotate": "rotated", "delete": "deleted", "none": "unchanged"}
# A key that differs from the wanted one, without rotate, is read again this many times, this many
# seconds apart, before the task fails: another run may be replacing it at this moment (two
# pipelines, one of which just created the domain with Mailcow's own key and now rotates it).
SETTLE_READS = 5
SETTLE_PAUSE = 1.0


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    require_domain(client, desired.domain)
    before = get_key(client, desired.domain)
    outcome = None
    if not check_mode and before is not None and _refused(desired, before):
        settled = _settled(client, desired, before)
        if settled is not before:
            before, outcome = settled, "created_concurrently"
    the_plan = plan(desired, before)
    after = predicted(the_plan)
    if the_plan.changed and not check_mode:
        after, outcome = carry_out(client, the_plan)
    result = single_result(the_plan, "dkim", after or {}, outcome=outcome, words=ACTION_WORDS,
                           diff={"before": compared_view(before), "after": compared_view(after)} if diff else None)
    if the_plan.action == "rotate":
        result["previous"] = before
    return result


def _refused(desired: Desired, key: dict[str, t.Any]) -> bool:
    """Whether plan() refuses this key: it differs from the wanted one and rotate is not set."""
    return desired.state == "present" and not desired.rotate and bool(mismatch(desired, key))


def _settled(client: MailcowClient, desired: Desired, key: dict[str, t.Any]) -> dict[str, t.Any]:
    """The key once it is the wanted one (another run replaced it meanwhile), read again a second apart;
    the refused key (plan() then fails as before) when it stays as it is."""
    for _read in range(SETTLE_READS):
        time.sleep(SETTLE_PAUSE)
        now = get_key(client, desired.domain)
        if now is not None and not mismatch(desired, now):
            return now
    return key
