# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_quarantine and mailcow_quarantine_info do, as functions of their options.

options -> desired -> read the quarantine -> plan (the guards) -> (unless check mode) one write, the
quarantine read again -> result. ``changed`` and the diff come from the plan; whether each item was
acted on comes from the second read.
"""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.api import Outcome, carry_out, read_items
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.model import (
    ACTION_WORDS,
    Plan,
    desired_from_params,
    diff,
    plan,
    select,
    selection_from_params,
    summary,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import answer_lost


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    selection = selection_from_params(params, _now())
    items = read_items(client)
    return {"changed": False, "quarantined": select(selection, items), "total": len(items)}


def manage(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff_mode: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params, _now())
    the_plan = plan(desired, read_items(client))
    result: dict[str, t.Any] = {"changed": the_plan.changed, "action": the_plan.action, "quarantined": the_plan.targets,
                                "missing": the_plan.missing, "total": the_plan.total}
    if the_plan.changed and not check_mode:
        result.update(_settled(the_plan, carry_out(client, the_plan.action, the_plan.targets)))
    if diff_mode:
        result["diff"] = diff(the_plan)
    return result


def _settled(the_plan: Plan, outcome: Outcome) -> dict[str, t.Any]:
    """The result's extra keys once the second read showed what left the quarantine; an error when not all of it did,
    or when Rspamd could not learn what the task asked it to."""
    done = [item for item in the_plan.targets if item["identity"] not in outcome.left]
    left = [item for item in the_plan.targets if item["identity"] in outcome.left]
    word = ACTION_WORDS[the_plan.action]
    said = "; ".join(([str(outcome.refusal)] if outcome.refusal is not None else []) + outcome.notes) or "no reason given"
    if left:
        raise _failed("Mailcow did not act on %d of the %d items (%d %s): %s. Mailcow said: %s"
                      % (len(left), len(the_plan.targets), len(done), word, "; ".join(summary(item) for item in left), said), done, left)
    extra: dict[str, t.Any] = {}
    refusal = outcome.refusal
    if refusal is not None and answer_lost(refusal):
        extra["outcome"] = "confirmed"
    elif refusal is not None and refusal.msg_key == "access_denied":
        # Mailcow found no such row: the items left the quarantine between this run's read and its write (another run?).
        extra["warnings"] = ["the %d items left the quarantine; Mailcow did not find some of them any more when the request came: %s"
                             % (len(done), said)]
    elif refusal is not None and the_plan.action != "release":
        raise _failed("the %d items left the quarantine (%s) but Rspamd did not learn them: %s" % (len(done), word, said), done, [])
    elif refusal is not None or outcome.notes:
        # Mailcow teaches Rspamd every released message as ham; for a plain release that is a side effect.
        extra["warnings"] = ["the %d items were released; Mailcow also said: %s" % (len(done), said)]
    return extra


def _failed(text: str, done: list[dict[str, t.Any]], left: list[dict[str, t.Any]]) -> MailcowError:
    error = MailcowValidationError(text)
    error.details = {"changed": bool(done), "done": [item["identity"] for item in done], "not_done": [item["identity"] for item in left]}
    return error
