# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading relayhosts and carrying out relayhost plans over the API.

Relayhosts are read in one listing and written by Mailcow's numeric id (_server_rows.py). An add
answers without the new id, so the ids of added relayhosts are learnt from one listing after the
adds. The listing carries every password in clear: it becomes Row objects at once and is never logged.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import Plan, current_from_raw, key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Kind, Row, carry_out as carry_out_rows, read_rows

RELAYHOSTS = Kind("relayhost", current_from_raw, lambda row: key_of(row.item["hostname"]), frozenset(("relayhost_added",)), "relayhost")


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every relayhost, by host name (any case), each name's rows in id order. One request."""
    return read_rows(client, RELAYHOSTS)


def carry_out(
    client: MailcowClient, plans: t.Sequence[Plan], replan: t.Callable[[Plan, t.Any], Plan], *, existing: dict[str, list[Row]], concurrency: int = 4,
) -> tuple[dict[str, str], dict[str, int]]:
    """Carry out the plans; returns ``({host name: outcome}, {host name key: id of the added relayhost})``."""
    return carry_out_rows(client, RELAYHOSTS, plans, replan, existing=existing, key=key_of, concurrency=concurrency)
