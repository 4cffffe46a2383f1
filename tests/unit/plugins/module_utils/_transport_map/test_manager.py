# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_transport_map's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-routing.jsonl.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._transport_map.manager import manage_many, manage_one
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-routing.jsonl")["body"]


ALL = "/api/v1/get/transport/all"
ONE = recorded("get_transport_one")  # id 1: example.org -> [mx.example.org]:25, tuser / t-pass-1, active
PARAMS = {"state": "present", "update_password": "on_create", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
BODY = {"destination": "example.org", "nexthop": "[mx.example.org]:25", "is_mx_based": 0, "active": 1, "username": "tuser", "password": "t-pass-1"}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def test_create_says_active_learns_the_id_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_transport_all_empty"))
    mailcow.expect("POST", "/api/v1/add/transport", BODY, reply=recorded("add_transport_success"))
    mailcow.expect("GET", ALL, reply=[ONE])
    result = run(mailcow, destination="Example.org", nexthop="[mx.example.org]:25", username="tuser", password="t-pass-1")
    assert result["action"] == "created" and result["transport_map"]["id"] == 1 and result["diff"]["after"]["password"] == "(set)"
    assert "t-pass-1" not in json.dumps(result)
    mailcow.expect("GET", ALL, reply=recorded("get_transport_all"))
    again = run(mailcow, destination="example.org", nexthop="[mx.example.org]:25", username="tuser", password="t-pass-1", update_password="always")
    assert not again["changed"] and "t-pass-1" not in json.dumps(again)


def test_update_and_delete_go_by_the_listed_id(mailcow) -> None:
    listed = recorded("get_transport_all_final")  # 5 a.example, 6 b.example, 7 c.example (inactive)
    mailcow.expect("GET", ALL, reply=listed)
    mailcow.expect("POST", "/api/v1/edit/transport", {"items": ["7"], "attr": {"active": 1}}, reply=recorded("edit_transport_active_0"))
    assert run(mailcow, destination="c.example", active=True)["action"] == "updated"
    mailcow.expect("GET", ALL, reply=listed)
    mailcow.expect("POST", "/api/v1/delete/transport", ["6"], reply=recorded("delete_transport_bare_string"))
    assert run(mailcow, destination="b.example", state="absent")["action"] == "deleted"


def test_a_partial_success_answer_is_a_failure(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    body = dict(BODY, destination="bad.example")
    mailcow.expect("POST", "/api/v1/add/transport", body, reply=recorded("add_transport_invalid_destination"))
    with pytest.raises(MailcowValidationError, match=r"transport destination dest! is invalid \(1 other part\(s\) of the request succeeded\)"):
        run(mailcow, destination="bad.example", nexthop="[mx.example.org]:25", username="tuser", password="t-pass-1")


@pytest.mark.parametrize("case, message", [
    ("add_transport_duplicate", "a transport map for example.org already exists"),
    ("add_transport_nexthop_same_host_other_user", "another transport map uses this next hop with another user name"),
    ("add_transport_destination_missing", "Cannot add item"),
])
def test_mailcows_refusals_are_errors_in_words(mailcow, case: str, message: str) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/transport", BODY, reply=recorded(case))
    with pytest.raises(MailcowError, match=message):
        run(mailcow, destination="example.org", nexthop="[mx.example.org]:25", username="tuser", password="t-pass-1")


def test_bulk_login_conflict_is_refused_before_any_write(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=[ONE])
    with pytest.raises(MailcowOptionError, match=r"next hop \[mx.example.org\]:25 would be used by example.net with user name 'other'; "
                                                 r"example.org with user name 'tuser'"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, transport_maps=[
            {"destination": "example.net", "nexthop": "[mx.example.org]:25", "username": "other", "password": "x"}]), check_mode=True, diff=False)


@pytest.mark.parametrize("entry, message", [
    ({"destination": "a.example;b.example", "nexthop": "x.example"}, r"transport_maps\[0\] \(a.example;b.example\): destination .* must not contain"),
    ({"destination": "([", "is_mx_based": True, "nexthop": "x.example"}, r"transport_maps\[0\] \(\(\[\): destination .* not a valid regular expression"),
    ({"destination": "a.example", "nexthop": "[x.example]:0"}, r"transport_maps\[0\] \(a.example\): nexthop .* is not a valid relayhost"),
])
def test_bulk_entry_errors_name_the_entry_before_any_request(mailcow, entry: dict, message: str) -> None:
    with pytest.raises(MailcowOptionError, match=message):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, transport_maps=[entry]), check_mode=False, diff=False)
