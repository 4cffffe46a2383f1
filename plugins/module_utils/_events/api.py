# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the reads of the events source, one per check (a read-only API key is enough)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list
from ansible_collections.glassdome.mailcow.plugins.module_utils._fail2ban.api import read_fail2ban


def read_check(client: MailcowClient, check: str) -> t.Any:
    """The answer one check looks at: get/fail2ban, get/quarantine/all, get/mailq/all or get/status/containers."""
    if check == "bans":
        return read_fail2ban(client)
    if check == "quarantine":
        return as_list(client.get("quarantine", "all"))
    if check == "queue":
        return as_list(client.get("mailq", "all"))
    return client.get("status", "containers")
