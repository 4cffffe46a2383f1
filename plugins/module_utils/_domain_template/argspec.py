# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: mailcow_domain_template's options (the limits, quotas, rate limit, tags and flags as
mailcow_domain names them, and the DKIM key)."""

from __future__ import annotations

import typing as t

from ansible_collections.glassdome.mailcow.plugins.module_utils._domain.argspec import domain_argspec
from ansible_collections.glassdome.mailcow.plugins.module_utils._domain_template.model import CREATE, DKIM_KEY_SIZES


def domain_template_attr_argspec() -> dict[str, dict[str, t.Any]]:
    """Options describing one domain template; used at top level and in each entry of the bulk form."""
    spec = {option: value for option, value in domain_argspec().items() if option in CREATE}
    spec.update(name={"type": "str"}, dkim_selector={"type": "str"}, dkim_key_size={"type": "int", "choices": list(DKIM_KEY_SIZES)})
    return spec
