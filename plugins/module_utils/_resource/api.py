# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading resources over the API, and what mailcow_resource_info returns (writes: _server_rows.py, by address)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import ascii_domain, split_address
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.model import RESOURCE, key_of, public
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows


def read_current(client: MailcowClient, domain: str | None = None) -> dict[str, list[Row]]:
    """Every resource (of ``domain``, if given), by lower-case address. One request: Mailcow lists them all at once."""
    rows = read_rows(client, RESOURCE)
    return {key: found for key, found in rows.items() if domain is None or found[0].item["domain"] == domain}


def find(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """What mailcow_resource_info returns: the resources of ``address`` or ``domain`` (or all), by domain and address."""
    wanted = None
    if params.get("address"):
        wanted = key_of("%s@%s" % split_address(params["address"], None, None))
    only = ascii_domain(params["domain"]) if params.get("domain") else None
    found = [public(row.item) for key, rows in read_current(client, only).items() for row in rows if wanted in (None, key)]
    return {"changed": False, "resources": sorted(found, key=lambda item: (item["domain"], key_of(item["address"])))}
