# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_dkim and mailcow_dns_records through main() in-process, against the emulator over HTTPS."""

from __future__ import annotations

import json
import typing as t

from ..dns_responder import DnsResponder
from ..mailcow_inprocess import RO_KEY, RW_KEY, Mailcow, RunModule

DOMAIN = "dk.example"


def key_of(emulated: Mailcow) -> t.Any:
    return emulated.emulator.request("GET", "/api/v1/get/dkim/" + DOMAIN).json()


def test_dkim_key_of_a_new_domain_counts_then_rotate_check_diff_ok(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))["changed"]
    made = key_of(emulated)  # Mailcow made one with the domain: selector dkim, 2048 bits
    kept = run_module("mailcow_dkim", dict(emulated.conn(), domain=DOMAIN, key_size=2048))
    assert kept["rc"] == 0 and not kept["changed"] and kept["dkim"]["public_key"] == made["pubkey"]
    assert kept["dkim"]["txt_record"]["name"] == "dkim._domainkey." + DOMAIN and "privkey" not in json.dumps(kept)

    args = dict(emulated.conn(), domain=DOMAIN, selector="mail2026", key_size=4096)
    refused = run_module("mailcow_dkim", args)
    assert refused["rc"] == 1 and "rotate=true" in refused["msg"] and key_of(emulated) == made

    planned = run_module("mailcow_dkim", dict(args, rotate=True), check_mode=True, diff=True)
    assert planned["changed"] and planned["action"] == "rotated" and key_of(emulated) == made
    assert planned["diff"]["before"]["selector"] == "dkim" and planned["diff"]["after"]["selector"] == "mail2026"

    rotated = run_module("mailcow_dkim", dict(args, rotate=True), diff=True)
    assert rotated["changed"] and rotated["previous"]["public_key"] == made["pubkey"]
    assert rotated["dkim"]["public_key"] == key_of(emulated)["pubkey"] != made["pubkey"]
    assert rotated["dkim"]["key_size"] == 4096 and len(rotated["dkim"]["txt_record"]["strings"]) == 3
    again = run_module("mailcow_dkim", dict(args, rotate=True), diff=True)
    assert again["rc"] == 0 and not again["changed"]


def test_dkim_read_only_key_and_missing_domain(run_module: RunModule, emulated: Mailcow) -> None:
    run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))
    ro = run_module("mailcow_dkim", dict(emulated.conn(RO_KEY), domain=DOMAIN, state="absent"))
    assert ro["rc"] == 1 and "the API key is read-only" in ro["msg"] and "/delete/dkim" in ro["msg"], ro["msg"]
    assert key_of(emulated) != {} and RO_KEY not in json.dumps(ro)
    missing = run_module("mailcow_dkim", dict(emulated.conn(), domain="nowhere.example"))
    assert missing["rc"] == 1 and missing["msg"].startswith("domain nowhere.example does not exist on this Mailcow")
    bad = run_module("mailcow_dkim", dict(emulated.conn(), domain=DOMAIN, key_size=1000))
    assert bad["rc"] == 1 and "key_size" in bad["msg"]


def test_dkim_absent_then_ok(run_module: RunModule, emulated: Mailcow) -> None:
    run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))
    gone = run_module("mailcow_dkim", dict(emulated.conn(), domain=DOMAIN, state="absent"), diff=True)
    assert gone["changed"] and key_of(emulated) == {} and gone["diff"]["after"] == {}
    assert not run_module("mailcow_dkim", dict(emulated.conn(), domain=DOMAIN, state="absent"))["changed"]


def test_dns_records_with_the_read_only_key(run_module: RunModule, emulated: Mailcow) -> None:
    run_module("mailcow_domain", dict(emulated.conn(), domain=DOMAIN))
    result = run_module("mailcow_dns_records", dict(emulated.conn(RO_KEY), domain=DOMAIN, mail_host="mail.dk.example"))
    assert result["rc"] == 0 and not result["changed"] and "check" not in result
    dkim = [r for r in result["records"] if r["name"] == "dkim._domainkey." + DOMAIN]
    assert dkim and dkim[0]["value"] == "v=DKIM1;k=rsa;t=s;s=email;p=" + key_of(emulated)["pubkey"]
    with DnsResponder(result["lines"]) as server:  # the domain's name server publishes what the module listed
        checked = run_module("mailcow_dns_records", dict(emulated.conn(RO_KEY), domain=DOMAIN, mail_host="mail.dk.example", check=True,
                                                         nameservers=[server.nameserver]))
    assert checked["rc"] == 0 and checked["check"]["ok"] is True and len(checked["check"]["records"]) == len(result["records"]) == 7
    no_host = run_module("mailcow_dns_records", dict(emulated.conn(RO_KEY), domain=DOMAIN))
    assert no_host["rc"] == 1 and "mail_host (not set, so taken from api_url's host '127.0.0.1')" in no_host["msg"]
    assert RW_KEY not in json.dumps(result)
