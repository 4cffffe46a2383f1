# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_alias_domain's options."""

from __future__ import annotations

import typing as t


def alias_domain_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_alias_domain besides the connection; documented in its DOCUMENTATION."""
    return {
        "alias_domain": {"type": "str", "required": True},
        "target_domain": {"type": "str"},
        "active": {"type": "bool"},
        "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
        "rename_from": {"type": "str"},
    }
