# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading sync jobs and carrying out sync job plans over the API.

Jobs are read by mailbox (``get/syncjobs/<mailbox>``) or all at once (``get/syncjobs/all``, which
Mailcow builds by walking every mailbox), without their logs unless asked. Mailcow's add answers
``["mailbox_modified", mailbox]`` without the new id, and echoes the request, remote password
included, in its ``log``: the client keeps only the message key, and the ids come from re-reading.
Edits and deletes take lists of numeric ids. After the writes the jobs are read once more and
compared with the plans, because Mailcow silently replaces values it does not like.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list, carried_in_path, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._syncjob.model import Plan, key_of, mismatches, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, group, resolve


def list_jobs(client: MailcowClient, *, mailbox: str | None = None, domain: str | None = None, with_log: bool = False) -> list[dict[str, t.Any]]:
    """Raw jobs of one mailbox, of one domain's mailboxes, or all. One request.

    A mailbox no API path can carry (a ``/`` in its local part) is read through the full listing, with a warning.
    """
    extra = [] if with_log else ["no_log"]
    if mailbox is not None and carried_in_path(mailbox):
        raws = as_list(client.get("syncjobs", mailbox, *extra))
    else:
        if mailbox is not None:
            client.warn("mailbox %s: %s, so its sync jobs were read from the listing of all sync jobs" % (mailbox, path_problem(mailbox)))
        raws = as_list(client.get("syncjobs", "all", *extra))
    if mailbox is not None:
        return [raw for raw in raws if str(raw.get("user2", "")).lower() == mailbox.lower()]
    if domain is not None:
        return [raw for raw in raws if str(raw.get("user2", "")).lower().rpartition("@")[2] == domain.lower()]
    return raws


def jobs_by_key(raws: t.Iterable[dict[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
    """Normalised jobs by their key (the first of any duplicates an edit of user1 may have made)."""
    found: dict[str, dict[str, t.Any]] = {}
    for raw in raws:
        job = normalize(raw)
        found.setdefault(key_of(job), job)
    return found


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan], *, concurrency: int = 4) -> Writes:
    """Carry out many plans: deletes in one request, equal edits in one request, adds in parallel. Nothing is raised."""
    writes = Writes()
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt([p.address for p in deletes], _write, client, "delete", [p.id for p in deletes], gone_unknown=True)
    updates = [p for p in plans if p.action == "update"]
    names = {p.id: p.address for p in updates}
    for attr, items in group(updates, "edit_attr", item=lambda p: p.id):
        writes.attempt([names[i] for i in items], _write, client, "edit", {"items": items, "attr": attr})
    creates = [p for p in plans if p.action == "create"]
    writes.attempt_parallel([([p.address], functools.partial(_write, client, "add", p.add_body)) for p in creates],
                            concurrency=concurrency, exists_unknown=True)
    return writes


def carry_out(
    client: MailcowClient, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan], reread: t.Callable[[], dict[str, dict[str, t.Any]]],
    *, concurrency: int = 4,
) -> tuple[dict[str, str], dict[str, dict[str, t.Any]]]:
    """apply_plans, decide writes of unknown outcome by re-reading, then read the jobs once more and compare them with the plans.

    ``reread()`` gives the current jobs by key (one request). Returns ``({label: outcome}, current jobs by key)``;
    raises what failed, including a job Mailcow stored differently from its plan.
    """
    by_label = {p.address: p for p in plans}
    writes = apply_plans(client, plans, concurrency=concurrency)

    def reread_items(items: list[str]) -> dict[str, t.Any]:
        current = reread()
        return {item: current.get(by_label[item].key) for item in items}

    outcomes = resolve(writes, by_label, Resolver(reread_items, replan, lambda again: apply_plans(client, again, concurrency=concurrency)))
    writes.raise_failures()
    current = reread()
    differ = [(p, mismatches(p, current.get(p.key))) for p in plans if p.changed]
    differ = [(p, found) for p, found in differ if found]
    if differ:
        text = "; ".join("%s: %s" % (p.address, ", ".join(found)) for p, found in differ[:10])
        raise MailcowError("Mailcow did not store %d sync job(s) as planned (it replaces values it does not accept without saying so): %s"
                           % (len(differ), text))
    return outcomes, current


_ACCESS_DENIED_HINTS = {
    "add": "for a new sync job Mailcow says this when the mailbox does not exist, or the exclude pattern is not a valid PCRE "
           "regular expression",
    "edit": "for a sync job Mailcow says this when the job no longer exists, its remote host is not a valid host name (delete the "
            "job and create it again), or the exclude pattern is not a valid PCRE regular expression",
    "delete": "for a sync job Mailcow says this when the job no longer exists",
}


def _write(client: MailcowClient, action: str, body: t.Any) -> None:
    """One write; Mailcow's bare access_denied explained. The answer (whose log may echo the password) is dropped."""
    try:
        client.write(action, "syncjob", body)
    except MailcowValidationError as exc:
        if exc.msg_key != "access_denied":
            raise
        raise MailcowValidationError("%s (%s)" % (exc, _ACCESS_DENIED_HINTS[action]), method=exc.method, path=exc.path, status=exc.status,
                                     msg_key=exc.msg_key, msg_args=exc.msg_args) from None
