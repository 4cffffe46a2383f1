# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_mailbox's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import rate_limit_argspec


def mailbox_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one mailbox; used at top level and in each entry of the bulk form."""
    spec: dict[str, dict[str, t.Any]] = {
        "address": {"type": "str"},
        "local_part": {"type": "str"},
        "name": {"type": "str"},
        "password": {"type": "str", "no_log": True},
        "update_password": {"type": "str", "choices": ["on_create", "always"], "default": "on_create", "no_log": False},
        "quota": {"type": "int"},
        "active": {"type": "raw"},
        "tags": {"type": "list", "elements": "str"},
        "template": {"type": "str"},
        "rate_limit": rate_limit_argspec(),
        "sender_acl": {"type": "list", "elements": "str"},
        "relayhost": {"type": "str"},
        "spam_score": {"type": "str"},
    }
    for flag in ("force_pw_update", "tls_enforce_in", "tls_enforce_out", "imap_access", "pop3_access",
                 "smtp_access", "sieve_access", "sogo_access", "eas_access", "dav_access"):
        spec[flag] = {"type": "bool"}
    return spec
