# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_log_info's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._log.model import COUNT_DEFAULT, LOGS


def log_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_log_info besides the connection; documented in its DOCUMENTATION."""
    return {
        "log": {"type": "str", "required": True, "choices": sorted(LOGS)},
        "count": {"type": "int", "default": COUNT_DEFAULT},
        "since": {"type": "str"},
        "contains": {"type": "str"},
    }
