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

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, api_path
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.model import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowError,
    MailcowNotFoundError,
    MailcowUnknownOutcomeError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import unicode_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import answer_lost, undecided


def _shown(domain: str) -> str:
    return domain if unicode_domain(domain) == domain else "%s (%s)" % (unicode_domain(domain), domain)


def require_domain(client: MailcowClient, domain: str) -> bool:
    """Fail unless ``domain`` is a domain or an alias domain of this Mailcow; true for an alias domain. One request.

    get/domain/<alias domain> answers with its target domain's object.
    """
    raw = client.get_one("domain", domain)
    if not isinstance(raw, dict) or not raw:
        raise MailcowNotFoundError("domain %s does not exist on this Mailcow: check its spelling, or create it with mailcow_domain first"
                                   % _shown(domain), method="GET", path=api_path("get", "domain", domain), status=200)
    return str(raw.get("domain_name", "")).lower() != domain


def get_key(client: MailcowClient, domain: str) -> dict[str, t.Any] | None:
    """The domain's key, normalised (never the private key), or None. One request."""
    return normalize(domain, client.get_one("dkim", domain))


def _reread(client: MailcowClient, domain: str, exc: MailcowError) -> dict[str, t.Any] | None:
    """The key read again after the answer to a write was lost; a failing read leaves the write undecided."""
    try:
        return get_key(client, domain)
    except MailcowError as again:
        raise undecided(exc, "(re-reading failed: %s)" % again) from None


def _delete(client: MailcowClient, plan: Plan) -> None:
    try:
        client.write("delete", "dkim", [plan.domain])
    except MailcowError as exc:
        if not answer_lost(exc):
            raise
        if _reread(client, plan.domain, exc) is not None:
            raise undecided(exc, "(re-reading shows the key still there; Mailcow may still be deleting it)") from None


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


def _reread_shows(key: dict[str, t.Any] | None) -> str:
    """What a re-read after a lost add/dkim answer found, when it is not the planned key."""
    if key is None:
        # Key generation takes seconds for long keys: the add may still be running.
        return "(re-reading shows no key yet; Mailcow may still be generating it)"
    return "(re-reading shows a key with selector %s, %s bits, not the planned one)" % (key["selector"], key["length"])


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
        now = _reread(client, plan.domain, exc)
        if not _as_planned(plan, now):
            raise undecided(exc, _reread_shows(now)) from None
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
            now = "may have NO DKIM key now; re-run to converge" if isinstance(exc, MailcowUnknownOutcomeError) else "has NO DKIM key now; re-run to add one"
            exc.message = "%s. The old key (selector %s) was deleted: domain %s %s" % (exc, plan.before["selector"], _shown(plan.domain), now)
            exc.args = (exc.message,)
        raise
    return get_key(client, plan.domain), outcome
