# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_recipient_map's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-rewriting.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._recipient_map.manager import manage_many, manage_one
from ...scripted_mailcow import transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-rewriting.jsonl")["body"]


ALL = "/api/v1/get/recipient_map/all"
# 2 @olddomain.example -> @rb.example, 3 bob@ -> alice@rb.example, 4 old4@rb.example -> someone@elsewhere.example (inactive),
# 1 old@rb.example -> alice@rb.example
LISTED = recorded("get_recipient_map_all")
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}
BODY = {"recipient_map_old": "old@rb.example", "recipient_map_new": "alice@rb.example", "active": 1}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def test_create_says_active_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=recorded("get_recipient_map_all_empty"))
    mailcow.expect("POST", "/api/v1/add/recipient_map", BODY, reply=recorded("add_recipient_map_success"))
    mailcow.expect("GET", ALL, reply=LISTED)
    result = run(mailcow, old_recipient="Old@RB.example", new_recipient="alice@rb.example")
    assert result["action"] == "created" and result["recipient_map"]["id"] == 1
    assert result["diff"] == {"before": {}, "after": {"old_recipient": "old@rb.example", "new_recipient": "alice@rb.example", "active": True}}
    mailcow.expect("GET", ALL, reply=LISTED)
    assert not run(mailcow, old_recipient="old@rb.example", new_recipient="Alice@rb.example", active=True)["changed"]


def test_a_domain_is_sent_bare_and_read_back_from_its_at_form(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/recipient_map", {"recipient_map_old": "olddomain.example", "recipient_map_new": "rb.example", "active": 1},
                   reply=recorded("add_recipient_map_domain"))
    mailcow.expect("GET", ALL, reply=LISTED)
    assert run(mailcow, old_recipient="@olddomain.example", new_recipient="RB.example")["recipient_map"]["id"] == 2
    mailcow.expect("GET", ALL, reply=LISTED)
    assert not run(mailcow, old_recipient="olddomain.example", new_recipient="@rb.example")["changed"]


def test_edit_sends_the_new_side_by_the_listed_id(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/recipient_map", {"items": ["2"], "attr": {"recipient_map_new": "bob@rb.example"}},
                   reply=recorded("edit_recipient_map_new"))
    result = run(mailcow, old_recipient="olddomain.example", new_recipient="bob@rb.example")
    assert result["diff"]["before"]["new_recipient"] == "rb.example" and result["diff"]["after"]["new_recipient"] == "bob@rb.example"
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/recipient_map", {"items": ["1"], "attr": {"active": 0, "recipient_map_new": "alice@rb.example"}},
                   reply=recorded("edit_recipient_map_active_0"))
    assert run(mailcow, old_recipient="old@rb.example", active=False)["action"] == "updated"


def test_check_mode_reads_only_and_delete_by_old_recipient(mailcow) -> None:
    mailcow.expect("GET", ALL, reply=LISTED)
    checked = run(mailcow, check_mode=True, old_recipient="old4@rb.example", active=True)
    assert checked["changed"] and checked["recipient_map"]["id"] == 4 and checked["diff"]["before"]["active"] is False
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/recipient_map", ["2"], reply=recorded("delete_recipient_map_success"))
    assert run(mailcow, old_recipient="olddomain.example", state="absent")["action"] == "deleted"
    mailcow.expect("GET", ALL, reply={})
    assert not run(mailcow, old_recipient="olddomain.example", state="absent")["changed"]


def test_an_old_recipient_held_twice_is_refused_and_absent_deletes_both(mailcow) -> None:
    twice = [dict(row, recipient_map_old="@olddomain.example") if row["id"] == 3 else row for row in LISTED]  # as edit_recipient_map_old_taken allows
    mailcow.expect("GET", ALL, reply=twice)
    with pytest.raises(MailcowOptionError, match="recipient map olddomain.example is on this Mailcow 2 times \\(ids 2, 3\\)"):
        run(mailcow, old_recipient="olddomain.example", new_recipient="rb.example")
    mailcow.expect("GET", ALL, reply=twice)
    mailcow.expect("POST", "/api/v1/delete/recipient_map", ["2", "3"], reply=recorded("delete_recipient_map_list"))
    assert run(mailcow, old_recipient="olddomain.example", state="absent")["action"] == "deleted"


def test_the_duplicate_answer_is_an_error_in_words(mailcow) -> None:
    mailcow.expect("GET", ALL, reply={})
    mailcow.expect("POST", "/api/v1/add/recipient_map", BODY, reply=recorded("add_recipient_map_duplicate"))
    with pytest.raises(MailcowValidationError, match="a recipient map of old@rb.example already exists"):
        run(mailcow, old_recipient="old@rb.example", new_recipient="alice@rb.example")


def test_bulk_purge_within_its_guards(mailcow) -> None:
    wanted = [{"old_recipient": "olddomain.example", "new_recipient": "rb.example"}, {"old_recipient": "bob@rb.example", "new_recipient": "alice@rb.example"},
              {"old_recipient": "old@rb.example", "new_recipient": "alice@rb.example"}]
    mailcow.expect("GET", ALL, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/recipient_map", ["4"], reply=recorded("delete_recipient_map_bare_string"))
    result = manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, recipient_maps=wanted), check_mode=False, diff=True)
    assert result["recipient_maps"] == [{"old_recipient": "old4@rb.example", "action": "deleted", "changed": True}]
    mailcow.expect("GET", ALL, reply=LISTED)
    with pytest.raises(MailcowOptionError, match="purge_max_share"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, recipient_maps=wanted[:1]), check_mode=True, diff=True)


@pytest.mark.parametrize("params, message", [
    ({"old_recipient": "bad old!", "new_recipient": "a@rb.example"}, "old_recipient 'bad old!' is not a valid domain name"),
    ({"old_recipient": "", "new_recipient": "a@rb.example"}, "old_recipient is required"),
    ({"old_recipient": "a@rb.example", "new_recipient": "not an address"}, "new_recipient 'not an address' is not a valid domain name"),
    ({"old_recipient": "a@rb.example", "new_recipient": "A@rb.example"}, "is the old recipient itself"),
    ({"old_recipient": "a@rb.example"}, "new_recipient is required to create the recipient map of a@rb.example"),
])
def test_bad_input_is_refused_before_any_write(mailcow, params: dict, message: str) -> None:
    if "new_recipient" not in params:  # only the plan of a create can tell the new side is missing
        mailcow.expect("GET", ALL, reply={})
    with pytest.raises(MailcowOptionError, match=message):
        run(mailcow, **params)


def test_bulk_domain_leaves_the_maps_of_other_domains(mailcow) -> None:
    wanted = [{"old_recipient": "bob@rb.example", "new_recipient": "alice@rb.example"},
              {"old_recipient": "old@rb.example", "new_recipient": "alice@rb.example"}]
    mailcow.expect("GET", ALL, reply=LISTED)
    result = manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, purge=True, recipient_maps=wanted, domain="rb.example"), check_mode=True, diff=True)
    # olddomain.example's map is not named either, but it is not of rb.example.
    assert result["recipient_maps"] == [{"old_recipient": "old4@rb.example", "action": "deleted", "changed": True}]
    with pytest.raises(MailcowOptionError, match=r"recipient_maps whose old_recipient is not of domain rb\.example .*: olddomain\.example"):
        manage_many(MailcowClient(mailcow.url, "K"), dict(PARAMS, recipient_maps=[{"old_recipient": "olddomain.example", "new_recipient": "rb.example"}],
                                                          domain="rb.example"), check_mode=True, diff=True)
