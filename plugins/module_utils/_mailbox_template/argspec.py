# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_mailbox_template's options."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._argspec import rate_limit_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.model import (
    ACLS,
    PROTOCOLS,
    QUARANTINE_CATEGORIES,
    QUARANTINE_NOTIFICATIONS,
    TAGGED_MAIL_HANDLERS,
)


def mailbox_template_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one mailbox template; used at top level and in each entry of the bulk form."""
    spec: dict[str, dict[str, t.Any]] = {
        "name": {"type": "str"},
        "quota": {"type": "int"},
        "active": {"type": "raw"},
        "rate_limit": rate_limit_argspec(),
        "tags": {"type": "list", "elements": "str"},
        "quarantine_notification": {"type": "str", "choices": list(QUARANTINE_NOTIFICATIONS)},
        "quarantine_category": {"type": "str", "choices": list(QUARANTINE_CATEGORIES)},
        "tagged_mail_handler": {"type": "str", "choices": list(TAGGED_MAIL_HANDLERS)},
        "acl": {"type": "list", "elements": "str", "choices": list(ACLS)},
    }
    for flag in ("force_pw_update", "force_tfa", "sogo_access", "tls_enforce_in", "tls_enforce_out") + tuple(p + "_access" for p in PROTOCOLS):
        spec[flag] = {"type": "bool"}
    return spec
