# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading a mailbox's app passwords and carrying out their plans.

Mailcow's only working read is the mailbox's listing (``get/app-passwd/all/<mailbox>``: the
single-id GET always answers an empty body), which answers ``{}`` both for a mailbox without app
passwords and for a mailbox that does not exist; only then is the mailbox itself read. Writes go
by Mailcow's numeric id, taken from that listing; an add answers no id.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.model import Plan, normalize
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowNotFoundError, MailcowPathError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.api import get_mailbox
from ansible_collections.glassdome.mailcow.plugins.module_utils._writes import Resolver, Writes, resolve


def check_mailbox(mailbox: str, option: str = "mailbox") -> str:
    """Refuse, before any request, a mailbox whose address cannot travel in the listing's URL path."""
    problem = path_problem(mailbox)
    if problem:
        raise MailcowPathError("%s %r: Mailcow's API lists app passwords only by the mailbox's address in the URL, and %s: "
                               "manage this mailbox's app passwords in Mailcow's UI, or rename the mailbox" % (option, mailbox, problem))
    return mailbox


def list_app_passwords(client: MailcowClient, mailbox: str) -> list[dict[str, t.Any]]:
    """The mailbox's app passwords, normalised, by id. One request."""
    found = [normalize(raw) for raw in as_list(client.get("app-passwd", "all", mailbox))]
    return sorted((item for item in found if item["mailbox"] == mailbox), key=lambda item: int(item["id"] or 0))


def missing_mailbox_error(mailbox: str) -> MailcowNotFoundError:
    return MailcowNotFoundError("mailbox %s does not exist on this Mailcow: check its spelling, or create it first (mailcow_mailbox)" % mailbox)


def read(client: MailcowClient, mailbox: str, *, required: bool = True) -> list[dict[str, t.Any]] | None:
    """The listing; when it is empty, one read of the mailbox: a missing one raises (``required``) or gives None."""
    found = list_app_passwords(client, mailbox)
    if found or get_mailbox(client, mailbox):
        return found
    if required:
        raise missing_mailbox_error(mailbox)
    return None


def by_name(found: t.Sequence[dict[str, t.Any]]) -> dict[str, list[dict[str, t.Any]]]:
    grouped: dict[str, list[dict[str, t.Any]]] = {}
    for item in found:
        grouped.setdefault(item["name"], []).append(item)
    return grouped


def apply_plans(client: MailcowClient, plans: t.Sequence[Plan]) -> Writes:
    """Deletes in one request, then each edit and each add (their attributes differ: one request each)."""
    writes = Writes()
    deletes = [p for p in plans if p.action == "delete"]
    if deletes:
        writes.attempt([p.address for p in deletes], client.write, "delete", "app-passwd", [i for p in deletes for i in p.ids], gone_unknown=True)
    for p in plans:
        if p.action == "update":
            writes.attempt([p.address], client.write, "edit", "app-passwd", {"items": list(p.ids), "attr": p.edit_attr})
    for p in plans:
        if p.action == "create":
            writes.attempt([p.address], client.write, "add", "app-passwd", p.add_body)
    return writes


def carry_out(client: MailcowClient, mailbox: str, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan]) -> dict[str, str]:
    """apply_plans, then decide writes of unknown outcome by re-reading the listing once, then raise what failed."""
    writes = apply_plans(client, plans)

    def reread(items: list[str]) -> dict[str, t.Any]:
        grouped = by_name(list_app_passwords(client, mailbox))
        return {item: grouped.get(item, []) for item in items}

    outcomes = resolve(writes, {p.address: p for p in plans}, Resolver(reread, replan, lambda again: apply_plans(client, again)))
    failures = [exc for _items, exc in writes.failures if exc.path == "/add/app-passwd" and exc.msg_key == "access_denied"]
    if failures and not get_mailbox(client, mailbox):
        raise missing_mailbox_error(mailbox)  # deleted since it was read
    writes.raise_failures()
    return outcomes


def settle_duplicates(client: MailcowClient, mailbox: str, created: t.Sequence[str]) -> tuple[dict[str, list[dict[str, t.Any]]], dict[str, str]]:
    """After adding the ``created`` names: the listing by name (one request), each name held once.

    Mailcow accepts a second app password of the same name, so two runs adding the same name at
    once both succeed. A created name the listing holds more than once was added by another run
    meanwhile: every one but the oldest (lowest id) is deleted, one request each; an id another run
    deleted first (``app_passwd_id_invalid``) is gone already. Returns the listing and ``{name: warning}`` of the names settled.
    """
    grouped = by_name(list_app_passwords(client, mailbox))
    settled: dict[str, str] = {}
    for name in created:
        rows = grouped.get(name, [])
        if len(rows) < 2:
            continue
        for extra in rows[1:]:
            try:
                client.write("delete", "app-passwd", [extra["id"]])
            except MailcowError as exc:
                if exc.msg_key != "app_passwd_id_invalid":
                    raise
        grouped[name] = rows[:1]
        deleted = ", ".join(str(extra["id"]) for extra in rows[1:])
        text = "another run added app password %r of mailbox %s at the same time (Mailcow accepts duplicate names): kept the oldest (id %s), deleted id %s"
        settled[name] = text % (name, mailbox, rows[0]["id"], deleted)
    return grouped, settled
