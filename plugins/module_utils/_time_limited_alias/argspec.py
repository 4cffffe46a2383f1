# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_time_limited_alias's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import server_single_or_bulk_argspec


def time_limited_alias_argspec() -> dict[str, dict[str, t.Any]]:
    """One alias (by description, or existing by address) or the mailbox's list of them, with purge and its guards."""
    entry = {"description": {"type": "str"}, "address": {"type": "str"}, "permanent": {"type": "bool"}, "validity": {"type": "int"}}
    return dict(server_single_or_bulk_argspec(entry, "time_limited_aliases"), mailbox={"type": "str", "required": True})


CONSTRAINTS: dict[str, t.Any] = {
    "mutually_exclusive": [("time_limited_aliases", "description"), ("time_limited_aliases", "address")],
    "required_one_of": [("description", "address", "time_limited_aliases")],
}
