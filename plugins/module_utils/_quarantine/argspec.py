# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_quarantine_info's and mailcow_quarantine's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._quarantine.model import ACTIONS, MAX_SHARE_DEFAULT


def selection_argspec() -> dict[str, dict[str, t.Any]]:
    """The options that select items, in both modules; documented in their DOCUMENTATION."""
    return {
        "identities": {"type": "list", "elements": "str"},
        "mailbox": {"type": "list", "elements": "str", "aliases": ["recipient"]},
        "domain": {"type": "list", "elements": "str"},
        "sender": {"type": "list", "elements": "str"},
        "older_than": {"type": "str"},
        "newer_than": {"type": "str"},
        "min_score": {"type": "float"},
        "max_score": {"type": "float"},
    }


def quarantine_argspec() -> dict[str, dict[str, t.Any]]:
    """mailcow_quarantine's options besides the connection."""
    spec = selection_argspec()
    spec.update({
        "action": {"type": "str", "required": True, "choices": list(ACTIONS)},
        "max_share": {"type": "int", "default": MAX_SHARE_DEFAULT},
        "fail_on_missing": {"type": "bool", "default": False},
    })
    return spec
