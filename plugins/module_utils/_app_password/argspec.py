# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_app_password's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import PURGE_MAX_SHARE_DEFAULT
from ansible_collections.glassdome.mailcow.plugins.module_utils._app_password.model import PROTOCOLS


def app_password_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one app password; used at top level and in each entry of the bulk form."""
    return {
        "name": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "protocols": {"type": "list", "elements": "str", "choices": list(PROTOCOLS)},
        "active": {"type": "bool"},
    }


def app_password_argspec() -> dict[str, dict[str, t.Any]]:
    """mailcow_app_password: one app password of O(mailbox) by name, or the mailbox's list (O(app_passwords))."""
    state = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    entry = app_password_attr_argspec()
    return dict(api_argspec(), **entry, **{
        "mailbox": {"type": "str", "required": True},
        "state": state,
        "app_passwords": {"type": "list", "elements": "dict", "options": dict(entry, state=state), "no_log": False},
        "purge": {"type": "bool", "default": False},
        "purge_allow_empty": {"type": "bool", "default": False},
        "purge_max_share": {"type": "int", "default": PURGE_MAX_SHARE_DEFAULT},
    })
