# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_tls_policy_map's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-routing.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._tls_policy_map.manager import manage_many, manage_one
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-routing.jsonl")["body"]


ALL = "/api/v1/get/tls-policy-map/all"
LISTED = recorded("get_tls_policy_map_all")  # 2 "bad dest!", 1 example.net (encrypt), 3 user@example.org (none, inactive)
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
BODY = {"dest": "example.net", "policy": "encrypt", "parameters": "", "active": 1}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def test_create_says_active_and_parameters_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_tls_policy_map_all_empty"))
    mailcow.expect("POST", "/api/v1/add/tls-policy-map", BODY, reply=recorded("add_tls_policy_map_success"))
    mailcow.expect("GET", ALL, reply=LISTED)
    result = run(mailcow, destination="Example.NET", policy="encrypt")
    assert result["action"] == "created" and result["tls_policy_map"]["id"] == 1
    assert result["diff"]["after"] == {"destination": "example.net", "policy": "encrypt", "parameters": "", "active": True}
    mailcow.expect("GET", ALL, reply=LISTED)
    assert not run(mailcow, destination="example.net", policy="encrypt", parameters="", active=True)["changed"]


def test_edit_sends_what_differs_by_the_listed_id(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/tls-policy-map", {"items": ["1"], "attr": {"policy": "dane", "parameters": "protocols=>=TLSv1.2"}},
                   reply=recorded("edit_tls_policy_map_parameters"))
    result = run(mailcow, destination="example.net", policy="dane", parameters="  protocols=>=TLSv1.2 ")
    assert result["diff"]["before"]["policy"] == "encrypt" and result["diff"]["after"]["parameters"] == "protocols=>=TLSv1.2"


def test_an_empty_answer_is_decided_by_one_listing(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/tls-policy-map", BODY, reply=recorded("add_tls_policy_map_policy_missing"))
    mailcow.expect("GET", ALL, reply={})  # PHP died before saving: nothing there
    with pytest.raises(MailcowError, match="re-reading shows no such object"):
        run(mailcow, destination="example.net", policy="encrypt")


def test_duplicate_answer_and_missing_id_are_errors_in_words(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/tls-policy-map", BODY, reply=recorded("add_tls_policy_map_duplicate"))
    with pytest.raises(MailcowValidationError, match="a TLS policy map for example.net already exists"):
        run(mailcow, destination="example.net", policy="encrypt")
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/tls-policy-map", {"items": ["1"], "attr": {"active": 0}}, reply=recorded("edit_tls_policy_map_missing"))
    with pytest.raises(MailcowValidationError, match="access denied"):
        run(mailcow, destination="example.net", active=False)


def test_bulk_purge_deletes_a_map_mailcow_saved_with_a_bad_destination(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/tls-policy-map", ["2"], reply=recorded("delete_tls_policy_map_bare_string"))
    result = manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, tls_policy_maps=[
        {"destination": "example.net", "policy": "encrypt"}, {"destination": "user@example.org", "policy": "none", "active": False}]),
        check_mode=False, diff=True)
    assert result["tls_policy_maps"] == [{"destination": "bad dest!", "action": "deleted", "changed": True}]


@pytest.mark.parametrize("params, message", [
    ({"destination": ".example.com", "policy": "secure"}, "Mailcow refuses the .domain form"),
    ({"destination": "bad dest!", "policy": "secure"}, "is not a valid domain name"),
    ({"destination": "example.com"}, "policy is required to create the TLS policy map of example.com"),
    ({"destination": "example.com", "policy": "strict"}, "policy must be one of none, may, encrypt"),
    ({"destination": "example.com", "policy": "may", "parameters": "a=b\x00"}, "parameters must not contain control characters"),
])
def test_bad_input_is_refused_before_any_write(mailcow, params: dict, message: str) -> None:
    if params.get("policy") is None:  # only the plan of a create can tell a policy is missing
        mailcow.expect("GET", ALL, reply={})
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, **params)
