# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_relayhost and mailcow_relayhost_info in-process against the emulator over HTTPS.

Every write is read back from the emulator's listing; every result is searched for the password,
which Mailcow's API returns in clear.
"""

from __future__ import annotations

import json
import typing as t

from ..mailcow_inprocess import RO_KEY, Mailcow, RunModule

HOST = "[smtp.relay.example]:587"
# Characters that repr, JSON and URL encoding each change.
SECRET = 'Relay-Pw-9 "q\\b/+é'
LISTING = "/api/v1/get/relayhost/all"


def leaked(result: t.Any, secret: str = SECRET) -> bool:
    text = json.dumps(result) + json.dumps(result, ensure_ascii=False)
    return any(form in text for form in (secret, repr(secret)[1:-1], json.dumps(secret)[1:-1]))


def listing(emulated: Mailcow) -> list[dict[str, t.Any]]:
    data = emulated.emulator.request("GET", LISTING).json()
    return data if isinstance(data, list) else []


def relay(emulated: Mailcow, **extra: t.Any) -> dict[str, t.Any]:
    return dict(dict(emulated.conn(), hostname=HOST, username="relayuser", password=SECRET), **extra)


def test_check_mode_then_create_then_unchanged_then_update_with_diff(run_module: RunModule, emulated: Mailcow) -> None:
    checked = run_module("mailcow_relayhost", relay(emulated), check_mode=True, diff=True)
    assert checked["changed"] and checked["action"] == "created" and listing(emulated) == []
    created = run_module("mailcow_relayhost", relay(emulated), diff=True)
    assert created["changed"] and created["diff"] == checked["diff"]
    assert created["diff"]["after"] == {"hostname": HOST, "username": "relayuser", "active": True, "password": "(set)"}
    rows = listing(emulated)
    assert len(rows) == 1 and rows[0]["password"] == SECRET and created["relayhost"]["id"] == rows[0]["id"]
    assert created["relayhost"]["password_set"] and not leaked(created) and not leaked(checked)
    again = run_module("mailcow_relayhost", relay(emulated, update_password="always"), diff=True)
    assert again["rc"] == 0 and not again["changed"] and again["action"] == "unchanged"
    changed = run_module("mailcow_relayhost", relay(emulated, hostname=HOST.upper(), username="other", active=False), diff=True)
    assert changed["changed"] and changed["action"] == "updated"
    assert changed["diff"] == {"before": {"hostname": HOST, "username": "relayuser", "active": True},
                               "after": {"hostname": HOST, "username": "other", "active": False}}
    assert listing(emulated)[0]["username"] == "other" and listing(emulated)[0]["active"] == 0 and len(listing(emulated)) == 1


def test_password_changes_only_with_update_password_always_and_never_shows(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_relayhost", relay(emulated))["changed"]
    new = "Relay-Pw-10 'other'"
    kept = run_module("mailcow_relayhost", relay(emulated, password=new), diff=True)
    assert not kept["changed"] and listing(emulated)[0]["password"] == SECRET
    rotated = run_module("mailcow_relayhost", relay(emulated, password=new, update_password="always"), diff=True)
    assert rotated["changed"] and rotated["diff"]["after"]["password"] == "(set)" and "password" not in rotated["diff"]["before"]
    assert listing(emulated)[0]["password"] == new and not leaked(rotated, new) and not leaked(rotated)
    assert not run_module("mailcow_relayhost", relay(emulated, password=new, update_password="always"))["changed"]


def test_inactive_relayhost_is_added_then_switched_off(run_module: RunModule, emulated: Mailcow) -> None:
    created = run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay3.example", active=False))
    assert created["changed"] and created["relayhost"]["active"] is False
    rows = listing(emulated)
    assert [(r["hostname"], r["active"]) for r in rows] == [("relay3.example", 0)]
    assert not run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay3.example", active=False))["changed"]


def test_absent_deletes_every_duplicate_and_duplicates_are_refused_before_any_write(run_module: RunModule, emulated: Mailcow) -> None:
    # Mailcow adds the same host name twice without complaint.
    emulated.emulator.request("POST", "/api/v1/add/relayhost", {"hostname": "relay.example"})
    emulated.emulator.request("POST", "/api/v1/add/relayhost", {"hostname": "relay.example"})
    refused = run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay.example", username="u", password=SECRET))
    assert refused["failed"] and "2 times (ids 1, 2)" in refused["msg"] and "state=absent" in refused["msg"]
    assert [r["username"] for r in listing(emulated)] == ["", ""]
    gone = run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay.example", state="absent"), diff=True)
    assert gone["changed"] and gone["action"] == "deleted" and listing(emulated) == []
    assert not run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay.example", state="absent"))["changed"]


def test_bad_input_is_refused_before_any_request(run_module: RunModule, emulated: Mailcow) -> None:
    cases = {
        "not a host!": "hostname 'not a host!' is not a valid relayhost",
        "relay.example:99999": "the port from 1 to 65535",
        "2001:db8::1": "IPv6 only in brackets",
        "": "hostname is required",
    }
    for hostname, message in cases.items():
        result = run_module("mailcow_relayhost", dict(emulated.conn(), hostname=hostname))
        assert result["failed"] and message in result["msg"], result["msg"]
    no_password = run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay.example", username="u"))
    assert no_password["failed"] and "password is required to create relayhost relay.example" in no_password["msg"]
    padded = run_module("mailcow_relayhost", dict(emulated.conn(), hostname="relay.example", username="u", password=" x "))
    assert padded["failed"] and "white space" in padded["msg"] and " x " not in padded["msg"]
    assert listing(emulated) == []
    entry = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=[{"hostname": "ok.example"}, {"hostname": "bad host"}]))
    assert entry["failed"] and entry["msg"].startswith("relayhosts[1] (bad host): hostname") and listing(emulated) == []
    twice = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=[{"hostname": "a.example"}, {"hostname": "A.example"}]))
    assert twice["failed"] and "listed twice" in twice["msg"] and listing(emulated) == []


def test_read_only_key_is_refused_with_the_fix(run_module: RunModule, emulated: Mailcow) -> None:
    result = run_module("mailcow_relayhost", dict(relay(emulated), api_key=RO_KEY))
    assert result["failed"] and "read-only" in result["msg"] and listing(emulated) == [] and not leaked(result)


def test_bulk_create_unchanged_then_purge_with_guards(run_module: RunModule, emulated: Mailcow) -> None:
    entries = [{"hostname": HOST, "username": "relayuser", "password": SECRET}, {"hostname": "[192.0.2.25]"}, {"hostname": "relay2.example:25"}]
    checked = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=entries), check_mode=True, diff=True)
    assert checked["changed"] and checked["summary"]["created"] == 3 and listing(emulated) == []
    created = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=entries), diff=True)
    assert created["summary"] == {"created": 3, "updated": 0, "deleted": 0, "unchanged": 0}
    assert [item["hostname"] for item in created["relayhosts"]] == [HOST, "[192.0.2.25]", "relay2.example:25"]
    assert created["diff"][0]["after"]["password"] == "(set)" and not leaked(created)
    assert sorted(r["hostname"] for r in listing(emulated)) == sorted(e["hostname"] for e in entries)
    again = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=entries))
    assert not again["changed"] and again["msg"] == "no change (3 unchanged)"
    empty = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=[], purge=True))
    assert empty["failed"] and "purge_allow_empty" in empty["msg"] and len(listing(emulated)) == 3
    too_many = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=entries[:1], purge=True))
    assert too_many["failed"] and "purge_max_share=50%" in too_many["msg"] and "would delete 2 of the 3 relayhosts of this Mailcow" in too_many["msg"]
    purged = run_module("mailcow_relayhost", dict(emulated.conn(), relayhosts=entries[:2], purge=True), diff=True)
    assert purged["changed"] and purged["relayhosts"] == [{"hostname": "relay2.example:25", "action": "deleted", "changed": True}]
    assert sorted(r["hostname"] for r in listing(emulated)) == sorted([HOST, "[192.0.2.25]"])


def test_info_lists_without_passwords_and_shows_the_domains_using_each(run_module: RunModule, emulated: Mailcow) -> None:
    assert run_module("mailcow_relayhost", relay(emulated))["changed"]
    assert run_module("mailcow_domain", dict(emulated.conn(), domain="rb.example"))["rc"] == 0
    emulated.emulator.request("POST", "/api/v1/edit/domain", {"items": ["rb.example"], "attr": {"relayhost": "1"}})
    info = run_module("mailcow_relayhost_info", dict(emulated.conn(RO_KEY)))
    assert info["relayhosts"] == [{"id": 1, "hostname": HOST, "username": "relayuser", "active": True, "password_set": True,
                                   "used_by_domains": ["rb.example"], "used_by_mailboxes": []}]
    assert not leaked(info)
    assert run_module("mailcow_relayhost_info", dict(emulated.conn(), hostname="other.example"))["relayhosts"] == []
    assert run_module("mailcow_relayhost_info", dict(emulated.conn(), hostname=HOST.upper()))["relayhosts"][0]["id"] == 1
    bad = run_module("mailcow_relayhost_info", dict(emulated.conn(), hostname="bad host"))
    assert bad["failed"] and "is not a valid relayhost" in bad["msg"]
