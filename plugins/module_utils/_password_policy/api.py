# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading the password policy, carrying out its plans, and checking passwords against it.

edit/passwordpolicy answers ``password_policy_saved`` whatever it kept, so the policy is read back
after an edit and compared with what was sent; a lost answer is decided by the same read.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, api_path
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._password_policy.model import Plan, failed_rules, mismatch, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import answer_lost, undecided


def read_policy(client: MailcowClient) -> dict[str, t.Any]:
    """get/passwordpolicy, normalised. One request; a read-only key is enough."""
    return normalize(client.get("passwordpolicy"))


def carry_out(client: MailcowClient, plan: Plan) -> str | None:
    """edit/passwordpolicy with every rule, then the policy read back; "confirmed" when a lost answer was decided by that read."""
    try:
        client.write("edit", "passwordpolicy", plan.edit_body)
    except MailcowError as exc:
        if not answer_lost(exc):
            raise
        try:
            now = read_policy(client)
        except MailcowError as again:
            raise undecided(exc, "(re-reading failed: %s)" % again) from None
        if mismatch(plan.after, now):
            raise undecided(exc, "(re-reading shows the policy not yet as planned)") from None
        return "confirmed"
    kept = mismatch(plan.after, read_policy(client))
    if kept:
        raise MailcowValidationError("Mailcow answered password_policy_saved but did not keep every rule as sent (%s): its checks differ "
                                     "from this module's" % "; ".join(kept),
                                     method="POST", path=api_path("edit", "passwordpolicy"), status=200, msg_key="password_policy_saved")
    return None


def refuse_weak_passwords(client: MailcowClient, written: t.Sequence[tuple[str, str]]) -> None:
    """Before any write (and in check mode): each (what, password) about to be written, against the server's policy.

    Reads the policy (one request) only when there is a password to write. Raises naming each
    entry and the rules it fails, never the password, so that nothing is written.
    """
    if not written:
        return
    policy = read_policy(client)
    refused = [(what, rules) for what, rules in ((what, failed_rules(policy, password)) for what, password in written) if rules]
    if refused:
        error = MailcowValidationError(
            "Mailcow's password policy would refuse the password of %s. Choose a password that meets the policy (see "
            "mailcow_password_policy_info), or change the policy with mailcow_password_policy; nothing was written"
            % " / ".join("%s (%s)" % (what, "; ".join("%s: %s" % rule for rule in rules)) for what, rules in refused),
            msg_key="password_complexity")
        error.details["weak_passwords"] = [{"entry": what, "rules": [rule for rule, _needs in rules]} for what, rules in refused]
        raise error
