# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading forwarding hosts over the API (writes: _server_rows.py, by host)."""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._forwarding_host.model import FORWARDING_HOST
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every forwarding host, by canonical address. One request."""
    return read_rows(client, FORWARDING_HOST)
