# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_syncjob's options."""

from __future__ import annotations

import typing as t


def syncjob_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one sync job; used at top level and in each entry of the bulk form (see model.FIELDS)."""
    spec: dict[str, dict[str, t.Any]] = {
        "mailbox": {"type": "str"},
        "remote_host": {"type": "str"},
        "remote_user": {"type": "str"},
        "remote_password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "encryption": {"type": "str", "choices": ["SSL", "TLS", "PLAIN"]},
        "subfolder": {"type": "str"},
        "exclude": {"type": "str"},
        "custom_params": {"type": "str"},
    }
    for number in ("remote_port", "interval", "max_age", "max_bytes_per_second", "timeout_remote", "timeout_local"):
        spec[number] = {"type": "int"}
    for flag in ("delete_duplicates", "delete_from_source", "delete_from_destination", "automap", "skip_cross_duplicates",
                 "subscribe_all", "dry_run", "active"):
        spec[flag] = {"type": "bool"}
    return spec


# mailcow_syncjob: one job by mailbox (with remote_host and remote_user), or a domain's list of them.
SYNCJOB_CONSTRAINTS: dict[str, t.Any] = {"mutually_exclusive": [("syncjobs", "mailbox")], "required_one_of": [("mailbox", "syncjobs")]}
