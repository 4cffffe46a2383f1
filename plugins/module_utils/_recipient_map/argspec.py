# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_recipient_map's options."""

from __future__ import annotations

import typing as t


def recipient_map_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one recipient map; used at top level and in each entry of the bulk form."""
    return {
        "old_recipient": {"type": "str"},
        "new_recipient": {"type": "str"},
        "active": {"type": "bool"},
    }
