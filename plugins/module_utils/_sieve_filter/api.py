# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading a mailbox's Sieve filters over the API (writes: _server_rows.py, by id).

One mailbox's filters are read with ``get/filters/<mailbox>``; a domain's through ``get/filters/all``,
which Mailcow builds by walking every mailbox of every domain. A mailbox no API path can carry (a
``/`` in its local part) is read through that listing too, with a warning. ``get/active-user-sieve``
gives the script the mailbox user keeps active through ManageSieve or SOGo (``[script]``, or ``{}``).
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, carried_in_path, path_problem
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Row, read_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.model import SIEVE_FILTER


def kind_for(client: MailcowClient, mailbox: str | None) -> Kind:
    """How the filters of one mailbox (or, with None, of every mailbox) are listed."""
    if mailbox is None:
        return SIEVE_FILTER
    if not carried_in_path(mailbox):
        client.warn("mailbox %s: %s, so its filters were read from the listing of every mailbox's filters" % (mailbox, path_problem(mailbox)))
        return SIEVE_FILTER
    return SIEVE_FILTER._replace(listing=("filters", mailbox))


def read_current(client: MailcowClient, kind: Kind, *, mailbox: str | None = None, domain: str | None = None) -> dict[str, list[Row]]:
    """The filters of one mailbox or of one domain (or every filter), by name, each name's rows in id order. One request."""
    found = read_rows(client, kind)
    if mailbox is None and domain is None:
        return found
    return {key: rows for key, rows in found.items()
            if (rows[0].item["mailbox"] == mailbox if mailbox is not None else rows[0].item["mailbox"].rpartition("@")[2] == domain)}


def user_script(client: MailcowClient, mailbox: str) -> str | None:
    """The Sieve script the user keeps active (ManageSieve, SOGo), None when there is none. One request."""
    if not carried_in_path(mailbox):
        client.warn("mailbox %s: %s, so its own active script could not be read" % (mailbox, path_problem(mailbox)))
        return None
    scripts = client.get_texts("active-user-sieve", mailbox)
    return scripts[0] if scripts else None


def list_filters(client: MailcowClient, *, mailbox: str | None = None, domain: str | None = None) -> list[dict[str, t.Any]]:
    """Normalised filters of one mailbox, of one domain, or all, sorted by mailbox, type, description and id."""
    found = read_current(client, kind_for(client, mailbox), mailbox=mailbox, domain=domain)
    items = [row.item for rows in found.values() for row in rows]
    return sorted(items, key=lambda item: (item["mailbox"], item["filter_type"], item["description"], item["id"]))
