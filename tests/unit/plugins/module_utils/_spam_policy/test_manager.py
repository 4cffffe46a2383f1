# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_spam_policy's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-spam-policy.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError
from ansible_collections.glassdome.mailcow.plugins.module_utils._spam_policy.manager import manage
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-spam-policy.jsonl")["body"]


WL = "/api/v1/get/policy_wl_domain/rb.example"
BL = "/api/v1/get/policy_bl_domain/rb.example"
# allow: *@trusted.example (1), partner.example (3); deny: spammer@bad.example (2)
PARAMS = {"domain": "rb.example", "mailbox": None, "sender": None, "list": None, "state": "present", "allow": None, "deny": None,
          "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}


def run(server, check_mode=False, **params):
    return manage(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def listed(server) -> None:
    server.expect("GET", WL, reply=recorded("get_policy_wl_domain"))
    server.expect("GET", BL, reply=recorded("get_policy_bl_domain"))


def test_add_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", WL, reply=recorded("get_policy_wl_domain_empty"))
    mailcow.expect("GET", BL, reply=recorded("get_policy_wl_domain_empty"))
    mailcow.expect("GET", "/api/v1/get/domain/rb.example", reply={"domain_name": "rb.example"})
    mailcow.expect("POST", "/api/v1/add/domain-policy", {"domain": "rb.example", "object_from": "*@trusted.example", "object_list": "wl"},
                   reply=recorded("add_domain_policy_wl_success"))
    result = run(mailcow, sender="*@Trusted.example.", list="allow")
    assert result["action"] == "created" and result["spam_policy"] == {"domain": "rb.example", "allow": ["*@trusted.example"], "deny": []}
    listed(mailcow)
    assert not run(mailcow, sender="*@trusted.example", list="allow")["changed"]


def test_a_move_is_a_delete_by_prefid_then_an_add(mailcow) -> None:
    listed(mailcow)
    mailcow.expect("POST", "/api/v1/delete/domain-policy", ["2"], reply=recorded("delete_domain_policy_success"))
    mailcow.expect("POST", "/api/v1/add/domain-policy", {"domain": "rb.example", "object_from": "spammer@bad.example", "object_list": "wl"},
                   reply=recorded("add_domain_policy_wl_success"))
    result = run(mailcow, sender="spammer@bad.example", list="allow")
    assert result["action"] == "updated" and result["diff"]["after"]["deny"] == []


def test_check_mode_reads_only_and_purge_deletes_in_one_request(mailcow) -> None:
    listed(mailcow)
    result = run(mailcow, check_mode=True, allow=["*@trusted.example"], purge=True, purge_max_share=100)
    assert result["summary"] == {"created": 0, "updated": 0, "deleted": 2, "unchanged": 1}
    listed(mailcow)
    mailcow.expect("POST", "/api/v1/delete/domain-policy", ["3", "2"], reply=recorded("delete_domain_policy_list"))
    again = run(mailcow, allow=["*@trusted.example"], purge=True, purge_max_share=100)
    assert again["diff"] == result["diff"] and again["spam_policy"] == {"domain": "rb.example", "allow": ["*@trusted.example"], "deny": []}


def test_listed_meanwhile_by_another_run_is_settled_by_one_more_read(mailcow) -> None:
    mailcow.expect("GET", WL, reply={})
    mailcow.expect("GET", BL, reply=recorded("get_policy_bl_domain"))
    mailcow.expect("POST", "/api/v1/add/domain-policy", {"domain": "rb.example", "object_from": "*@trusted.example", "object_list": "wl"},
                   reply=recorded("add_domain_policy_wl_duplicate"))
    listed(mailcow)
    result = run(mailcow, sender="*@trusted.example", list="allow")
    assert result["changed"] and result["outcome"] == "created_concurrently"


def test_on_the_other_list_meanwhile_fails_naming_the_sender(mailcow) -> None:
    mailcow.expect("GET", WL, reply={})
    mailcow.expect("GET", BL, reply={})
    mailcow.expect("GET", "/api/v1/get/domain/rb.example", reply={"domain_name": "rb.example"})
    mailcow.expect("POST", "/api/v1/add/domain-policy", {"domain": "rb.example", "object_from": "spammer@bad.example", "object_list": "wl"},
                   reply=recorded("add_domain_policy_same_from_other_list"))
    listed(mailcow)  # now on the deny list: moved once more
    mailcow.expect("POST", "/api/v1/delete/domain-policy", ["2"], reply=recorded("delete_domain_policy_success"))
    mailcow.expect("POST", "/api/v1/add/domain-policy", {"domain": "rb.example", "object_from": "spammer@bad.example", "object_list": "wl"},
                   reply=recorded("add_domain_policy_wl_success"))
    assert run(mailcow, sender="spammer@bad.example", list="allow")["outcome"] == "retried"


@pytest.mark.parametrize("params, where", [
    ({"allow": ["not valid!"]}, "allow[0]"),
    ({"deny": ["ok.example", ""]}, "deny[1]"),
    ({"sender": "bücher@ünï.example\n", "list": "deny"}, "sender"),
    ({"domain": "bad domain", "sender": "x.example", "list": "deny"}, "domain"),
    ({"domain": None, "mailbox": "no-at-sign", "sender": "x.example", "list": "deny"}, "mailbox"),
    ({"allow": ["x.example"], "concurrency": 0}, "concurrency"),
])
def test_bad_input_is_refused_before_any_request(mailcow, params, where) -> None:
    with pytest.raises(MailcowOptionError) as refused:
        run(mailcow, **params)
    assert where in str(refused.value)


def test_a_refused_delete_names_the_sender(mailcow) -> None:
    listed(mailcow)
    mailcow.expect("POST", "/api/v1/delete/domain-policy", ["2"], reply=recorded("delete_domain_policy_missing"))
    listed(mailcow)  # still there: not deleted
    with pytest.raises(MailcowError) as failed:
        run(mailcow, sender="spammer@bad.example", state="absent")
    assert "spammer@bad.example not deleted" in str(failed.value)
