# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_recipient_map does, as functions of its options.

read (one listing) -> desired -> plan -> (unless check mode) apply -> result, the steps of the
server-wide objects known by id (_server_rows.py).
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.model import RECIPIENT_MAP, compared_view, desired_from_params, plan
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Managed
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_many as manage_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_one as manage_row

RECIPIENT_MAPS = Managed(RECIPIENT_MAP, desired_from_params, plan, compared_view, scope="old_recipient")


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    return manage_row(client, RECIPIENT_MAPS, params, check_mode=check_mode, diff=diff)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    return manage_rows(client, RECIPIENT_MAPS, params, check_mode=check_mode, diff=diff)
