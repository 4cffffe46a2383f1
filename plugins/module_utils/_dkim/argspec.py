# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_dkim's options."""

from __future__ import annotations

import typing as t


def dkim_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_dkim besides the connection; documented in its DOCUMENTATION."""
    return {
        "domain": {"type": "str", "required": True},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "selector": {"type": "str"},
        "key_size": {"type": "int", "choices": [1024, 2048, 3072, 4096]},
        "rotate": {"type": "bool", "default": False},
    }
