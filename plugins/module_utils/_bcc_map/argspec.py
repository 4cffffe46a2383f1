# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_bcc_map's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.model import KINDS


def bcc_map_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one BCC map; used at top level and in each entry of the bulk form."""
    return {
        "local_dest": {"type": "str"},
        "kind": {"type": "str", "choices": list(KINDS)},
        "bcc_dest": {"type": "str"},
        "active": {"type": "bool"},
    }
