# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_bcc_map's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-rewriting.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._bcc_map.manager import manage_many, manage_one
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowError, MailcowOptionError, MailcowValidationError
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-rewriting.jsonl")["body"]


ALL = "/api/v1/get/bcc/all"
# 1 alice@rb.example sender, 2 alice@rb.example rcpt, 3 @rb.example rcpt (all to archive@rb2.example), 4 bob@rb.example sender (inactive)
LISTED = recorded("get_bcc_all")
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
BODY = {"local_dest": "alice@rb.example", "bcc_dest": "archive@rb2.example", "type": "sender", "active": 1}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def test_create_says_active_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_bcc_all_empty"))
    mailcow.expect("POST", "/api/v1/add/bcc", BODY, reply=recorded("add_bcc_sender_mailbox"))
    mailcow.expect("GET", ALL, reply=LISTED)
    result = run(mailcow, local_dest="Alice@RB.example", kind="sender", bcc_dest="archive@rb2.example")
    assert result["action"] == "created" and result["bcc_map"]["id"] == 1 and result["bcc_map"]["name"] == "alice@rb.example (sender)"
    assert result["diff"] == {"before": {}, "after": {"local_dest": "alice@rb.example", "kind": "sender", "bcc_dest": "archive@rb2.example",
                                                      "active": True}}
    mailcow.expect("GET", ALL, reply=LISTED)
    assert not run(mailcow, local_dest="alice@rb.example", kind="sender", bcc_dest="archive@rb2.example", active=True)["changed"]


def test_a_domain_is_sent_bare_and_read_back_from_its_at_form(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/bcc", {"local_dest": "rb.example", "bcc_dest": "archive@rb2.example", "type": "rcpt", "active": 1},
                   reply=recorded("add_bcc_domain_local_dest"))
    mailcow.expect("GET", ALL, reply=LISTED)
    assert run(mailcow, local_dest="@rb.example", kind="recipient", bcc_dest="archive@rb2.example")["bcc_map"]["id"] == 3
    mailcow.expect("GET", ALL, reply=LISTED)
    assert not run(mailcow, local_dest="RB.example", kind="recipient", bcc_dest="archive@rb2.example")["changed"]


def test_edit_sends_what_differs_by_the_listed_id_of_that_kind(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/bcc", {"items": ["1"], "attr": {"bcc_dest": "archive3@rb2.example"}}, reply=recorded("edit_bcc_bcc_dest"))
    result = run(mailcow, local_dest="alice@rb.example", kind="sender", bcc_dest="archive3@rb2.example")
    assert result["diff"]["before"]["bcc_dest"] == "archive@rb2.example" and result["diff"]["after"]["bcc_dest"] == "archive3@rb2.example"
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/bcc", {"items": ["2"], "attr": {"active": 0}}, reply=recorded("edit_bcc_active_0"))
    assert run(mailcow, local_dest="alice@rb.example", kind="recipient", active=False)["action"] == "updated"


def test_check_mode_reads_only(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    result = run(mailcow, check_mode=True, local_dest="bob@rb.example", kind="sender", active=True)
    assert result["changed"] and result["diff"]["after"]["active"] is True and result["bcc_map"]["id"] == 4


def test_delete_by_name_and_absent_is_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/bcc", ["1"], reply=recorded("delete_bcc_success"))
    assert run(mailcow, local_dest="alice@rb.example", kind="sender", state="absent")["action"] == "deleted"
    mailcow.expect("GET", ALL, reply={})
    assert not run(mailcow, local_dest="alice@rb.example", kind="sender", state="absent")["changed"]


def test_an_empty_answer_is_decided_by_one_listing(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/bcc", {"items": ["1"], "attr": {"bcc_dest": "archive9@rb2.example"}}, reply=recorded("edit_bcc_invalid_type"))
    mailcow.expect("GET", ALL, reply=LISTED)  # PHP died before saving: the old copy address is still there
    mailcow.expect("POST", "/api/v1/edit/bcc", {"items": ["1"], "attr": {"bcc_dest": "archive9@rb2.example"}}, reply=recorded("edit_bcc_bcc_dest"))
    assert run(mailcow, local_dest="alice@rb.example", kind="sender", bcc_dest="archive9@rb2.example")["outcome"] == "retried"


def test_refusals_are_errors_in_words(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/bcc", BODY, reply=recorded("add_bcc_duplicate"))
    with pytest.raises(MailcowValidationError, match="a BCC map of alice@rb.example for the sender kind already exists"):
        run(mailcow, local_dest="alice@rb.example", kind="sender", bcc_dest="archive@rb2.example")
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/bcc", dict(BODY, local_dest="nobody@rb.example"), reply=recorded("add_bcc_missing_mailbox"))
    with pytest.raises(MailcowValidationError, match="access denied, or the object does not exist"):
        run(mailcow, local_dest="nobody@rb.example", kind="sender", bcc_dest="archive@rb2.example")
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/bcc", dict(BODY, local_dest="x.example"), reply=recorded("add_bcc_invalid_local_dest"))
    with pytest.raises(MailcowError, match="Cannot add item"):
        run(mailcow, local_dest="x.example", kind="sender", bcc_dest="archive@rb2.example")


def test_bulk_purge_within_its_guards_one_result_per_map(mailcow) -> None:
    wanted = [{"local_dest": "alice@rb.example", "kind": "sender", "bcc_dest": "archive@rb2.example"},
              {"local_dest": "alice@rb.example", "kind": "recipient", "bcc_dest": "archive@rb2.example"},
              {"local_dest": "rb.example", "kind": "recipient", "bcc_dest": "archive@rb2.example"}]
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/bcc", ["4"], reply=recorded("delete_bcc_bare_string"))
    result = manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, bcc_maps=wanted), check_mode=False, diff=True)
    assert result["bcc_maps"] == [{"name": "bob@rb.example (sender)", "action": "deleted", "changed": True}]
    assert result["diff"] == [{"before_header": "bob@rb.example (sender)", "after_header": "bob@rb.example (sender)",
                               "before": {"local_dest": "bob@rb.example", "kind": "sender", "bcc_dest": "archive2@rb2.example", "active": False},
                               "after": {}}]
    mailcow.expect("GET", ALL, reply=LISTED)
    with pytest.raises(MailcowOptionError, match="purge_max_share"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, bcc_maps=wanted[:1]), check_mode=True, diff=True)


@pytest.mark.parametrize("params, message", [
    ({"local_dest": "bad local!", "kind": "sender", "bcc_dest": "a@b.example"}, "local_dest 'bad local!' is not a valid domain name"),
    ({"local_dest": "", "kind": "sender", "bcc_dest": "a@b.example"}, "local_dest is required"),
    ({"local_dest": "a@rb.example", "kind": "rcpt", "bcc_dest": "a@b.example"}, "kind is required: sender .* or recipient"),
    ({"local_dest": "a@rb.example", "kind": "sender", "bcc_dest": "not-an-address"}, "bcc_dest: 'not-an-address' is not a valid address"),
    ({"local_dest": "a@rb.example", "kind": "sender"}, "bcc_dest is required to create the BCC map a@rb.example \\(sender\\)"),
])
def test_bad_input_is_refused_before_any_write(mailcow, params: dict, message: str) -> None:
    if "bcc_dest" not in params:  # only the plan of a create can tell the copy address is missing
        mailcow.expect("GET", ALL, reply={})
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, **params)


def test_bulk_names_the_entry_and_refuses_one_listed_twice(mailcow) -> None:
    entry = {"local_dest": "alice@rb.example", "kind": "sender", "bcc_dest": "archive@rb2.example"}
    with pytest.raises(MailcowOptionError, match=r"bcc_maps\[1\] \(bob@rb.example\): bcc_dest"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, bcc_maps=[entry, dict(entry, local_dest="bob@rb.example", bcc_dest="x")]),
                    check_mode=True, diff=True)
    with pytest.raises(MailcowOptionError, match=r"alice@rb.example \(sender\) is listed twice"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, bcc_maps=[entry, dict(entry, local_dest="ALICE@rb.example")]),
                    check_mode=True, diff=True)


def test_bulk_domain_narrows_the_list_the_purge_and_its_share_to_that_domain(mailcow) -> None:
    other = dict(LISTED[0], id=9, local_dest="carol@other.example", domain="other.example")
    wanted = [{"local_dest": "alice@rb.example", "kind": "sender", "bcc_dest": "archive@rb2.example"},
              {"local_dest": "alice@rb.example", "kind": "recipient", "bcc_dest": "archive@rb2.example"},
              {"local_dest": "rb.example", "kind": "recipient", "bcc_dest": "archive@rb2.example"}]
    mailcow.expect("GET", ALL, reply=LISTED + [other])
    result = manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, bcc_maps=wanted, domain="RB.example"), check_mode=True, diff=True)
    assert result["bcc_maps"] == [{"name": "bob@rb.example (sender)", "action": "deleted", "changed": True}]  # not carol@other.example
    # An empty list would delete the domain's 4 maps, not the server's 5: 4 of 4 is over the share.
    mailcow.expect("GET", ALL, reply=LISTED + [other])
    with pytest.raises(MailcowOptionError, match=r"would delete 4 of the 4 bcc_maps of rb\.example"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, purge_allow_empty=True, bcc_maps=[], domain="rb.example"),
                    check_mode=True, diff=True)
    # An entry of another domain: refused before any request.
    with pytest.raises(MailcowOptionError, match=r"bcc_maps whose local_dest is not of domain rb\.example .*: carol@other\.example \(sender\)"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, bcc_maps=[dict(wanted[0], local_dest="carol@other.example")], domain="rb.example"),
                    check_mode=True, diff=True)
