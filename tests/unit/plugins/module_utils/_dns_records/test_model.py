# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_dns_records: the records as data, the reads it makes, the live check's comparison and its missing library."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.api import compare, parse_nameservers
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.model import txt_rdata, txt_strings
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.manager import dns_records
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowNotFoundError
from ...scripted_mailcow import transcript

DOMAIN = transcript("get_domain_single")["body"]  # example.org
KEY = transcript("get_dkim_after_domain_add")["body"]  # selector dkim, 2048 bits
GET_DOMAIN, GET_KEY = "/api/v1/get/domain/example.org", "/api/v1/get/dkim/example.org"


def run(server, **params):
    params = dict({"domain": "example.org", "api_url": "https://mail.example.org", "ttl": 3600, "spf_policy": "fail", "spf_extra": [],
                   "dmarc_policy": "quarantine", "https_port": 443, "all_srv_records": False, "check": False}, **params)
    return dns_records(MailcowClient(server.url, "K"), params)


def test_records_as_mailcows_check_page_lists_them(mailcow) -> None:
    mailcow.expect("GET", GET_DOMAIN, reply=DOMAIN).expect("GET", GET_KEY, reply=KEY)
    result = run(mailcow, dmarc_rua="mailto:dmarc@example.org", ports={"submission": 2587})
    assert not result["changed"] and not result["alias_domain"] and result["warnings"] == []
    assert [(r["type"], r["name"]) for r in result["records"]] == [
        ("MX", "example.org"), ("CNAME", "autodiscover.example.org"), ("SRV", "_autodiscover._tcp.example.org"),
        ("CNAME", "autoconfig.example.org"), ("TXT", "example.org"), ("TXT", "_dmarc.example.org"),
        ("TXT", "dkim._domainkey.example.org"), ("SRV", "_submission._tcp.example.org")]
    mx, srv, spf, dmarc, dkim, submission = (result["records"][i] for i in (0, 2, 4, 5, 6, 7))
    assert (mx["value"], mx["priority"], mx["rdata"], mx["prefix"], mx["ttl"]) == ("mail.example.org", 10, "10 mail.example.org.", "", 3600)
    assert (srv["port"], srv["weight"], srv["rdata"]) == (443, 1, "0 1 443 mail.example.org.")
    assert spf["value"] == "v=spf1 mx a -all" and spf["rdata"] == '"v=spf1 mx a -all"'
    assert dmarc["value"] == "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org" and dmarc["prefix"] == "_dmarc"
    assert dkim["value"] == KEY["dkim_txt"] and len(dkim["strings"]) == 2 and dkim["prefix"] == "dkim._domainkey"
    assert submission["rdata"] == "0 1 2587 mail.example.org."
    assert result["lines"][0] == "example.org. 3600 IN MX 10 mail.example.org."


def test_alias_domain_without_key(mailcow) -> None:
    """get/domain/<alias domain> answers with its target's object: MX, SPF and DMARC only, and a warning for the missing key."""
    mailcow.expect("GET", "/api/v1/get/domain/alias.example", reply=DOMAIN).expect("GET", "/api/v1/get/dkim/alias.example", reply={})
    result = run(mailcow, domain="alias.example", mail_host="MX.Example.org.", spf_policy="softfail", spf_extra=["include:_spf.example.net"],
                 dmarc_policy="omit", all_srv_records=True)
    assert result["alias_domain"] and [r["type"] for r in result["records"]] == ["MX", "TXT"]
    assert result["records"][0]["value"] == "mx.example.org" and result["records"][1]["value"] == "v=spf1 mx a include:_spf.example.net ~all"
    assert "no DKIM key" in result["warnings"][0]


def test_all_srv_records(mailcow) -> None:
    mailcow.expect("GET", GET_DOMAIN, reply=DOMAIN).expect("GET", GET_KEY, reply={})
    result = run(mailcow, all_srv_records=True, spf_policy="omit", dmarc_policy="omit")
    assert [r["name"].split(".")[0] for r in result["records"] if r["type"] == "SRV"] == [
        "_autodiscover", "_imap", "_imaps", "_pop3", "_pop3s", "_submission", "_smtps", "_sieve"]


def test_missing_domain(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/domain/unknown.example", reply={})
    with pytest.raises(MailcowNotFoundError, match="domain unknown.example does not exist"):
        run(mailcow, domain="unknown.example")


# main() of the module in a python where "import dns" fails (None in sys.modules blocks the import), as on a host without dnspython.
WITHOUT_DNSPYTHON = """
import json, sys
sys.modules["dns"] = None
from ansible.module_utils.testing import patch_module_args
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records import api as _dns_lookup
from ansible_collections.glassdome.mailcow.plugins.modules import mailcow_dns_records
assert not _dns_lookup.HAS_DNSPYTHON and "No module named 'dns" in _dns_lookup.DNSPYTHON_IMPORT_ERROR
with patch_module_args(json.loads(sys.argv[1])):
    mailcow_dns_records.main()
"""


def test_live_check_without_dnspython_says_so(mailcow) -> None:
    mailcow.expect("GET", GET_DOMAIN, reply=DOMAIN).expect("GET", GET_KEY, reply=KEY)
    args = {"domain": "example.org", "api_url": mailcow.url, "api_key": "K", "mail_host": "mail.example.org", "check": True,
            "nameservers": ["127.0.0.1:9"]}
    proc = subprocess.run([sys.executable, "-c", WITHOUT_DNSPYTHON, json.dumps(args)], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=False)
    assert proc.returncode == 0, proc.stderr + proc.stdout
    result = json.loads(proc.stdout)
    assert result["check"]["available"] is False and result["check"]["ok"] is None and result["check"]["records"] == []
    assert "needs the Python library dnspython" in result["check"]["message"] and result["check"]["message"] in json.dumps(result["warnings"])
    assert len(result["records"]) == 7 and not result["changed"]


def test_compare_reports_missing_and_different() -> None:
    records = [
        {"type": "MX", "name": "example.org", "value": "mail.example.org", "priority": 10},
        {"type": "TXT", "name": "example.org", "value": "v=spf1 mx a -all"},
        {"type": "TXT", "name": "_dmarc.example.org", "value": "v=DMARC1; p=quarantine"},
        {"type": "TXT", "name": "dkim._domainkey.example.org", "value": "v=DKIM1;k=rsa;t=s;s=email;p=ABC"},
        {"type": "SRV", "name": "_autodiscover._tcp.example.org", "value": "mail.example.org", "priority": 0, "weight": 1, "port": 443},
    ]
    found = {
        ("example.org", "MX"): ["20 mail.example.org"],
        ("example.org", "TXT"): ["google-site-verification=x", "v=spf1 mx a -all"],
        ("dkim._domainkey.example.org", "TXT"): ["v=DKIM1; k=rsa; p=ABC"],
        ("_autodiscover._tcp.example.org", "SRV"): [],
    }
    result = compare(records, found, {("_autodiscover._tcp.example.org", "SRV"): "Timeout: timed out"})
    assert [r["status"] for r in result["records"]] == ["different", "ok", "missing", "ok", "unresolved"]
    assert result["different"] == ["MX example.org"] and result["missing"] == ["TXT _dmarc.example.org"]
    assert result["unresolved"] == ["SRV _autodiscover._tcp.example.org"] and result["ok"] is False
    assert result["records"][0]["found"] == ["20 mail.example.org"] and result["records"][0]["expected"] == "10 mail.example.org"


def test_txt_split_in_255_byte_strings() -> None:
    value = "v=DKIM1;p=" + "A" * 600
    assert [len(s) for s in txt_strings(value)] == [255, 255, 100]
    assert txt_rdata('say "hi"') == '"say \\"hi\\""'


@pytest.mark.parametrize("options,words", [
    ({"api_url": "https://127.0.0.1:8443"}, "mail_host (not set, so taken from api_url's host '127.0.0.1') must be the mail server's DNS host name"),
    ({"mail_host": "not a host"}, "mail_host must be the mail server's DNS host name"),
    ({"ttl": 10}, "ttl must be a whole number of seconds from 60 to 604800, got 10"),
    ({"mx_priority": -1}, "mx_priority must be the MX preference, a whole number from 0 to 65535 (lower is tried first), got -1"),
    ({"spf_extra": ["-all"]}, "spf_extra: '-all' is not an SPF mechanism"),
    ({"spf_extra": ["bogus"]}, "spf_extra: 'bogus' is not an SPF mechanism"),
    ({"dmarc_rua": "nobody"}, "dmarc_rua must be the address that receives DMARC aggregate reports"),
    ({"ports": {"imap": 70000}}, "ports.imap must be a TCP port from 1 to 65535, got 70000"),
    ({"https_port": 0}, "https_port must be a TCP port"),
    ({"nameservers": ["ns1.example.org"]}, "nameservers: 'ns1.example.org' is not an IP address"),
    ({"domain": "exa mple.org"}, "domain"),
])
def test_bad_input_reads_nothing(mailcow, options, words) -> None:
    with pytest.raises(MailcowError, match=words.replace("(", r"\(").replace(")", r"\)")):
        run(mailcow, **options)
    assert not mailcow.seen


def test_mx_priority_as_published(mailcow) -> None:
    mailcow.expect("GET", GET_DOMAIN, reply=DOMAIN).expect("GET", GET_KEY, reply=KEY)
    mx = run(mailcow, mx_priority=5)["records"][0]
    assert (mx["type"], mx["priority"], mx["rdata"]) == ("MX", 5, "5 mail.example.org.")


def test_nameservers_with_ports() -> None:
    assert parse_nameservers(["192.0.2.53", "192.0.2.54:5353", "[2001:db8::53]:5353", "2001:db8::1"]) == [
        ("192.0.2.53", 53), ("192.0.2.54", 5353), ("2001:db8::53", 5353), ("2001:db8::1", 53)]
