# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the reads of the events source, one per check (a read-only API key is enough)."""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.api import read_fail2ban
from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.api import read_items
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.api import read_queue
from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.model import normalize_all


def read_check(client: MailcowClient, check: str) -> t.Any:
    """The answer one check looks at: get/fail2ban, get/quarantine/all and get/mailq/all (normalised as mailcow_quarantine_info
    and mailcow_queue_info return them) or get/status/containers."""
    if check == "bans":
        return read_fail2ban(client)
    if check == "quarantine":
        return read_items(client)
    if check == "queue":
        return normalize_all(read_queue(client), datetime.datetime.now(datetime.timezone.utc))
    return client.get("status", "containers")
