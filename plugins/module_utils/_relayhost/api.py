# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading relayhosts over the API (writes: _server_rows.py).

Relayhosts are read in one listing and written by Mailcow's numeric id. An add answers without
the new id, so the ids of added relayhosts are learnt from one listing after the adds. The
listing carries every password in clear: it becomes Row objects at once and is never logged.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowNotFoundError
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.model import RELAYHOST, key_of
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Row, only_row, read_rows


def read_current(client: MailcowClient) -> dict[str, list[Row]]:
    """Every relayhost, by host name (any case), each name's rows in id order. One request."""
    return read_rows(client, RELAYHOST)


class RelayhostNames:
    """Relayhosts by host name and by id, from one listing: what a domain or a mailbox names its relayhost by.

    Mailcow stores a domain's or mailbox's relayhost as the relayhost's numeric id ("0": none) and accepts
    any id, also one that does not exist; tasks name it by host name, looked up here before any write.
    """

    def __init__(self, client: MailcowClient) -> None:
        self.listed = read_current(client)
        self.names = {row.item["id"]: row.item["hostname"] for rows in self.listed.values() for row in rows}

    def id_of(self, wanted: str, written: str) -> int:
        """The id of the relayhost ``wanted`` (0 for ""): refused, naming ``written`` (what was not written), when
        this Mailcow has no relayhost of that host name or more than one."""
        if not wanted:
            return 0
        row = only_row(RELAYHOST, wanted, self.listed.get(key_of(wanted), []))
        if row is None:
            raise MailcowNotFoundError("relayhost: %s is not a relayhost of this Mailcow, so %s was not written: create it first with "
                                       "mailcow_relayhost (known: %s)" % (wanted, written, ", ".join(sorted(self.listed)) or "none"))
        return int(row.item["id"])

    def name_of(self, relayhost_id: t.Any) -> str:
        """The host name of the relayhost with id ``relayhost_id``: "" for none, a marker for a deleted one."""
        if not relayhost_id:
            return ""
        return str(self.names.get(relayhost_id, "(id %d, deleted)" % relayhost_id))
