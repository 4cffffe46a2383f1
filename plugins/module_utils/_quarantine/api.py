# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading the quarantine and acting on its items over the API.

Release, learn and delete take Mailcow's numeric ids, which come from the read in the same run.
Their answers do not tell reliably what was done: a release that cannot reach Postfix answers a
warning and stops at that item, a learnt-as-spam item is deleted even when Rspamd could not learn
it (a ``danger`` answer), a delete of a missing id answers success. So after the write the
quarantine is read again, and the items no longer in it are the ones acted on.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import Entry, MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._api.messages import translate
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.model import ACTIONS, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import answer_lost, undecided


class Outcome(t.NamedTuple):
    left: set[str]  # identities of the targets still in the quarantine after the write
    refusal: MailcowError | None  # a danger answer, or a lost answer that the re-read decided
    notes: list[str]  # Mailcow's warnings and successes, readable


def read_items(client: MailcowClient) -> list[dict[str, t.Any]]:
    """get/quarantine/all, normalised (``[]`` when empty). One request; a read-only key is enough."""
    return [normalize(raw) for raw in as_list(client.get("quarantine", "all"))]


def _send(client: MailcowClient, action: str, ids: list[str]) -> list[Entry]:
    mailcow_action = ACTIONS[action]
    if mailcow_action is None:
        return client.write("delete", "qitem", ids)
    return client.write("edit", "qitem", {"items": ids, "attr": {"action": mailcow_action}})


def carry_out(client: MailcowClient, action: str, targets: list[dict[str, t.Any]]) -> Outcome:
    """One write for every target, then the quarantine read again to see which left it."""
    refusal: MailcowError | None = None
    entries: list[Entry] = []
    try:
        entries = _send(client, action, [str(item["mailcow_id"]) for item in targets])
    except MailcowValidationError as exc:
        refusal = exc
    except MailcowError as exc:
        if not answer_lost(exc):
            raise
        refusal = exc
    try:
        now = {item["identity"] for item in read_items(client)}
    except MailcowError as again:
        if refusal is not None and answer_lost(refusal):
            raise undecided(refusal, "(re-reading the quarantine failed: %s)" % again) from None
        raise
    notes = [translate(entry.key, entry.args) for entry in entries if entry.type != "success"]
    return Outcome({item["identity"] for item in targets} & now, refusal, notes)
