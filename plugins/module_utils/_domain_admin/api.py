# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading domain administrators and carrying out their plans over the API.

add/domain-admin checks each domain only while writing: a missing one answers ``domain_invalid``
*and* ``domain_admin_added`` and leaves a half-created administrator that GET does not show and
delete cannot remove (the next add of the name then answers an empty body, and exists). So every
domain is checked against one listing of the domains before any write (docs/mailcow-api.md#domain-administrators).
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list, carried_in_path, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.model import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowExistsError, MailcowNotFoundError
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, resolve


def list_domain_admins(client: MailcowClient) -> list[dict[str, t.Any]]:
    """Every raw domain administrator. One request."""
    return as_list(client.get("domain-admin", "all"))


def get_domain_admin(client: MailcowClient, username: str) -> dict[str, t.Any] | None:
    """One raw administrator by (lower-case) name, or None when absent. One request.

    A name no API path can carry (``..``) is found in the listing of all administrators, with a warning.
    """
    if carried_in_path(username):
        raws = as_list(client.get("domain-admin", username))
    else:
        client.warn("domain administrator %r: %s, so it was read from the listing of all administrators" % (username, path_problem(username)))
        raws = list_domain_admins(client)
    found = [raw for raw in raws if str(raw.get("username", "")).lower() == username]
    return found[0] if found else None


def get_normalized(client: MailcowClient, username: str) -> dict[str, t.Any] | None:
    raw = get_domain_admin(client, username)
    return normalize(raw) if raw else None


def check_domains(client: MailcowClient, domains: t.Sequence[str], username: str) -> None:
    """Refuse domains this Mailcow does not have (alias domains included: they cannot be administered). One request."""
    known = {str(raw.get("domain_name", "")).lower() for raw in as_list(client.get("domain", "all"))}
    missing = [domain for domain in domains if domain not in known]
    if missing:
        raise MailcowNotFoundError(
            "domains: %s %s not exist on this Mailcow, so domain administrator %s was not written: create %s first with "
            "mailcow_domain (or the mailboxes role's mailcow_domain_settings), or correct the spelling"
            % (", ".join(missing), "does" if len(missing) == 1 else "do", username, "it" if len(missing) == 1 else "them")
        )


def write_acl(client: MailcowClient, writes: Writes, plan: Plan) -> None:
    """edit/da-acl replaces the whole ACL: every permission not listed is turned off."""
    writes.attempt([plan.domain], client.write, "edit", "da-acl", {"items": [plan.domain], "attr": {"da_acl": list(plan.acl or [])}})


def apply_plan(client: MailcowClient, plan: Plan) -> Writes:
    """Carry out one plan; the outcomes are returned, nothing raised.

    The password goes alone first: Mailcow rewrites the domains before it checks the password, so
    a refused password sent with them would leave the change half-done.
    """
    writes = Writes()
    items = [plan.domain]
    if plan.action == "create":
        if writes.attempt(items, client.write, "add", "domain-admin", plan.add_body, exists_unknown=True) and plan.acl is not None:
            write_acl(client, writes, plan)
    elif plan.action == "delete":
        writes.attempt(items, client.write, "delete", "domain-admin", items, gone_unknown=True)
    elif plan.action == "update":
        # A rename's edits address the old name; the ACL, written after them, the new one.
        target = [plan.rename_from or plan.domain]
        ok = not plan.password_attr or writes.attempt(items, client.write, "edit", "domain-admin", {"items": target, "attr": plan.password_attr})
        if ok and plan.edit_attr:
            ok = writes.attempt(items, client.write, "edit", "domain-admin", {"items": target, "attr": plan.edit_attr})
        if ok and plan.acl is not None:
            write_acl(client, writes, plan)
    return writes


def carry_out(client: MailcowClient, plan: Plan, replan: t.Callable[[Plan, t.Any], Plan]) -> str | None:
    """apply_plan; a write of unknown outcome is decided by one GET; raise what failed.

    An add decided so (the loser of a race, or a name a half-created administrator held) gets its
    ACL written afterwards, as the add would have.
    """
    writes = apply_plan(client, plan)
    resolver = Resolver(lambda items: {plan.domain: get_normalized(client, plan.domain)}, replan, lambda again: apply_plan(client, again[0]))
    outcomes = resolve(writes, {plan.domain: plan}, resolver)
    outcome = outcomes.get(plan.domain)
    if plan.action == "create" and plan.acl is not None and outcome and not writes.failures:
        write_acl(client, writes, plan)
    try:
        writes.raise_failures()
    except MailcowExistsError as exc:
        raise MailcowExistsError(
            "%s. The name is taken by an administrator the API does not list: Mailcow's own superadmin, or a domain "
            "administrator whose domains were all deleted; choose another username" % exc,
            method=exc.method, path=exc.path, status=exc.status, msg_key=exc.msg_key, msg_args=exc.msg_args,
        ) from None
    return outcome
