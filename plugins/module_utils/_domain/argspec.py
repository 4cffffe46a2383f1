# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_domain's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import rate_limit_argspec


def domain_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_domain besides the connection; documented in its DOCUMENTATION."""
    spec: dict[str, dict[str, t.Any]] = {
        "domain": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "description": {"type": "str"},
        "max_mailboxes": {"type": "int"},
        "max_aliases": {"type": "int"},
        "default_quota": {"type": "int"},
        "max_quota": {"type": "int"},
        "total_quota": {"type": "int"},
        "rate_limit": rate_limit_argspec(),
        "tags": {"type": "list", "elements": "str"},
        "purge_tags": {"type": "bool", "default": True},
        "force": {"type": "bool", "default": False},
        "relayhost": {"type": "str"},
        "template": {"type": "str"},
    }
    for flag in ("active", "gal", "backupmx", "relay_all_recipients", "relay_unknown_only"):
        spec[flag] = {"type": "bool"}
    return spec
