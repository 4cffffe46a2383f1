# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_status_info's options."""

from __future__ import annotations

import typing as t

MAX_STORAGE_PERCENT_DEFAULT = 90


def status_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_status_info besides the connection; documented in its DOCUMENTATION."""
    return {
        "fail_when_unhealthy": {"type": "bool", "default": False},
        "max_storage_percent": {"type": "int", "default": MAX_STORAGE_PERCENT_DEFAULT},
        "ignore_containers": {"type": "list", "elements": "str", "default": []},
    }
