# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading relayhosts over the API (writes: _server_rows.py).

Relayhosts are read in one listing and written by Mailcow's numeric id. An add answers without
the new id, so the ids of added relayhosts are learnt from one listing after the adds. The
listing carries every password in clear: it becomes Row objects at once and is never logged.
"""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import RELAYHOST
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every relayhost, by host name (any case), each name's rows in id order. One request."""
    return read_rows(client, RELAYHOST)
