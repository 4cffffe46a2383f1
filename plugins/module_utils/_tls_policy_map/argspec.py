# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_tls_policy_map's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.model import POLICIES


def tls_policy_map_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one TLS policy map; used at top level and in each entry of the bulk form."""
    return {
        "destination": {"type": "str"},
        "policy": {"type": "str", "choices": list(POLICIES)},
        "parameters": {"type": "str"},
        "active": {"type": "bool"},
    }
