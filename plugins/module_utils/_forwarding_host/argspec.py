# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_forwarding_host's options."""

from __future__ import annotations

import typing as t


def forwarding_host_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one forwarding host; used at top level and in each entry of the bulk form."""
    return {"host": {"type": "str"}, "keep_spam": {"type": "bool"}}
