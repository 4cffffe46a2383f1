# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_domain_template does, as functions of its options (the template steps of
_mailbox_template/manager.py with the domain kind)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.model import DOMAIN
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.manager import managed
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_many as manage_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_one as manage_row

DOMAIN_TEMPLATES = managed(DOMAIN)


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    return manage_row(client, DOMAIN_TEMPLATES, params, check_mode=check_mode, diff=diff)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    return manage_rows(client, DOMAIN_TEMPLATES, params, check_mode=check_mode, diff=diff)
