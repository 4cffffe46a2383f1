# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_log_info does, as a function of its options.

options checked -> the ``count`` newest entries read -> normalised -> filtered by ``since`` and ``contains``.
"""

from __future__ import annotations

import datetime
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._log.api import read_log
from ansible_collections.glassdome.mailcow.plugins.module_utils._log.model import desired_from_params, matches, normalize


def log_entries(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    now = datetime.datetime.now(datetime.timezone.utc)
    desired = desired_from_params(params, now)
    raw = read_log(client, desired.log, desired.newest)
    entries = [entry for entry in (normalize(desired.log, item) for item in raw) if matches(desired, entry)]
    return {"changed": False, "log": desired.log, "entries": entries, "read": len(raw)}
