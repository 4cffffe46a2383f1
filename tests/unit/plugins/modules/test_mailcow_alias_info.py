# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_alias_info: what it reads and how it reports it."""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.modules.mailcow_alias_info import find
from ..scripted_mailcow import transcript

RAW = transcript("get_alias_by_address")["body"]
LISTING = transcript("get_alias_all")["body"]  # info and team of example.org


def run(server, **params):
    return find(MailcowClient(server.url, "K"), dict({"domain": None, "address": None, "include_raw": False}, **params))


def test_all_aliases_sorted(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/all", reply=list(reversed(LISTING)))
    aliases = run(mailcow)
    assert [a["address"] for a in aliases] == ["info@example.org", "team@example.org"]
    assert aliases[1]["goto"] == ["alice@example.org", "ivan@example.org"] and "raw" not in aliases[1]


def test_domain_listing_filters_other_domains(mailcow) -> None:
    foreign = dict(RAW, id=7, address="x@other.org", domain="other.org")
    mailcow.expect("GET", "/api/v1/get/alias/all/example.org", reply=LISTING + [foreign])
    mailcow.expect("GET", "/api/v1/get/alias/all/missing.example", reply={})
    assert len(run(mailcow, domain="Example.org")) == 2
    assert run(mailcow, domain="missing.example") == []


def test_one_alias_any_case(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/alias/INFO@example.org", reply=RAW)
    mailcow.expect("GET", "/api/v1/get/alias/nobody@example.org", reply={})
    aliases = run(mailcow, address="INFO@Example.org", include_raw=True)
    assert aliases[0]["id"] == 189 and aliases[0]["raw"] == RAW
    assert run(mailcow, address="nobody@example.org") == []
