# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading recipient maps over the API (writes: _server_rows.py, by id)."""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.model import RECIPIENT_MAP
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every recipient map, by old recipient (any case). One request."""
    return read_rows(client, RECIPIENT_MAP)
