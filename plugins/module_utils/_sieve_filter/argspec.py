# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_sieve_filter's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.model import TYPES


def sieve_filter_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one filter; used at top level and in each entry of the bulk form."""
    return {
        "mailbox": {"type": "str"},
        "filter_type": {"type": "str", "choices": list(TYPES)},
        "description": {"type": "str"},
        "script": {"type": "str"},
        "active": {"type": "bool"},
    }


# mailcow_sieve_filter: one filter by mailbox (with filter_type and description), or a domain's list of them.
SIEVE_FILTER_CONSTRAINTS: dict[str, t.Any] = {"mutually_exclusive": [("filters", "mailbox")], "required_one_of": [("mailbox", "filters")]}
