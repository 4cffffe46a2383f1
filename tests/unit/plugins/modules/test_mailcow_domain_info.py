# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_domain_info: what it reads and how it reports it."""

from __future__ import annotations

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.modules.mailcow_domain_info import find
from ..scripted_mailcow import transcript

RAW = transcript("get_domain_single")["body"]
ALL = transcript("get_domain_all_end")["body"]  # example.net and example.org


def run(server, **params):
    return find(MailcowClient(server.url, "K"), dict({"domain": None, "include_raw": False}, **params))


def test_all_domains_sorted(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=list(reversed(ALL)))
    domains = run(mailcow)
    assert [d["domain"] for d in domains] == ["example.net", "example.org"]
    assert domains[1]["total_quota"] == 4096 and domains[0]["mailboxes"] == 1 and "raw" not in domains[0]


def test_no_domains_is_an_empty_list(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/all", reply=transcript("get_domain_all_empty")["body"])
    assert run(mailcow) == []


def test_one_domain_by_unicode_name(mailcow) -> None:
    idn = dict(RAW, domain_name="xn--bcher-kva.example", domain_h_name="bücher.example")
    mailcow.expect("GET", "/api/v1/get/domain/xn--bcher-kva.example", reply=idn)
    domains = run(mailcow, domain="Bücher.example", include_raw=True)
    assert domains[0]["domain"] == "xn--bcher-kva.example" and domains[0]["domain_unicode"] == "bücher.example"
    assert domains[0]["raw"] == idn


def test_missing_or_alias_domain_is_an_empty_list(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/missing.example", reply={})
    mailcow.expect("GET", "/api/v1/get/domain/alias.example", reply=RAW)
    assert run(mailcow, domain="missing.example") == []
    assert run(mailcow, domain="alias.example") == []
