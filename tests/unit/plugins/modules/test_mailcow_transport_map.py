# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_transport_map and mailcow_transport_map_info in-process against the emulator over HTTPS.

Every write is read back from the emulator's listing; every result is searched for the password,
which Mailcow's API returns in clear.
"""

from __future__ import annotations

import json
import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

NEXTHOP = "[gw.partner.example]:587"
SECRET = 'Gw-Pw-9 "q\\b/+é'
LISTING = "/api/v1/get/transport/all"


def leaked(result: t.Any, secret: str = SECRET) -> bool:
    text = json.dumps(result) + json.dumps(result, ensure_ascii=False)
    return any(form in text for form in (secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]))


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", LISTING).json()
    return data if isinstance(data, list) else []


def partner(emulated: Mailcow, **extra: t.Any) -> dict[str, t.Any]:
    return dict(dict(emulated.conn(), destination="partner.example", nexthop=NEXTHOP, username="mailcow", password=SECRET), **extra)


def test_check_mode_then_create_then_unchanged_then_update_with_diff(run_module: RunModule, emulated: Mailcow) -> None:
    checked = run_module("mailcow_transport_map", partner(emulated), check_mode=True, diff=True)
    assert checked["changed"] and checked["action"] == "created" and listing(emulated) == []
    created = run_module("mailcow_transport_map", partner(emulated), diff=True)
    assert created["changed"] and created["diff"] == checked["diff"]
    assert created["diff"]["after"] == {"destination": "partner.example", "nexthop": NEXTHOP, "username": "mailcow", "active": True,
                                        "is_mx_based": False, "password": "(set)"}
    rows = listing(emulated)
    assert len(rows) == 1 and rows[0]["active"] == 1 and rows[0]["password"] == SECRET and created["transport_map"]["id"] == rows[0]["id"]
    assert not leaked(created) and not leaked(checked)
    again = run_module("mailcow_transport_map", partner(emulated, destination="Partner.Example", update_password="always"), diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["action"] == "unchanged"
    changed = run_module("mailcow_transport_map", partner(emulated, nexthop="192.0.2.25", active=False, password="Gw-Pw-10", update_password="always"),
                         diff=True)
    assert changed["action"] == "updated" and changed["diff"]["after"] == {
        "destination": "partner.example", "nexthop": "[192.0.2.25]", "username": "mailcow", "active": False, "is_mx_based": False, "password": "(set)"}
    row = listing(emulated)[0]
    assert (row["nexthop"], row["active"], row["password"]) == ("[192.0.2.25]", 0, "Gw-Pw-10") and not leaked(changed, "Gw-Pw-10")
    assert not run_module("mailcow_transport_map", partner(emulated, nexthop="192.0.2.25", active=False, password="Gw-Pw-10", update_password="always"))[
        "changed"]
    gone = run_module("mailcow_transport_map", dict(emulated.conn(), destination="partner.example", state="absent"), diff=True)
    assert gone["changed"] and listing(emulated) == []


def test_mx_based_regular_expression_and_wildcard(run_module: RunModule, emulated: Mailcow) -> None:
    regex = r".*\.mx\.example"
    created = run_module("mailcow_transport_map", dict(emulated.conn(), destination=regex, is_mx_based=True, nexthop="[mx3.example.org]:25"))
    assert created["changed"] and created["transport_map"]["is_mx_based"] is True
    assert run_module("mailcow_transport_map", dict(emulated.conn(), destination="*", nexthop="192.0.2.26"))["changed"]
    assert [(r["destination"], r["is_mx_based"], r["nexthop"]) for r in listing(emulated)] == [(regex, 1, "[mx3.example.org]:25"),
                                                                                               ("*", 0, "[192.0.2.26]")]
    flip = run_module("mailcow_transport_map", dict(emulated.conn(), destination=regex, is_mx_based=False))
    assert flip["failed"] and "not valid" in flip["msg"]
    assert run_module("mailcow_transport_map", dict(emulated.conn(), destination="c.example", nexthop="[mx6.example.org]:25"))["changed"]
    flip = run_module("mailcow_transport_map", dict(emulated.conn(), destination="c.example", is_mx_based=True))
    assert flip["failed"] and "cannot be changed in place" in flip["msg"]


def test_bad_input_is_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    cases = [
        (dict(destination="a.example, b.example", nexthop=NEXTHOP), "must not contain spaces, commas or semicolons"),
        (dict(destination="bad_dest!", nexthop=NEXTHOP), "is not valid: give a domain, .domain (its subdomains), * (everything) or an address"),
        (dict(destination="([", is_mx_based=True, nexthop=NEXTHOP), "is not a valid regular expression"),
        (dict(destination="partner.example"), "nexthop is required to create the transport map of partner.example"),
        (dict(destination="partner.example", nexthop="not a host!"), "nexthop 'not a host!' is not a valid relayhost"),
        (dict(destination="partner.example", nexthop=NEXTHOP, username="u"), "password is required"),
        (dict(destination=""), "destination is required"),
    ]
    for args, message in cases:
        result = run_module("mailcow_transport_map", dict(emulated.conn(), **args))
        assert result["failed"] and message in result["msg"], result["msg"]
    assert listing(emulated) == []


def test_one_login_per_next_hop_is_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_transport_map", partner(emulated))["changed"]
    other = run_module("mailcow_transport_map", partner(emulated, destination="other.example", username="other"))
    assert other["failed"] and "next hop [gw.partner.example]:587 would be used by partner.example with user name 'mailcow'; other.example " \
        "with user name 'other': Mailcow keeps one login per next hop" in other["msg"]
    assert len(listing(emulated)) == 1
    both = [dict(destination="partner.example", nexthop=NEXTHOP, username="other", password=SECRET, update_password="always"),
            dict(destination="other.example", nexthop=NEXTHOP, username="other", password=SECRET)]
    result = run_module("mailcow_transport_map", dict(emulated.conn(), transport_maps=both))
    assert result["summary"] == {"created": 1, "updated": 1, "deleted": 0, "unchanged": 0}
    assert sorted((r["destination"], r["username"]) for r in listing(emulated)) == [("other.example", "other"), ("partner.example", "other")]


def test_bulk_create_unchanged_then_purge_with_guards(run_module: RunModule, emulated: Mailcow) -> None:
    entries = [{"destination": "a.example", "nexthop": "[mx5.example.org]:25"}, {"destination": "b.example", "nexthop": "[mx5.example.org]:25"},
               {"destination": ".internal.example", "nexthop": "10.0.0.25", "active": False}]
    created = run_module("mailcow_transport_map", dict(emulated.conn(), transport_maps=entries), diff=True)
    assert created["summary"]["created"] == 3 and [d["after"]["destination"] for d in created["diff"]] == ["a.example", "b.example", ".internal.example"]
    assert sorted((r["destination"], r["active"]) for r in listing(emulated)) == [(".internal.example", 0), ("a.example", 1), ("b.example", 1)]
    assert not run_module("mailcow_transport_map", dict(emulated.conn(), transport_maps=entries))["changed"]
    refused = run_module("mailcow_transport_map", dict(emulated.conn(), transport_maps=entries[:1], purge=True))
    assert refused["failed"] and "would delete 2 of the 3 transport_maps of this Mailcow" in refused["msg"] and len(listing(emulated)) == 3
    purged = run_module("mailcow_transport_map", dict(emulated.conn(), transport_maps=entries[:2], purge=True))
    assert purged["transport_maps"] == [{"destination": ".internal.example", "action": "deleted", "changed": True}]
    assert sorted(r["destination"] for r in listing(emulated)) == ["a.example", "b.example"]


def test_info_lists_without_passwords(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_transport_map", partner(emulated))["changed"]
    info = run_module("mailcow_transport_map_info", dict(emulated.conn(RO_KEY)))
    assert info["transport_maps"] == [{"id": 1, "destination": "partner.example", "nexthop": NEXTHOP, "username": "mailcow", "active": True,
                                       "is_mx_based": False, "password_set": True}]
    assert not leaked(info)
    assert run_module("mailcow_transport_map_info", dict(emulated.conn(), destination="other.example"))["transport_maps"] == []
    ro = run_module("mailcow_transport_map", dict(partner(emulated, destination="ro.example"), api_key=RO_KEY))
    assert ro["failed"] and "read-only" in ro["msg"]
