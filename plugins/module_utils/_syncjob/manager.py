# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_syncjob and mailcow_syncjob_info do, as functions of their options.

read -> desired -> plan -> (unless check mode) apply, re-read and compare -> result. ``changed``
and the diff come from the plans, so check mode predicts exactly what a real run does.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import check_bulk_options
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import (
    NAMED_IN_SENTENCE,
    SENTENCE_VERBS,
    bulk_result,
    guard_purge,
    plan_entries,
    single_result,
    validate_entries,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, parse_address, whole
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import (
    Desired,
    Plan,
    compared_view,
    desired_from_params,
    diff_view,
    normalize,
    plan,
    remote_tls_weakened,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.api import (
    carry_out,
    jobs_by_key,
    list_jobs,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import missing_mailboxes, refuse_missing_mailboxes

KIND = "syncjobs"
LOG_LINES_MAX = 10000


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    desired = desired_from_params(params)
    existing = jobs_by_key(list_jobs(client, mailbox=desired.mailbox))
    the_plan = plan(desired, existing.get(desired.key))
    refuse_missing_mailboxes(missing_mailboxes(client, [the_plan], {job["mailbox"] for job in existing.values()}))
    after = the_plan.after or {}
    outcomes: dict[str, str] = {}
    if the_plan.changed and not check_mode:
        outcomes, current = carry_out(client, [the_plan], lambda before, now: plan(desired, now),
                                      lambda: jobs_by_key(list_jobs(client, mailbox=desired.mailbox)), concurrency=1)
        after = current.get(desired.key) or {}
    result = single_result(the_plan, "syncjob", after, outcome=outcomes.get(the_plan.address), diff=diff_view(the_plan) if diff else None)
    return dict(result, warnings=tls_warnings([desired]))


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    if not params.get("domain"):
        raise MailcowOptionError("domain is required with syncjobs (or set MAILCOW_DOMAIN): the domain whose mailboxes the jobs copy into")
    check_bulk_options(params)
    domain = ascii_domain(params["domain"])
    desireds = validate_entries(params[KIND], domain, kind=KIND, parse=functools.partial(desired_from_params, default_domain=domain),
                                key=_job_key, named_by=("mailbox",), outside=_mailbox_outside)
    existing = jobs_by_key(list_jobs(client, domain=domain))
    plans = plan_entries(desireds, existing, plan, kind=KIND, key=lambda d: d.key)
    if params.get("purge"):
        named = {d.key for d in desireds}
        purged = [Plan(job_label(job), "delete", job, None, id=job["id"], key=key) for key, job in sorted(existing.items()) if key not in named]
        guard_purge([p.address for p in purged], len(existing), params, kind=KIND, domain=domain)
        plans += purged
    refuse_missing_mailboxes(missing_mailboxes(client, plans, {job["mailbox"] for job in existing.values()}, domain))
    outcomes: dict[str, str] = {}
    if any(p.changed for p in plans) and not check_mode:
        by_key = {d.key: d for d in desireds}
        outcomes = carry_out(client, plans, _replanner(by_key), lambda: jobs_by_key(list_jobs(client, domain=domain)),
                             concurrency=params.get("concurrency", 4))[0]
    result = bulk_result(plans, kind=KIND, diff=diff, check_mode=check_mode, outcomes=outcomes,
                         before_view=lambda p: compared_view(p.before), after_view=lambda p: diff_view(p)["after"])
    for item in result[KIND]:
        item["job"] = item.pop("address")
    result["msg"] = sentence(plans, check_mode=check_mode)
    result["warnings"] = tls_warnings(desireds)
    return result


def tls_warnings(desireds: t.Iterable[Desired]) -> list[str]:
    """One warning per job whose custom_params switch off or weaken TLS towards the remote server."""
    warnings = []
    for desired in desireds:
        weakened = remote_tls_weakened(desired.attrs.get("custom_params") or "") if desired.state == "present" else []
        if weakened:
            warnings.append("sync job %s: custom_params %s switch off or weaken TLS towards %s (imapsync's host1), so the remote password "
                            "and mail may travel unencrypted or to a server whose certificate is not checked. Remove them unless the "
                            "remote server cannot do better; --sslargs1=SSL_verify_mode=1 makes imapsync check its certificate"
                            % (desired.address, " ".join(weakened), desired.host))
    return warnings


def _job_key(desired: Desired) -> str:
    return desired.key


def _mailbox_outside(desired: Desired) -> str:
    return "mailbox %s" % desired.mailbox


def job_label(job: dict[str, t.Any]) -> str:
    return Desired(job["mailbox"], job["remote_host"], job["remote_user"], "present", {}, None, "on_create").address


def _replanner(by_key: dict[str, Desired]) -> t.Callable[[Plan, t.Any], Plan]:
    """A new plan for an entry from the job as it is now (re-read after an undecided write)."""

    def replan(before: Plan, now: t.Any) -> Plan:
        desired = by_key.get(before.key)
        if desired is None:  # purged
            return Plan(before.address, "delete", now, None, id=now["id"], key=before.key) if now else Plan(before.address, "none", None, None, key=before.key)
        return plan(desired, now)

    return replan


def sentence(plans: list[Plan], *, check_mode: bool = False) -> str:
    """What a bulk run did in words, naming the jobs (the first ten of each action, then a count)."""
    parts = []
    for action, done, would in SENTENCE_VERBS:
        names = [p.address for p in plans if p.action == action]
        if names:
            more = ", and %d more" % (len(names) - NAMED_IN_SENTENCE) if len(names) > NAMED_IN_SENTENCE else ""
            parts.append("%s %d (%s%s)" % (would if check_mode else done, len(names), ", ".join(names[:NAMED_IN_SENTENCE]), more))
    unchanged = sum(1 for p in plans if p.action == "none")
    if not parts:
        return "no change (%d unchanged)" % unchanged if unchanged else "no change (none listed)"
    return ", ".join(parts) + (", %d unchanged" % unchanged if unchanged else "")


# -- mailcow_syncjob_info ------------------------------------------------------------------------


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """Jobs of one mailbox, of one domain, or all, each with its status and the last lines of its log."""
    lines = whole(params.get("log_lines", 20), "log_lines", 0, LOG_LINES_MAX, "a whole number of log lines")
    mailbox = domain = None
    if params.get("mailbox"):
        mailbox = ("%s@%s" % parse_address(params["mailbox"], option="mailbox")).lower()
    elif params.get("domain"):
        domain = ascii_domain(params["domain"])
    raws = list_jobs(client, mailbox=mailbox, domain=domain, with_log=lines > 0)
    jobs = []
    for raw in raws:
        job = normalize(raw, include_raw=params.get("include_raw", False))
        if lines:
            job["log_tail"] = str(raw.get("log") or "").splitlines()[-lines:]
        jobs.append(job)
    jobs.sort(key=lambda job: (job["mailbox"], job["remote_host"].lower(), job["remote_user"].lower(), job["id"]))
    return {"changed": False, KIND: jobs}
