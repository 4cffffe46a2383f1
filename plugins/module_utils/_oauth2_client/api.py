# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading OAuth2 clients over the API (writes: _server_rows.py, by id).

Clients are read in one listing (``get/oauth2-client/all``) and written by Mailcow's numeric id. An add
answers the English "Added client access" without the id, so the ids (and the client id and secret
Mailcow made) are learnt from a listing after the adds. The listing carries every secret in clear: it
becomes Row objects at once (the secret apart) and is never logged.
"""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._oauth2_client.model import OAUTH2_CLIENT
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, read_rows


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every OAuth2 client, by redirect URI (scheme and host in any case), each URI's rows in id order. One request."""
    return read_rows(client, OAUTH2_CLIENT)


def row_with_id(client: MailcowClient, row_id: int | None) -> Row | None:
    """The client with Mailcow's id ``row_id`` as listed now (to hand its new secret over), None when it is not there."""
    return next((row for rows in read_current(client).values() for row in rows if row.item["id"] == row_id), None)
