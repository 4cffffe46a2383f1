# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading TLS policy maps over the API (writes: _server_rows.py, by id)."""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.model import TLS_POLICY_MAP


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every TLS policy map, by destination (any case). One request."""
    return read_rows(client, TLS_POLICY_MAP)
