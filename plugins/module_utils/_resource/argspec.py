# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_resource's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import single_or_bulk_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._resource.model import KINDS


def resource_argspec() -> dict[str, dict[str, t.Any]]:
    """Every option of mailcow_resource: one resource by address, local part or description, or a domain's list (``resources``)."""
    entry: dict[str, dict[str, t.Any]] = {
        "address": {"type": "str"},
        "local_part": {"type": "str"},
        "description": {"type": "str"},
        "kind": {"type": "str", "choices": list(KINDS)},
        "multiple_bookings": {"type": "int"},
        "active": {"type": "bool"},
    }
    return single_or_bulk_argspec(entry, "resources")


def resource_constraints() -> dict[str, t.Any]:
    """AnsibleModule keywords: one resource (by address, local_part, or the description of a new one), or a list."""
    return {
        "mutually_exclusive": [("address", "local_part"), ("resources", "address"), ("resources", "local_part"), ("resources", "description")],
        "required_one_of": [("address", "local_part", "description", "resources")],
    }
