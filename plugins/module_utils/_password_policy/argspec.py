# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_password_policy's options."""

from __future__ import annotations

import typing as t


def password_policy_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_password_policy besides the connection; documented in its DOCUMENTATION. None: keep Mailcow's value."""
    return {
        "length": {"type": "int"},
        "chars": {"type": "bool"},
        "special_chars": {"type": "bool"},
        "lowerupper": {"type": "bool"},
        "numbers": {"type": "bool"},
    }
