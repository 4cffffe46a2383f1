# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_dns_records' options."""

from __future__ import annotations

import typing as t


def dns_records_argspec() -> dict[str, dict[str, t.Any]]:
    """Options of mailcow_dns_records besides the connection; documented in its DOCUMENTATION."""
    return {
        "domain": {"type": "str", "required": True},
        "mail_host": {"type": "str"},
        "ttl": {"type": "int", "default": 3600},
        "mx_priority": {"type": "int", "default": 10},
        "spf_policy": {"type": "str", "choices": ["fail", "softfail", "neutral", "omit"], "default": "fail"},
        "spf_extra": {"type": "list", "elements": "str", "default": []},
        "dmarc_policy": {"type": "str", "choices": ["none", "quarantine", "reject", "omit"], "default": "quarantine"},
        "dmarc_rua": {"type": "str"},
        "https_port": {"type": "int", "default": 443},
        "ports": {"type": "dict", "options": {name: {"type": "int"} for name in ("imap", "imaps", "pop3", "pop3s", "submission", "smtps", "sieve")}},
        "all_srv_records": {"type": "bool", "default": False},
        "check": {"type": "bool", "default": False},
        "nameservers": {"type": "list", "elements": "str"},
    }
