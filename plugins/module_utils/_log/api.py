# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading one of Mailcow's logs over the API (one request; a read-only key is enough)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient, as_list


def read_log(client: MailcowClient, log: str, count: int) -> list[dict[str, t.Any]]:
    """The ``count`` newest entries of ``log``, newest first, as Mailcow answers them (``{}`` for none)."""
    return as_list(client.get("logs", log, str(count)))
