# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_oauth2_client and mailcow_oauth2_client_info do, as functions of their options.

read (one listing) -> desired -> plans -> (unless check mode) apply -> result. The secret Mailcow makes
for a new client (or a renewed one) is read once more after the writes and returned as ``client_secret``,
the one place it appears: never in the client, the diff, a warning or a message.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import single_result
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.api import read_current, row_with_id
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.model import (
    OAUTH2_CLIENT,
    Desired,
    canonical,
    check_redirect_uri,
    compared_view,
    desired_from_params,
    find,
    plan,
    plan_one,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Managed, Plan, carry_out
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_many as manage_rows

OAUTH2_CLIENTS = Managed(OAUTH2_CLIENT, desired_from_params, plan_one, compared_view)


def _diff(plans: list[Plan]) -> dict[str, t.Any]:
    after = compared_view(plans[0].after)
    if after and (any(p.password_set for p in plans) or plans[0].action == "create"):
        after["client_secret"] = "(new)"
    if any((p.edit_attr or {}).get("revoke_tokens") for p in plans):
        after["tokens"] = "(revoked)"
    return {"before": compared_view(plans[0].before), "after": after}


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """One client: one listing, its writes (one request per action), and its secret if it was created or renewed."""
    desired = desired_from_params(params)
    existing = read_current(client)
    if desired.client_id is not None and desired.redirect_uri is not None and desired.state == "present":
        others = [row.item["client_id"] for row in existing.get(desired.key, []) if row.item["client_id"] != desired.client_id]
        if others:
            raise MailcowOptionError("redirect_uri %s is already the redirect URI of client %s: clients are named by redirect URI, so two "
                                     "with one URI could not be told apart. Delete that client, or give this one another URI"
                                     % (desired.redirect_uri, ", ".join(others)))
    plans = plan(desired, find(desired, existing))
    main = plans[0]
    after = main.after or {}
    outcomes: dict[str, str] = {}
    secret = None
    if main.changed and not check_mode:
        outcomes, created = carry_out(client, OAUTH2_CLIENT, plans, lambda old, now: _replan(desired, old, now), existing=existing,
                                      concurrency=1)
        row_id = created.get(OAUTH2_CLIENT.key_of(main.address)) if main.action == "create" else after.get("id")
        if main.action == "create" or any(p.password_set for p in plans):
            row = row_with_id(client, row_id)
            after, secret = (row.item, row.password) if row is not None else (dict(after, id=row_id), None)
    result = single_result(main, "oauth2_client", after, outcome=outcomes.get(main.address), diff=_diff(plans) if diff else None)
    if secret:
        # The one place the secret is returned (documented): to the task that made it.
        result["client_secret"] = secret
    return result


def _replan(desired: Desired, old: Plan, now: t.Any) -> Plan:
    """A plan of an undecided write from the rows as they are now: the same one-off action again, or what the URI still needs."""
    again = plan(desired, now or [])
    return next((p for p in again if p.edit_attr == old.edit_attr), again[0]) if old.action == "update" else again[0]


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    """The server's clients by redirect URI, purge within its guards; each created client with its client id and secret."""
    result = manage_rows(client, OAUTH2_CLIENTS, params, check_mode=check_mode, diff=diff)
    for item in result["oauth2_clients"]:
        item.pop("client_secret", None)
    if diff:
        for shown in result.get("diff", []):
            if not shown["before"] and shown["after"]:
                shown["after"]["client_secret"] = "(new)"
    created = [item for item in result["oauth2_clients"] if item["action"] == "created"]
    if created and not check_mode:
        listed = read_current(client)
        for item in created:
            rows = listed.get(canonical(item["redirect_uri"]), [])
            if len(rows) == 1:
                item.update(client_id=rows[0].item["client_id"], client_secret=rows[0].password)
    return result


# -- mailcow_oauth2_client_info ------------------------------------------------------------------


def info(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """The clients (without their secrets), all or those of one redirect URI or client id, in id order."""
    wanted = check_redirect_uri(params["redirect_uri"]) if params.get("redirect_uri") else None
    client_id = str(params.get("client_id") or "").strip().lower() or None
    found = [row.item for key, rows in read_current(client).items() if wanted in (None, key) for row in rows
             if client_id in (None, row.item["client_id"])]
    return {"changed": False, "oauth2_clients": sorted(found, key=lambda item: item["id"])}
