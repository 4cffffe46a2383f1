# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_dns_records' live check against a real DNS server on a loopback port (tests/unit/plugins/dns_responder.py).

The zone each test serves starts from the module's own zone-file lines, so "all present" means "published as
listed", and each case changes one record.
"""

from __future__ import annotations

import typing as t

import dns.rcode
import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.api import live_check, parse_nameservers
from ansible_collections.glassdome.mailcow.plugins.module_utils._dns_records.model import record_line, records, wanted_from_params
from ...dns_responder import DnsResponder
from ...scripted_mailcow import transcript

KEY_2048 = transcript("get_dkim_after_domain_add")["body"]  # selector dkim
KEY_4096 = transcript("get_dkim_after_add_4096_ro_key")["body"]  # selector mail2026, 736 characters of key
HOST_ADDRESSES = ["mail.example.org. 3600 IN A 192.0.2.10", "mail.example.org. 3600 IN AAAA 2001:db8::10"]
OPTIONS = {"domain": "example.org", "mail_host": "mail.example.org", "ttl": 3600, "spf_policy": "fail", "spf_extra": [],
           "dmarc_policy": "quarantine", "https_port": 443, "all_srv_records": False}


def wanted(key: dict[str, t.Any] = KEY_2048, **options: t.Any) -> list[dict[str, t.Any]]:
    found = wanted_from_params(dict(OPTIONS, **options), "")
    return records(found, {"selector": key["dkim_selector"], "public_key": key["pubkey"]})


def zone(entries: list[dict[str, t.Any]], *, drop: t.Sequence[str] = (), extra: t.Sequence[str] = ()) -> list[str]:
    """The records as listed, less those of the ``drop`` "<type> <name>", plus ``extra`` lines and the mail host's addresses."""
    lines = [record_line(e) for e in entries if "%s %s" % (e["type"], e["name"]) not in drop]
    return lines + HOST_ADDRESSES + list(extra)


def check(entries: list[dict[str, t.Any]], server: DnsResponder, timeout: float = 5) -> dict[str, t.Any]:
    return live_check(entries, parse_nameservers([server.nameserver]), timeout)


def by_name(result: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
    return {"%s %s" % (r["type"], r["name"]): r for r in result["records"]}


def test_all_published_as_listed_is_ok() -> None:
    entries = wanted(ports={"imap": 1143})
    with DnsResponder(zone(entries)) as server:
        result = check(entries, server)
    assert result["ok"] is True and result["available"] is True, result
    assert [r["status"] for r in result["records"]] == ["ok"] * len(entries) == ["ok"] * 8
    assert (result["missing"], result["different"], result["unresolved"]) == ([], [], [])
    dkim = by_name(result)["TXT dkim._domainkey.example.org"]
    assert dkim["found"] == [KEY_2048["dkim_txt"]] == [dkim["expected"]]


def test_4096_bit_key_truncated_over_udp_is_read_over_tcp_in_255_byte_strings() -> None:
    entries = wanted(KEY_4096)
    dkim_name = "mail2026._domainkey.example.org."
    with DnsResponder(zone(entries)) as server:
        result = check(entries, server)
    assert result["ok"] is True, result
    assert ("udp", dkim_name, "TXT") in server.queries and ("tcp", dkim_name, "TXT") in server.queries
    assert [q for q in server.queries if q[0] == "tcp"] == [("tcp", dkim_name, "TXT")]
    assert by_name(result)["TXT " + dkim_name.rstrip(".")]["found"] == [KEY_4096["dkim_txt"]]


def test_txt_split_and_spaced_otherwise_still_matches() -> None:
    """A DKIM value in 100-byte strings with spaces after the semicolons; SPF and DMARC in other case and spacing."""
    entries = wanted(KEY_4096)
    value = "v=DKIM1; k=rsa; t=s; s=email; p=" + KEY_4096["pubkey"]
    split = " ".join('"%s"' % value[i:i + 100] for i in range(0, len(value), 100))
    lines = ["mail2026._domainkey.example.org. 3600 IN TXT " + split, 'example.org. 3600 IN TXT "V=spf1  MX a -ALL"',
             'example.org. 3600 IN TXT "google-site-verification=abc"', '_dmarc.example.org. 3600 IN TXT "v=DMARC1;p=quarantine;"']
    drop = ["TXT mail2026._domainkey.example.org", "TXT example.org", "TXT _dmarc.example.org"]
    with DnsResponder(zone(entries, drop=drop, extra=lines)) as server:
        result = check(entries, server)
    assert result["ok"] is True, result
    assert by_name(result)["TXT example.org"]["found"] == ["V=spf1  MX a -ALL"]


def test_missing_as_nxdomain_and_as_nodata() -> None:
    entries = wanted()
    drop = ["TXT _dmarc.example.org", "TXT example.org", "SRV _autodiscover._tcp.example.org"]
    extra = ['example.org. 3600 IN TXT "google-site-verification=abc"']  # the name has TXT, but no SPF record
    with DnsResponder(zone(entries, drop=drop, extra=extra)) as server:
        result = check(entries, server)
    assert result["ok"] is False and sorted(result["missing"]) == sorted(drop), result
    assert result["different"] == result["unresolved"] == []
    dmarc = by_name(result)["TXT _dmarc.example.org"]
    assert (dmarc["status"], dmarc["found"], dmarc["expected"]) == ("missing", [], "v=DMARC1; p=quarantine")


def test_different_shows_both_values() -> None:
    entries = wanted()
    other_key = "v=DKIM1;k=rsa;t=s;s=email;p=" + KEY_4096["pubkey"]
    drop = ["MX example.org", "TXT example.org", "TXT dkim._domainkey.example.org", "CNAME autoconfig.example.org"]
    extra = ["example.org. 3600 IN MX 20 mail.example.org.", 'example.org. 3600 IN TXT "v=spf1 mx -all"',
             "dkim._domainkey.example.org. 3600 IN TXT %s" % " ".join('"%s"' % other_key[i:i + 255] for i in range(0, len(other_key), 255)),
             "autoconfig.example.org. 3600 IN CNAME webmail.example.net."]
    with DnsResponder(zone(entries, drop=drop, extra=extra)) as server:
        result = check(entries, server)
    assert sorted(result["different"]) == sorted(drop) and result["missing"] == [], result
    found = {name: (r["expected"], r["found"]) for name, r in by_name(result).items() if r["status"] == "different"}
    assert found == {
        "MX example.org": ("10 mail.example.org", ["20 mail.example.org"]),
        "TXT example.org": ("v=spf1 mx a -all", ["v=spf1 mx -all"]),
        "TXT dkim._domainkey.example.org": (KEY_2048["dkim_txt"], [other_key]),
        "CNAME autoconfig.example.org": ("mail.example.org", ["webmail.example.net"]),
    }


def test_a_and_aaaa_instead_of_the_cnames() -> None:
    """As Mailcow's check page: a name with the mail host's addresses counts as its CNAME; other addresses differ."""
    entries = wanted()
    drop = ["CNAME autodiscover.example.org", "CNAME autoconfig.example.org"]
    extra = ["autodiscover.example.org. 3600 IN A 192.0.2.10", "autodiscover.example.org. 3600 IN AAAA 2001:db8:0::10",
             "autoconfig.example.org. 3600 IN A 192.0.2.99"]
    with DnsResponder(zone(entries, drop=drop, extra=extra)) as server:
        result = check(entries, server)
    autodiscover, autoconfig = by_name(result)["CNAME autodiscover.example.org"], by_name(result)["CNAME autoconfig.example.org"]
    assert autodiscover["status"] == "ok" and autodiscover["found"] == ["A 192.0.2.10", "AAAA 2001:db8::10"], autodiscover
    assert autoconfig["status"] == "different" and autoconfig["found"] == ["A 192.0.2.99"]
    assert autoconfig["mail_host_addresses"] == ["A 192.0.2.10", "AAAA 2001:db8::10"] and result["different"] == drop[1:]


def test_cname_name_without_any_record_is_missing() -> None:
    entries = wanted()
    with DnsResponder(zone(entries, drop=["CNAME autoconfig.example.org"])) as server:
        result = check(entries, server)
    assert result["missing"] == ["CNAME autoconfig.example.org"] and result["different"] == [], result


def test_pop3_not_offered_counts_as_published() -> None:
    """Mailcow's check page accepts "0 0 0 ." for _pop3._tcp and _pop3s._tcp (RFC 6186: service not offered), not for others."""
    entries = wanted(all_srv_records=True)
    drop = ["SRV _pop3._tcp.example.org", "SRV _imap._tcp.example.org"]
    extra = ["_pop3._tcp.example.org. 3600 IN SRV 0 0 0 .", "_imap._tcp.example.org. 3600 IN SRV 0 0 0 ."]
    with DnsResponder(zone(entries, drop=drop, extra=extra)) as server:
        result = check(entries, server)
    assert result["different"] == ["SRV _imap._tcp.example.org"] and by_name(result)["SRV _pop3._tcp.example.org"]["status"] == "ok"
    assert by_name(result)["SRV _imap._tcp.example.org"]["found"] == ["0 0 0 ."]


def test_server_that_never_answers_is_unresolved_within_the_time_limit() -> None:
    entries = wanted()
    with DnsResponder(silent=True) as server:
        result = check(entries, server, timeout=1)
    assert result["ok"] is False and len(result["unresolved"]) == len(entries) and result["missing"] == [], result
    first = result["records"][0]
    assert first["status"] == "unresolved" and "LifetimeTimeout" in first["error"] and server.nameserver.replace(":", "@") in first["error"]
    assert "the check's time limit (timeout=1 seconds) had run out" in result["records"][-1]["error"]
    assert 1 <= len(server.queries) <= 4  # only what fits into the one time limit was asked


@pytest.mark.parametrize("rcode", [dns.rcode.SERVFAIL, dns.rcode.REFUSED])
def test_server_failure_is_unresolved_with_its_reason(rcode: int) -> None:
    entries = wanted()
    with DnsResponder(rcode=rcode) as server:
        result = check(entries, server)
    assert len(result["unresolved"]) == len(entries), result
    assert all(dns.rcode.to_text(rcode) in r["error"] for r in result["records"])


def test_unusable_system_resolver_configuration_is_unresolved(tmp_path: t.Any) -> None:
    entries = wanted()
    resolv_conf = tmp_path / "resolv.conf"
    resolv_conf.write_text("# no nameserver line\n")
    result = live_check(entries, [], 1, resolv_conf=str(resolv_conf))
    assert len(result["unresolved"]) == len(entries) and result["ok"] is False
    assert "the system's resolver configuration (%s) is not usable, set nameservers" % resolv_conf in result["records"][0]["error"]
