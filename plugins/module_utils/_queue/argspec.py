# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the options of mailcow_queue_info and mailcow_queue."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._queue.model import ACTIONS, DELETE_MAX_SHARE_DEFAULT, QUEUES


def selection_argspec() -> dict[str, dict[str, t.Any]]:
    """Which messages: all given criteria must hold. Documented in each module's DOCUMENTATION."""
    return {
        "queue_ids": {"type": "list", "elements": "str", "default": []},
        "sender": {"type": "str"},
        "recipient": {"type": "str"},
        "older_than": {"type": "str"},
        "status": {"type": "list", "elements": "str", "choices": list(QUEUES), "default": []},
    }


def queue_argspec() -> dict[str, dict[str, t.Any]]:
    """mailcow_queue's options besides the connection."""
    return dict(selection_argspec(), **{
        "action": {"type": "str", "required": True, "choices": list(ACTIONS)},
        "allow_delete_all": {"type": "bool", "default": False},
        "delete_max_share": {"type": "int", "default": DELETE_MAX_SHARE_DEFAULT},
    })
