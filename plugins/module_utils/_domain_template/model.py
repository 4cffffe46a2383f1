# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: the domain template model.

A domain template holds what add/domain takes for what it is not sent: limits, quotas (MiB in
options and on write, bytes on read), flags, rate limit, tags and the DKIM key to make
(docs/mailcow-api.md#templates). Templates of both kinds share one Mailcow table and the steps in
_mailbox_template/model.py; this file says which values a domain template has, what a new one gets,
and that its quotas must allow a domain to be created from it.
"""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.model import check_selector
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox_template.model import (
    Setting,
    TemplateKind,
    choice,
    count_setting,
    flag_setting,
    quota_setting,
    row_kind,
    text_setting,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._names import to_int

DKIM_KEY_SIZES = (0, 1024, 2048, 3072, 4096)
FLAGS = ("active", "gal", "backupmx", "relay_all_recipients", "relay_unknown_only")

SETTINGS: dict[str, Setting] = dict(
    {
        "max_mailboxes": count_setting("max_num_mboxes_for_domain"),
        "max_aliases": count_setting("max_num_aliases_for_domain"),
        "default_quota": quota_setting("def_quota_for_mbox"),
        "max_quota": quota_setting("max_quota_for_mbox"),
        "total_quota": quota_setting("max_quota_for_domain"),
    },
    **{option: flag_setting(option) for option in FLAGS},
    dkim_selector=text_setting("dkim_selector", "dkim"),
    dkim_key_size=Setting("key_size", to_int),
)
# What add/domain/template gives what it is not sent, the stock Default's values (docs/mailcow-api.md#templates): the
# module sends these explicitly for a new template, so what it predicts is what Mailcow stores.
CREATE: dict[str, t.Any] = {
    "max_mailboxes": 10, "max_aliases": 400, "default_quota": 3072, "max_quota": 10240, "total_quota": 10240, "active": True,
    "gal": True, "backupmx": False, "relay_all_recipients": False, "relay_unknown_only": False, "dkim_selector": "dkim",
    "dkim_key_size": 2048, "rate_limit": None, "tags": [],
}


def check_limits(item: dict[str, t.Any], where: str = "") -> None:
    """Quotas as add/domain would accept them: default <= maximum per mailbox <= the domain's total."""
    if item["default_quota"] > item["max_quota"]:
        raise MailcowOptionError("%sdefault_quota (%d MiB) must not exceed max_quota (%d MiB): Mailcow would refuse every domain "
                                 "created from this template" % (where, item["default_quota"], item["max_quota"]))
    if item["max_quota"] > item["total_quota"]:
        raise MailcowOptionError("%smax_quota (%d MiB) must not exceed total_quota (%d MiB): Mailcow would refuse every domain "
                                 "created from this template" % (where, item["max_quota"], item["total_quota"]))


DOMAIN = TemplateKind("domain", SETTINGS, CREATE, check=check_limits,
                      parsers={"dkim_selector": check_selector, "dkim_key_size": lambda value, option: choice(value, option, DKIM_KEY_SIZES)})
DOMAIN_TEMPLATE = row_kind(DOMAIN)
