# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_relayhost's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-routing.jsonl.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import (
    MailcowBatchError,
    MailcowError,
    MailcowForbiddenError,
    MailcowOptionError,
    MailcowValidationError,
)
from ansible_collections.glassdome.mailcow.plugins.module_utils._relayhost.manager import manage_many, manage_one
from ...scripted_mailcow import DROP, transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-routing.jsonl")["body"]


ALL = "/api/v1/get/relayhost/all"
ADDED = recorded("add_relayhost_success")
MODIFIED = recorded("edit_relayhost_username")
REMOVED = recorded("delete_relayhost_in_use")
ONE = recorded("get_relayhost_one")  # id 1, [smtp.relay.example]:587, relayuser / relay-pass-1, active
HOST = "[smtp.relay.example]:587"
PASSWORD = "relay-pass-1"
PARAMS = {"state": "present", "update_password": "on_create", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def run_many(server, relayhosts, check_mode=False, **params):
    return manage_many(MailcowClient(server.url, "K", retries=0), dict(PARAMS, relayhosts=relayhosts, **params), check_mode=check_mode, diff=True)


def test_create_learns_the_id_from_one_listing_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_relayhost_all_empty"))
    mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": HOST, "username": "relayuser", "password": PASSWORD}, reply=ADDED)
    mailcow.expect("GET", ALL, reply=[ONE])
    result = run(mailcow, hostname=HOST, username="relayuser", password=PASSWORD)
    assert result["changed"] and result["action"] == "created" and result["relayhost"]["id"] == 1
    assert result["diff"] == {"before": {}, "after": {"hostname": HOST, "username": "relayuser", "active": True, "password": "(set)"}}
    assert PASSWORD not in json.dumps(result)
    mailcow.expect("GET", ALL, reply=[ONE])
    again = run(mailcow, hostname=HOST.upper(), username="relayuser", password=PASSWORD, update_password="always", active=True)
    assert not again["changed"]
    assert again["relayhost"] == {"id": 1, "hostname": HOST, "username": "relayuser", "active": True, "password_set": True, "used_by_domains": [],
                                  "used_by_mailboxes": []}
    assert PASSWORD not in json.dumps(again)


def test_check_mode_reads_only(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    result = run(mailcow, check_mode=True, hostname="relay3.example", active=False)
    assert result["changed"] and result["relayhost"]["id"] is None and result["diff"]["after"]["active"] is False


def test_inactive_create_is_an_add_then_an_edit_because_add_ignores_active(mailcow) -> None:
    listed = recorded("get_relayhost_all_final")  # ids 5 (relay3.example) and 6
    mailcow.expect("GET", ALL, reply=[listed[1]])
    mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": "relay3.example"}, reply=recorded("add_relayhost_active_0"))
    mailcow.expect("GET", ALL, reply=listed)
    mailcow.expect("POST", "/api/v1/edit/relayhost", {"items": ["5"], "attr": {"active": 0}}, reply=recorded("edit_relayhost_active_0"))
    result = run(mailcow, hostname="relay3.example", active=False)
    assert result["relayhost"]["id"] == 5 and result["relayhost"]["active"] is False


def test_update_sends_only_what_differs_and_the_password_only_when_always_and_different(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=[ONE])
    mailcow.expect("POST", "/api/v1/edit/relayhost", {"items": ["1"], "attr": {"username": "relayuser2", "password": "relay-pass-2"}},
                   reply=recorded("edit_relayhost_password"))
    result = run(mailcow, hostname=HOST, username="relayuser2", password="relay-pass-2", update_password="always")
    assert result["action"] == "updated"
    assert result["diff"]["after"] == {"hostname": HOST, "username": "relayuser2", "active": True, "password": "(set)"}
    assert "relay-pass" not in json.dumps(result)
    mailcow.expect("GET", ALL, reply=[ONE])
    assert not run(mailcow, hostname=HOST, password="relay-pass-2")["changed"]  # on_create: never compared


def test_absent_deletes_every_row_of_the_host_name_in_one_request(mailcow) -> None:
    duplicates = recorded("get_relayhost_all")[:2]  # ids 1 and 2, both [smtp.relay.example]:587
    mailcow.expect("GET", ALL, reply=duplicates)
    mailcow.expect("POST", "/api/v1/delete/relayhost", ["1", "2"], reply=recorded("delete_relayhost_list"))
    result = run(mailcow, hostname=HOST, state="absent")
    assert result["action"] == "deleted" and result["diff"]["after"] == {}
    mailcow.expect("GET", ALL, reply={})
    assert not run(mailcow, hostname=HOST, state="absent")["changed"]


def test_duplicates_are_refused_before_any_write(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_relayhost_all"))
    with pytest.raises(MailcowOptionError, match=r"relayhost \[smtp.relay.example\]:587 is on this Mailcow 2 times \(ids 1, 2\)"):
        run(mailcow, hostname=HOST, username="x", password="y")


def test_read_only_key_refusal_names_the_fix(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    ro = transcript("add_relayhost_ro_key", "transcripts-routing.jsonl")
    mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": "relay4.example"}, reply=ro["body"], status=ro["status"])
    with pytest.raises(MailcowForbiddenError, match="read-only"):
        run(mailcow, hostname="relay4.example")


def test_refused_edit_is_an_error_with_mailcows_reason(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=[ONE])
    mailcow.expect("POST", "/api/v1/edit/relayhost", {"items": ["1"], "attr": {"active": 0}}, reply=recorded("edit_relayhost_missing"))
    with pytest.raises(MailcowValidationError, match="relayhost \\(or transport\\) id 999 does not exist"):
        run(mailcow, hostname=HOST, active=False)


def test_an_add_without_relayhost_added_is_not_taken_for_done(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": "relay4.example"}, reply={"type": "success", "msg": "Task completed"})
    with pytest.raises(MailcowError, match="did not add relayhost relay4.example: it answered Task completed"):
        run(mailcow, hostname="relay4.example")


def test_a_lost_add_answer_is_decided_by_one_listing(mailcow) -> None:
    listed = recorded("get_relayhost_all_final")
    mailcow.expect("GET", ALL, reply=[listed[0]])
    mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": "relay5.example"}, reply=DROP)
    mailcow.expect("GET", ALL, reply=listed)  # the add was carried out: not sent again
    mailcow.expect("GET", ALL, reply=listed)
    result = run(mailcow, hostname="relay5.example")
    assert result["outcome"] == "confirmed" and result["relayhost"]["id"] == 6


def test_bulk_batches_deletes_and_edits_adds_each_and_purges_within_the_guards(mailcow) -> None:
    listed = recorded("get_relayhost_all")  # 1, 2 duplicates; 3 relay2.example:25; 4 "not a host!"; 5 relay3.example
    mailcow.expect("GET", ALL, reply=listed[2:])
    mailcow.expect("POST", "/api/v1/delete/relayhost", ["4"], reply=recorded("delete_relayhost_bare_string"))
    mailcow.expect("POST", "/api/v1/edit/relayhost", {"items": ["3", "5"], "attr": {"active": 0}}, reply=recorded("edit_relayhost_active_0"))
    mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": "relay5.example"}, reply=recorded("add_relayhost_for_bare_string"))
    mailcow.expect("GET", ALL, reply=recorded("get_relayhost_all_final"))
    entries = [{"hostname": "relay2.example:25", "active": False}, {"hostname": "relay3.example", "active": False}, {"hostname": "relay5.example"}]
    result = run_many(mailcow, entries, purge=True)
    assert result["summary"] == {"created": 1, "updated": 2, "deleted": 1, "unchanged": 0}
    assert result["relayhosts"][-1] == {"hostname": "not a host!", "action": "deleted", "changed": True}
    assert result["msg"] == "created 1 (relay5.example), updated 2 (relay2.example:25, relay3.example), deleted 1 (not a host!)"
    assert [d["before_header"] for d in result["diff"]] == ["relay2.example:25", "relay3.example", "relay5.example", "not a host!"]


def test_bulk_purge_guards_refuse_before_any_write(mailcow) -> None:
    listed = recorded("get_relayhost_all")[2:]
    mailcow.expect("GET", ALL, reply=listed)
    with pytest.raises(MailcowOptionError, match=r"would delete 2 of the 3 relayhosts of this Mailcow: not a host!, relay3.example, which is "
                                                 r"more than purge_max_share=50%"):
        run_many(mailcow, [{"hostname": "relay2.example:25"}], purge=True)
    mailcow.expect("GET", ALL, reply=listed)
    with pytest.raises(MailcowOptionError, match="empty relayhosts list .* would empty the server's relayhosts: set purge_allow_empty=true"):
        run_many(mailcow, [], purge=True)


def test_bulk_entry_errors_name_the_entry_before_any_request(mailcow) -> None:
    with pytest.raises(MailcowOptionError, match=r"relayhosts\[1\] \(relay\.example:0\): hostname 'relay\.example:0' is not a valid relayhost"):
        run_many(mailcow, [{"hostname": "ok.example"}, {"hostname": "relay.example:0"}])
    with pytest.raises(MailcowOptionError, match=r"relayhosts\[1\] \(\?\): hostname is required"):
        run_many(mailcow, [{"hostname": "ok.example"}, {"username": "u"}])
    with pytest.raises(MailcowOptionError, match="concurrency must be a whole number of parallel adds from 1 to 32"):
        run_many(mailcow, [], concurrency=0)


def test_bulk_failures_are_summarised_with_every_entry(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    for host in ("a.example", "b.example"):
        mailcow.expect("POST", "/api/v1/add/relayhost", {"hostname": host}, reply=recorded("add_relayhost_hostname_missing"))
    with pytest.raises(MailcowBatchError, match="2 failed .* a.example, b.example; 0 done") as failed:
        run_many(mailcow, [{"hostname": "a.example"}, {"hostname": "b.example"}], concurrency=1)
    assert [entry["item"] for entry in failed.value.details["failed_entries"]] == ["a.example", "b.example"]
