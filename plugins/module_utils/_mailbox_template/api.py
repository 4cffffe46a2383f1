# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: reading templates over the API, and what the ``*_template_info`` modules return
(writes: _server_rows.py, by id)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.model import MAILBOX, TemplateKind, check_name, key_of, row_kind
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import read_rows


def find_templates(template: TemplateKind, client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """The templates of a kind (of ``params["name"]``, if set, any case), in id order, under ``<kind>_templates``. One request."""
    wanted = key_of(check_name(params["name"])) if params.get("name") is not None else None
    found = [row.item for key, rows in read_rows(client, row_kind(template)).items() for row in rows if wanted in (None, key)]
    return {"changed": False, "%s_templates" % template.kind: sorted(found, key=lambda item: item["id"])}


def find(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    """What mailcow_mailbox_template_info returns."""
    return find_templates(MAILBOX, client, params)
