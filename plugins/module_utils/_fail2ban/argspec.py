# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_fail2ban's options."""

from __future__ import annotations

import typing as t


def fail2ban_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_fail2ban besides the connection; documented in its DOCUMENTATION. None: keep Mailcow's value."""
    return {
        "ban_time": {"type": "int"},
        "max_ban_time": {"type": "int"},
        "ban_time_increment": {"type": "bool"},
        "max_attempts": {"type": "int"},
        "retry_window": {"type": "int"},
        "netban_ipv4": {"type": "int"},
        "netban_ipv6": {"type": "int"},
        "allowlist": {"type": "list", "elements": "str", "aliases": ["whitelist"]},
        "denylist": {"type": "list", "elements": "str", "aliases": ["blacklist"]},
        "unban": {"type": "list", "elements": "str", "default": []},
    }
