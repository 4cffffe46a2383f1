# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_domain_admin's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_admin.model import ACL_NAMES


def domain_admin_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_domain_admin besides the connection; documented in its DOCUMENTATION."""
    return {
        "username": {"type": "str", "required": True},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "domains": {"type": "list", "elements": "str"},
        "active": {"type": "bool"},
        "acl": {"type": "list", "elements": "str", "choices": list(ACL_NAMES)},
        "update_acl": {"type": "str", "choices": ["on_create", "always"], "default": "on_create"},
        "rename_from": {"type": "str"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
    }
