# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_mailbox_template (and, with its kind, mailcow_domain_template) does, as functions of its options.

read (one listing) -> desired -> plan -> (unless check mode) apply -> result, the steps of the
server-wide objects known by id (_server_rows.py).
"""

from __future__ import annotations

import functools
import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.model import (
    MAILBOX,
    TemplateKind,
    compared_view,
    desired_from_params,
    plan,
    row_kind,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import Managed
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_many as manage_rows
from ansible_collections.glassdome.mailcow.plugins.module_utils._server_rows import manage_one as manage_row


def managed(template: TemplateKind) -> Managed:
    """The _server_rows steps of one kind of template."""

    def parse(params: dict[str, t.Any], *, where: str = "", update_password: str | None = None) -> t.Any:
        return desired_from_params(template, params, where=where)

    return Managed(row_kind(template), parse, functools.partial(plan, template), functools.partial(compared_view, template))


MAILBOX_TEMPLATES = managed(MAILBOX)


def manage_one(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    return manage_row(client, MAILBOX_TEMPLATES, params, check_mode=check_mode, diff=diff)


def manage_many(client: MailcowClient, params: dict[str, t.Any], *, check_mode: bool, diff: bool) -> dict[str, t.Any]:
    return manage_rows(client, MAILBOX_TEMPLATES, params, check_mode=check_mode, diff=diff)
