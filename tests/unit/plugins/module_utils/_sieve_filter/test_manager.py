# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_sieve_filter's decisions as exact HTTP conversations: what is read, what is written.

Replies are the recorded ones of tests/fixtures/mailcow-api/transcripts-filters.jsonl.
"""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowForbiddenError, MailcowOptionError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._sieve_filter.manager import info, manage_many, manage_one
from ...scripted_mailcow import DROP, transcript


def recorded(case: str) -> object:
    return transcript(case, "transcripts-filters.jsonl")["body"]


ALICE = "alice@rb.example"
MINE = "/api/v1/get/filters/" + ALICE
ALL = "/api/v1/get/filters/all"
SCRIPT = 'require "fileinto";\nif header :contains "Subject" "[SPAM]" { fileinto "Junk"; stop; }'
LISTED = recorded("get_filters_mailbox")  # 1 pre1 inactive, 2 pre1 inactive, 3 post1 active, 4 pre2 active
PARAMS = {"state": "present", "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 4}


def run(server, check_mode=False, **params):
    return manage_one(MailcowClient(server.url, "K", retries=0), dict(PARAMS, **params), check_mode=check_mode, diff=True)


def test_create_reads_the_mailbox_then_adds_and_learns_the_id(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=recorded("get_filters_missing_mailbox"))  # {}: no filters yet
    mailcow.expect("GET", "/api/v1/get/mailbox/" + ALICE, reply={"username": ALICE, "domain": "rb.example"})  # does it exist?
    mailcow.expect("POST", "/api/v1/add/filter", {"username": ALICE, "filter_type": "postfilter", "script_desc": "post1", "script_data": SCRIPT,
                                                  "active": 1}, reply=recorded("add_filter_postfilter"))
    mailcow.expect("GET", MINE, reply=[LISTED[2]])
    result = run(mailcow, mailbox=ALICE, filter_type="postfilter", description="post1", script=SCRIPT)
    assert result["changed"] and result["action"] == "created" and result["filter"]["id"] == 3
    assert result["diff"]["before"] == "" and "description: post1\nactive: true\nscript: |\n  require" in result["diff"]["after"]


def test_check_mode_reads_only_and_predicts_the_switch_off(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=LISTED)
    result = run(mailcow, check_mode=True, mailbox=ALICE, filter_type="postfilter", description="new", script="keep;")
    assert result["changed"] and result["deactivated"] == ["postfilter 'post1' of " + ALICE]
    assert [d["before_header"] for d in result["diff"]] == ["postfilter 'new' of " + ALICE, "postfilter 'post1' of " + ALICE]


def test_switching_one_on_is_one_edit_and_mailcow_switches_the_other_off(mailcow) -> None:
    listed = recorded("get_filters_all_before_list_delete")[:3]  # 2 pre1, 3 post1, 4 pre2, all inactive
    mailcow.expect("GET", MINE, reply=[dict(listed[2], active=1)] + listed[:2])
    mailcow.expect("POST", "/api/v1/edit/filter", {"items": ["3"], "attr": {"active": 1}}, reply=recorded("edit_filter_active_1"))
    result = run(mailcow, mailbox=ALICE, filter_type="postfilter", description="post1", active=True)
    assert result["action"] == "updated" and "deactivated" not in result  # another type: pre2 stays


def test_only_the_script_is_sent_when_it_differs(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/filter", {"items": ["3"], "attr": {"script_data": "if size :over 1M { discard; }"}},
                   reply=recorded("edit_filter_script_data"))
    result = run(mailcow, mailbox=ALICE, filter_type="postfilter", description="post1", script="if size :over 1M { discard; }", active=True)
    assert result["action"] == "updated" and "-  require" not in result["diff"]["after"]
    mailcow.expect("GET", MINE, reply=LISTED)
    assert not run(mailcow, mailbox=ALICE, filter_type="postfilter", description="post1", script=SCRIPT, active=True)["changed"]


def test_mailcows_refusals_are_errors_with_its_reason(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=LISTED)
    mailcow.expect("POST", "/api/v1/edit/filter", {"items": ["3"], "attr": {"script_data": "discard"}}, reply=recorded("edit_filter_invalid_sieve"))
    with pytest.raises(MailcowValidationError, match="script end where semicolon expected"):
        run(mailcow, mailbox=ALICE, filter_type="postfilter", description="post1", script="discard")
    mailcow.expect("GET", MINE, reply=LISTED)
    ro = transcript("edit_filter_ro_key", "transcripts-filters.jsonl")
    mailcow.expect("POST", "/api/v1/edit/filter", {"items": ["3"], "attr": {"active": 0}}, reply=ro["body"], status=ro["status"])
    with pytest.raises(MailcowForbiddenError, match="read-only"):
        run(mailcow, mailbox=ALICE, filter_type="postfilter", description="post1", active=False)


def test_duplicates_refused_and_absent_deletes_both_in_one_request(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=LISTED)
    with pytest.raises(MailcowOptionError, match=r"prefilter 'pre1' of alice@rb.example is on this Mailcow 2 times \(ids 1, 2\)"):
        run(mailcow, mailbox=ALICE, filter_type="prefilter", description="pre1", active=True)
    mailcow.expect("GET", MINE, reply=LISTED)
    mailcow.expect("POST", "/api/v1/delete/filter", ["1", "2"], reply=recorded("delete_filter_list"))
    assert run(mailcow, mailbox=ALICE, filter_type="prefilter", description="pre1", state="absent")["action"] == "deleted"


def test_a_lost_add_answer_is_decided_by_one_listing(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=LISTED)
    mailcow.expect("POST", "/api/v1/add/filter", {"username": ALICE, "filter_type": "prefilter", "script_desc": "new", "script_data": "keep;",
                                                  "active": 0}, reply=DROP)
    added = dict(LISTED[0], id=9, script_desc="new", script_data="keep;")
    mailcow.expect("GET", MINE, reply=LISTED + [added])  # it was carried out: not sent again
    mailcow.expect("GET", MINE, reply=LISTED + [added])
    result = run(mailcow, mailbox=ALICE, filter_type="prefilter", description="new", script="keep;", active=False)
    assert result["outcome"] == "confirmed" and result["filter"]["id"] == 9


def test_bulk_reads_every_filter_once_and_purges_within_the_domain(mailcow) -> None:
    everything = recorded("get_filters_all")  # alice 1..4, bob 5
    mailcow.expect("GET", ALL, reply=everything)
    mailcow.expect("POST", "/api/v1/delete/filter", ["5", "1", "2"], reply=recorded("delete_filter_list"))
    entries = [{"mailbox": "alice", "filter_type": "postfilter", "description": "post1"},
               {"mailbox": "alice", "filter_type": "prefilter", "description": "pre2"}]
    params = dict(PARAMS, domain="rb.example", filters=entries, purge=True, purge_max_share=100)
    result = manage_many(MailcowClient(mailcow.url, "K", retries=0), params, check_mode=False, diff=False)
    assert result["summary"] == {"created": 0, "updated": 0, "deleted": 2, "unchanged": 2}


def test_info_reads_the_users_own_script_when_asked(mailcow) -> None:
    mailcow.expect("GET", MINE, reply=LISTED)
    mailcow.expect("GET", "/api/v1/get/active-user-sieve/" + ALICE, reply=["keep;\n"])
    found = info(MailcowClient(mailcow.url, "K", retries=0), {"mailbox": ALICE, "filter_type": "prefilter", "include_user_script": True})
    assert [f["id"] for f in found["filters"]] == [1, 2, 4] and found["user_script"] == "keep;\n"
    mailcow.expect("GET", MINE, reply=LISTED)
    mailcow.expect("GET", "/api/v1/get/active-user-sieve/" + ALICE, reply=recorded("get_active_user_sieve"))
    assert info(MailcowClient(mailcow.url, "K", retries=0), {"mailbox": ALICE, "include_user_script": True})["user_script"] is None
