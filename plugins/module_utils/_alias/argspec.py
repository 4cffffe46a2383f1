# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_alias's options."""

from __future__ import annotations

import typing as t


def alias_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one alias; used at top level and in each entry of the bulk form."""
    spec: dict[str, dict[str, t.Any]] = {
        "address": {"type": "str"},
        "local_part": {"type": "str"},
        "goto": {"type": "list", "elements": "str"},
        "public_comment": {"type": "str"},
        "private_comment": {"type": "str"},
    }
    for flag in ("goto_null", "goto_spam", "goto_ham", "active", "sogo_visible", "sender_allowed"):
        spec[flag] = {"type": "bool"}
    return spec
