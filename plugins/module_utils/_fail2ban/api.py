# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading fail2ban and carrying out its plans over the API.

edit/fail2ban answers ``f2b_modified`` whatever it kept, so the settings are read back after an
edit and compared with what was sent; a lost answer is decided by the same read.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, api_path
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.model import Plan, mismatch, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import answer_lost, undecided


def read_fail2ban(client: MailcowClient) -> dict[str, t.Any]:
    """get/fail2ban as Mailcow answers it (settings, filters, lists, current bans). One request."""
    raw = client.get("fail2ban")
    return raw if isinstance(raw, dict) else {}


def _edit(client: MailcowClient, plan: Plan) -> str | None:
    """edit/fail2ban with every setting, then the settings read back; "confirmed" when a lost answer was decided by that read."""
    try:
        client.write("edit", "fail2ban", plan.edit_body)
    except MailcowError as exc:
        if not answer_lost(exc):
            raise
        try:
            now = normalize(read_fail2ban(client))
        except MailcowError as again:
            raise undecided(exc, "(re-reading failed: %s)" % again) from None
        if mismatch(plan.after, now):
            raise undecided(exc, "(re-reading shows the settings not yet as planned)") from None
        return "confirmed"
    now = normalize(read_fail2ban(client))
    kept = mismatch(plan.after, now)
    if kept:
        raise MailcowValidationError("Mailcow answered f2b_modified but did not keep every setting as sent (%s): its checks differ from "
                                     "this module's; set these options to values Mailcow keeps" % "; ".join(kept),
                                     method="POST", path=api_path("edit", "fail2ban"), status=200, msg_key="f2b_modified")
    return None


def carry_out(client: MailcowClient, plan: Plan) -> str | None:
    """The settings edit (when they differ), then the unbans; the outcome of an edit decided by a re-read."""
    outcome = _edit(client, plan) if plan.changes else None
    if plan.unban:
        client.write("edit", "fail2ban", plan.unban_body)
    return outcome
