# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_spam_policy's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.argspec import api_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import PURGE_MAX_SHARE_DEFAULT
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.model import LISTS


def target_argspec() -> dict[str, dict[str, t.Any]]:
    """Whose lists: a domain or a mailbox (also mailcow_spam_policy_info's)."""
    return dict(api_argspec(), domain={"type": "str"}, mailbox={"type": "str"})


def spam_policy_argspec() -> dict[str, dict[str, t.Any]]:
    """One sender (``sender``, ``list``, ``state``) or the whole lists (``allow``, ``deny``, ``purge`` and its guards)."""
    return dict(
        target_argspec(),
        sender={"type": "str"},
        list={"type": "str", "choices": list(LISTS)},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        allow={"type": "list", "elements": "str"},
        deny={"type": "list", "elements": "str"},
        purge={"type": "bool", "default": False},
        purge_allow_empty={"type": "bool", "default": False},
        purge_max_share={"type": "int", "default": PURGE_MAX_SHARE_DEFAULT},
        concurrency={"type": "int", "default": 4},
    )


CONSTRAINTS: dict[str, t.Any] = {
    "mutually_exclusive": [("domain", "mailbox"), ("sender", "allow"), ("sender", "deny")],
    "required_one_of": [("domain", "mailbox"), ("sender", "allow", "deny")],
}
