# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading domain templates over the API (writes: _server_rows.py, by id)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.model import DOMAIN
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.api import find_templates


def find(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """What mailcow_domain_template_info returns."""
    return find_templates(DOMAIN, client, params)
