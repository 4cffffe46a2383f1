# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading Mailcow's status over the API (four reads, a read-only key is enough)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient


def read_status(client: MailcowClient) -> dict[str, t.Any]:
    """The raw answers of get/status/version, containers, vmail and solr (None: solr's empty body)."""
    return {
        "version": client.get("status", "version"),
        "containers": client.get("status", "containers"),
        "vmail": client.get("status", "vmail"),
        # Mailcow versions without Solr have no case for it and print nothing.
        "solr": client.get("status", "solr", empty_ok=True),
    }
