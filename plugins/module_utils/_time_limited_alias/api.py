# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading a mailbox's time-limited aliases and carrying out their plans.

One listing (``get/time_limited_aliases/<mailbox>``, ``{}`` alike for none and for a mailbox that
does not exist; only then is the mailbox read). Deletes in one request, equal edits in one request,
adds (which answer without the new address) in parallel; a write whose answer is lost is decided by
listing once more.
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.api import missing_mailbox_error
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_mailbox
from ansible_collections.glassdome.mailcow.plugins.module_utils._time_limited_alias.model import Desired, Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, group, resolve

CATEGORY = "time_limited_alias"


def list_aliases(client: MailcowClient, mailbox: str) -> list[dict[str, t.Any]]:
    """The mailbox's aliases (those not expired), normalised, by address. One request."""
    found = [normalize(raw) for raw in as_list(client.get("time_limited_aliases", mailbox))]
    return sorted((alias for alias in found if alias["mailbox"] == mailbox), key=lambda alias: alias["address"])


def read(client: MailcowClient, mailbox: str, *, writes: bool, check_mode: bool, warnings: list[str]) -> list[dict[str, t.Any]]:
    """The listing; when it is empty and something is to be written, one read of the mailbox, which must exist (in check mode: a
    warning, as an earlier task may be about to create it)."""
    found = list_aliases(client, mailbox)
    if not found and writes and not get_mailbox(client, mailbox):
        if not check_mode:
            raise missing_mailbox_error(mailbox)
        warnings.append("%s. Check mode shows its aliases as created, but a real run fails unless an earlier task creates it" % missing_mailbox_error(mailbox))
    return found


def found_for(desired: Desired, aliases: t.Sequence[dict[str, t.Any]]) -> list[dict[str, t.Any]]:
    """The aliases a desired entry names: by address, or every one of its description."""
    if desired.by_address:
        return [alias for alias in aliases if alias["address"] == desired.by_address]
    return [alias for alias in aliases if alias["description"] == desired.description]


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan], *, concurrency: int) -> Writes:
    writes = Writes()
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt([p.address for p in deletes], client.write, "delete", CATEGORY, [i for p in deletes for i in p.ids], gone_unknown=True)
    updates = [p for p in plans if p.action == "update"]
    names = {p.ids[0]: p.address for p in updates}
    for attr, items in group(updates, "edit_attr", item=lambda p: p.ids[0]):
        writes.attempt([names[i] for i in items], client.write, "edit", CATEGORY, {"items": items, "attr": attr})
    jobs = [([p.address], functools.partial(client.write, "add", CATEGORY, p.add_body)) for p in plans if p.action == "create"]
    writes.attempt_parallel(jobs, concurrency=concurrency)
    return writes


def carry_out(client: MailcowClient, mailbox: str, plans: t.Sequence[Plan], desireds: dict[str, Desired], replan: t.Callable[[Plan, t.Any], Plan], *,
              concurrency: int) -> dict[str, str]:
    """apply_plans, decide the writes whose answer was lost by listing once more, then raise what failed."""
    writes = apply_plans(client, plans, concurrency=concurrency)

    def reread(items: list[str]) -> dict[str, t.Any]:
        now = list_aliases(client, mailbox)
        return {item: found_for(desireds[item], now) if item in desireds else [a for a in now if a["description"] == item] for item in items}

    outcomes = resolve(writes, {p.address: p for p in plans}, Resolver(reread, replan, lambda again: apply_plans(client, again, concurrency=1)))
    writes.raise_failures()
    return outcomes
