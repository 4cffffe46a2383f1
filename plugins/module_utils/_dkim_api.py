# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading a domain's DKIM key and carrying out DKIM plans over the API.

Mailcow answers ``dkim_domain_or_sel_invalid`` alike for a domain that already has a key, a bad
selector and a missing key size, and ``access_denied`` for a domain it does not know; get/dkim
answers ``{}`` for a domain without a key and for one that does not exist (docs/mailcow-api.md#dkim).
So the domain is read first, options are checked before any write, and a refusal is explained by
reading the key again.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowNotFoundError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import unicode_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import answer_lost, undecided


def _shown(domain: str) -> str:
    return domain if unicode_domain(domain) == domain else "%s (%s)" % (unicode_domain(domain), domain)


def require_domain(client: MailcowClient, domain: str) -> bool:
    """Fail unless ``domain`` is a domain or an alias domain of this Mailcow; true for an alias domain. One request.

    get/domain/<alias domain> answers with its target domain's object.
    """
    raw = client.get("domain", domain)
    if not isinstance(raw, dict) or not raw:
        raise MailcowNotFoundError("domain %s does not exist on this Mailcow: check its spelling, or create it with mailcow_domain first"
                                   % _shown(domain), method="GET", path="/get/domain/%s" % domain, status=200)
    return str(raw.get("domain_name", "")).lower() != domain


def get_key(client: MailcowClient, domain: str) -> dict[str, t.Any] | None:
    """The domain's key, normalised (never the private key), or None. One request."""
    return normalize(domain, client.get("dkim", domain))


def _delete(client: MailcowClient, plan: Plan) -> None:
    try:
        client.write("delete", "dkim", [plan.domain])
    except MailcowError as exc:
        if not answer_lost(exc):
            raise
        if get_key(client, plan.domain) is not None:
            raise undecided(exc, "") from None


def _as_planned(plan: Plan, key: dict[str, t.Any] | None) -> bool:
    return key is not None and key["selector"] == plan.selector and key["key_size"] == plan.key_size


def _refusal(client: MailcowClient, plan: Plan, exc: MailcowError) -> MailcowError | None:
    """Which of Mailcow's three causes of dkim_domain_or_sel_invalid it was, from a second read of the key.

    None: the key is there as planned (another run added the same at once).
    """
    if exc.msg_key == "access_denied":
        return MailcowNotFoundError("domain %s does not exist on this Mailcow (Mailcow refused the key with access_denied)" % _shown(plan.domain),
                                    method=exc.method, path=exc.path, status=exc.status, msg_key=exc.msg_key, msg_args=exc.msg_args)
    if exc.msg_key != "dkim_domain_or_sel_invalid":
        return exc
    now = get_key(client, plan.domain)
    if _as_planned(plan, now):
        return None
    if now is not None:
        text = ("domain %s already has a DKIM key (selector %s, %s bits), added by someone else meanwhile: Mailcow never overwrites a key. "
                "Re-run to compare it with the options" % (_shown(plan.domain), now["selector"], now["length"]))
    else:
        text = ("Mailcow refused selector %r with key_size %s for domain %s (dkim_domain_or_sel_invalid, and the domain has no key): "
                "the server's checks differ from this module's; use letters, digits and - _ . only" % (plan.selector, plan.key_size, _shown(plan.domain)))
    return MailcowValidationError(text, method=exc.method, path=exc.path, status=exc.status, msg_key=exc.msg_key, msg_args=exc.msg_args)


def _add(client: MailcowClient, plan: Plan) -> str | None:
    """add/dkim; "confirmed" when the answer was lost and a re-read shows the key as planned, "created_concurrently"
    when Mailcow refused because another run had just added the same key."""
    try:
        client.write("add", "dkim", plan.add_body)
    except MailcowError as exc:
        if not answer_lost(exc):
            refusal = _refusal(client, plan, exc)
            if refusal is not None:
                raise refusal from None
            return "created_concurrently"
        if not _as_planned(plan, get_key(client, plan.domain)):
            raise undecided(exc, "") from None
        return "confirmed"
    return None


def carry_out(client: MailcowClient, plan: Plan) -> tuple[dict[str, t.Any] | None, str | None]:
    """Delete and/or add as planned; returns the key read back afterwards and the outcome of a write decided by a re-read."""
    if plan.action in ("delete", "rotate"):
        _delete(client, plan)
    if plan.action == "delete":
        return None, None
    try:
        outcome = _add(client, plan)
    except MailcowError as exc:
        if plan.action == "rotate" and plan.before:
            exc.message = "%s. The old key (selector %s) was deleted: domain %s has NO DKIM key now; re-run to add one" % (
                exc, plan.before["selector"], _shown(plan.domain))
            exc.args = (exc.message,)
        raise
    return get_key(client, plan.domain), outcome
