# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading transport maps over the API (writes: _server_rows.py).

Transport maps are read in one listing and written by Mailcow's numeric id; an add answers without
the new id, learnt from one listing after the adds. The listing carries every password in clear:
it becomes Row objects at once and is never logged.
"""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.model import TRANSPORT


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every transport map, by destination (any case). One request."""
    return read_rows(client, TRANSPORT)
