# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: glassdome.mailcow contributors
"""Private to this collection: what mailcow_dns_records does, as a function of its options.

options -> read the domain (it must exist) and its DKIM key -> the records -> (check=true) resolve
and compare. Nothing is ever written.
"""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._dkim.api import get_key, require_domain
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.api import HAS_DNSPYTHON, live_check, parse_nameservers
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.model import record_line, records, wanted_from_params


def api_host(api_url: t.Any) -> str:
    try:
        return urlsplit(str(api_url or "")).hostname or ""
    except ValueError:
        return ""


def dns_records(client: MailcowClient, params: dict[str, t.Any]) -> dict[str, t.Any]:
    wanted = wanted_from_params(params, api_host(params.get("api_url")))
    nameservers = parse_nameservers(params.get("nameservers"))
    alias_domain = require_domain(client, wanted.domain)
    key = get_key(client, wanted.domain)
    found = records(wanted, key, alias_domain=alias_domain)
    result: dict[str, t.Any] = {"changed": False, "domain": wanted.domain, "alias_domain": alias_domain, "records": found,
                                "lines": [record_line(entry) for entry in found], "warnings": []}
    if key is None:
        result["warnings"].append("domain %s has no DKIM key, so no DKIM record is listed: add one with mailcow_dkim" % wanted.domain)
    if params.get("check"):
        result["check"] = live_check(found, nameservers, float(params.get("timeout") or 30))
        if not HAS_DNSPYTHON:
            result["warnings"].append(result["check"]["message"])
    return result
