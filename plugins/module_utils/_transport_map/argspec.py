# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_transport_map's options."""

from __future__ import annotations

import typing as t


def transport_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one transport map; used at top level and in each entry of the bulk form."""
    return {
        "destination": {"type": "str"},
        "nexthop": {"type": "str"},
        "username": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "no_log": False},
        "active": {"type": "bool"},
        "is_mx_based": {"type": "bool"},
    }
