# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_mailbox's decisions as exact HTTP conversations: what is read, what is written."""

from __future__ import annotations

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowOptionError, MailcowPathError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.manager import manage_many, manage_one
from ...scripted_mailcow import domain_read, transcript, policy_read

RAW = transcript("get_mailbox_single")["body"]
ADDED = transcript("add_mailbox_success")["body"]
MODIFIED = transcript("edit_mailbox_quota")["body"]
REMOVED = transcript("delete_mailbox_success")["body"]


def params(**kwargs):
    base = {"state": "present", "update_password": "on_create", "purge_tags": True, "domain": None}
    base.update(kwargs)
    return base


def run(server, check_mode=False, **kwargs):
    return manage_one(MailcowClient(server.url, "K"), params(**kwargs), check_mode=check_mode, diff=True)


def test_create_then_unchanged(mailcow) -> None:
    policy_read(mailcow)
    body = {"local_part": "alice", "domain": "example.org", "password": "Geheim-123", "password2": "Geheim-123", "quota": 512, "active": 1}
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply={})
    domain_read(mailcow)  # the domain's limits, read before the add
    mailcow.expect("POST", "/api/v1/add/mailbox", body, reply=ADDED)
    result = run(mailcow, address="alice@example.org", password="Geheim-123", quota=512)
    assert result["changed"] and result["action"] == "created"
    assert result["diff"]["before"] == {} and result["diff"]["after"]["quota"] == 512
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=RAW)
    again = run(mailcow, address="alice@example.org", password="Geheim-123", quota=512)
    assert not again["changed"] and again["action"] == "unchanged"


def test_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=RAW)
    domain_read(mailcow)  # a quota change: the domain's limits are read, in check mode too
    result = run(mailcow, check_mode=True, address="alice@example.org", quota=1024)
    assert result["changed"] and result["mailbox"]["quota"] == 1024
    assert [s[0] for s in mailcow.seen] == ["GET", "GET"]


def test_edit_sends_only_the_difference(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=RAW)
    domain_read(mailcow)
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@example.org"], "attr": {"quota": 1024}}, reply=MODIFIED)
    result = run(mailcow, address="alice@example.org", quota=1024, name="Alice Example", active=True)
    assert result["changed"] and result["diff"]["before"]["quota"] == 512 and result["diff"]["after"]["quota"] == 1024


def test_absent_twice(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=RAW)
    mailcow.expect("POST", "/api/v1/delete/mailbox", ["alice@example.org"], reply=REMOVED)
    assert run(mailcow, address="alice@example.org", state="absent")["changed"]
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply={})
    assert not run(mailcow, address="alice@example.org", state="absent")["changed"]


def test_plus_address_is_read_by_its_path_encoded_twice(mailcow) -> None:
    # Mailcow decodes a path twice (nginx, then PHP's query parser): '+' encoded twice reaches it as '+'.
    plus = dict(RAW, username="a+b@example.org", local_part="a+b")
    mailcow.expect("GET", "/api/v1/get/mailbox/a%252Bb@example.org", reply=plus)
    assert run(mailcow, check_mode=True, address="a+b@example.org")["action"] == "unchanged"


def test_slash_address_is_read_through_the_domain_listing_with_a_warning(mailcow) -> None:
    slash = dict(RAW, username="a/b@example.org", local_part="a/b")
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=[RAW, slash])
    client = MailcowClient(mailcow.url, "K")
    result = manage_one(client, params(address="a/b@example.org"), check_mode=True, diff=True)
    assert result["action"] == "unchanged"
    assert client.warnings == ["mailbox a/b@example.org: it contains '/', on which Mailcow splits the API route, so it was read from its "
                               "domain's listing; it can be read and deleted, but not have tags removed"]


@pytest.mark.parametrize("check_mode", [True, False])
def test_tag_removal_of_a_slash_address_is_refused_before_any_write(mailcow, check_mode: bool) -> None:
    slash = dict(RAW, username="x&query=delete/mailbox&@example.org", local_part="x&query=delete/mailbox&",
                 attributes=dict(RAW["attributes"]), tags=["v@other.example"])
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=[slash])
    with pytest.raises(MailcowPathError, match="tags of mailbox x&query=delete/mailbox&@example.org cannot be removed") as caught:
        run(mailcow, check_mode=check_mode, address="x&query=delete/mailbox&@example.org", tags=[])
    assert "Nothing was written" in str(caught.value)
    assert [s[0] for s in mailcow.seen] == ["GET"]


def test_bad_option_fails_before_any_request(mailcow) -> None:
    with pytest.raises(MailcowOptionError, match="active must be one of"):
        run(mailcow, address="alice@example.org", active="sometimes")
    assert mailcow.seen == []


def many(server, check_mode=False, **kwargs):
    kwargs = dict({"concurrency": 2, "purge": False, "purge_allow_empty": False, "purge_max_share": 50}, **kwargs)
    return manage_many(MailcowClient(server.url, "K"), params(**kwargs), check_mode=check_mode, diff=True)


def listing(*names):
    return [dict(RAW, username="%s@example.org" % n, local_part=n) for n in names]


def test_bulk_reads_once_batches_edits_and_deletes(mailcow) -> None:
    policy_read(mailcow)
    other_domain = dict(RAW, username="x@other.org", domain="other.org")
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=listing("a", "b", "c", "old1", "old2") + [other_domain])
    domain_read(mailcow)
    mailcow.expect("POST", "/api/v1/delete/mailbox", ["old1@example.org", "old2@example.org"], reply=REMOVED)
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["a@example.org", "b@example.org"], "attr": {"quota": 100}}, reply=MODIFIED)
    for n in ("d", "e"):
        body = {"local_part": n, "domain": "example.org", "password": "Pw-123456", "password2": "Pw-123456", "active": 1}
        mailcow.expect("POST", "/api/v1/add/mailbox", body, reply=ADDED)
    entries = [{"local_part": "a", "quota": 100}, {"local_part": "b", "quota": 100}, {"address": "c@example.org", "quota": 512},
               {"local_part": "d", "password": "Pw-123456"}, {"local_part": "e", "password": "Pw-123456"}]
    result = many(mailcow, domain="example.org", purge=True, mailboxes=[params(**e) for e in entries])
    assert result["summary"] == {"created": 2, "updated": 2, "deleted": 2, "unchanged": 1}
    assert [(m["address"], m["action"]) for m in result["mailboxes"]] == [
        ("a@example.org", "updated"), ("b@example.org", "updated"), ("d@example.org", "created"), ("e@example.org", "created"),
        ("old1@example.org", "deleted"), ("old2@example.org", "deleted")]
    assert [(d["before_header"], bool(d["before"]), bool(d["after"])) for d in result["diff"]] == [
        ("a@example.org", True, True), ("b@example.org", True, True), ("d@example.org", False, True), ("e@example.org", False, True),
        ("old1@example.org", True, False), ("old2@example.org", True, False)]
    assert result["msg"] == "created 2 (d, e), updated 2 (a, b), deleted 2 (old1, old2), 1 unchanged"


def test_bulk_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=listing("a", "old"))
    domain_read(mailcow)
    result = many(mailcow, check_mode=True, domain="example.org", purge=True, mailboxes=[params(local_part="a", quota=5)])
    assert result["changed"] and result["summary"]["deleted"] == 1 and result["summary"]["updated"] == 1
    assert result["msg"] == "would update 1 (a), would delete 1 (old)"


def test_bulk_rejects_bad_entry_naming_it_before_writing(mailcow) -> None:
    with pytest.raises(MailcowOptionError, match=r"mailboxes\[1\] \(bob@other.org\): address is not in domain example.org"):
        many(mailcow, domain="example.org", mailboxes=[params(local_part="a"), params(address="bob@other.org")])
    with pytest.raises(MailcowOptionError, match=r"mailboxes\[1\] .*listed twice"):
        many(mailcow, domain="example.org", mailboxes=[params(local_part="a"), params(address="A@example.org")])
    assert mailcow.seen == []


def test_bulk_missing_password_for_new_mailbox_fails_before_writing(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=listing("a"))
    with pytest.raises(MailcowOptionError, match=r"mailboxes\[1\]: password is required to create mailbox new@example.org"):
        many(mailcow, domain="example.org", mailboxes=[params(local_part="a", quota=1), params(local_part="new")])
    assert [s[0] for s in mailcow.seen] == ["GET"]


def test_counted_entries_counts_entry_lists_instead_of_echoing_them() -> None:
    from ansible_collections.glassdome.mailcow.plugins.module_utils._bulk_entries import counted_entries

    params = {"domain": "example.org", "mailboxes": [{"local_part": "a", "password": "Secret-1"}] * 3, "tags": ["x"]}
    assert counted_entries(params, "echoed") == {"domain": "example.org", "mailboxes": "(3 entries, not echoed)", "tags": ["x"]}
    assert counted_entries({"address": "a@example.org", "mailboxes": None}, "logged") == {"address": "a@example.org", "mailboxes": None}


def spam_score(case: str) -> object:
    return transcript(case, "transcripts-spam-policy.jsonl")["body"]


def test_bulk_spam_scores_read_per_entry_that_sets_one_and_equal_scores_share_one_edit(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/example.org", reply=listing("a", "b", "c", "d"))
    mailcow.expect("GET", "/api/v1/get/spam-score/a@example.org", reply=spam_score("get_spam_score_default"))
    mailcow.expect("GET", "/api/v1/get/spam-score/b@example.org", reply=spam_score("get_spam_score_after_edit"))  # 8,15
    mailcow.expect("GET", "/api/v1/get/spam-score/c@example.org", reply=spam_score("get_spam_score_after_decimal"))  # 5.5,12.5
    mailcow.expect("POST", "/api/v1/edit/spam-score", {"items": ["a@example.org", "c@example.org"], "attr": {"spam_score": "7,14"}},
                   reply=spam_score("edit_spam_score_list_of_mailboxes"))
    entries = [{"local_part": "a", "spam_score": "7,14"}, {"local_part": "b", "spam_score": "8.0,15"}, {"local_part": "c", "spam_score": "7,14"},
               {"local_part": "d"}]
    result = many(mailcow, domain="example.org", mailboxes=[params(**e) for e in entries])
    assert result["summary"] == {"created": 0, "updated": 2, "deleted": 0, "unchanged": 2}
    assert [(d["before"]["spam_score"], d["after"]["spam_score"]) for d in result["diff"]] == [("5,15", "7,14"), ("5.5,12.5", "7,14")]


def test_spam_score_default_is_met_by_the_default_read_and_set_otherwise(mailcow) -> None:
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=RAW)
    mailcow.expect("GET", "/api/v1/get/spam-score/alice@example.org", reply=spam_score("get_spam_score_after_default"))
    assert not run(mailcow, address="alice@example.org", spam_score="default")["changed"]
    mailcow.expect("GET", "/api/v1/get/mailbox/alice@example.org", reply=RAW)
    mailcow.expect("GET", "/api/v1/get/spam-score/alice@example.org", reply=spam_score("get_spam_score_after_invalid"))  # 15,8
    mailcow.expect("POST", "/api/v1/edit/spam-score", {"items": ["alice@example.org"], "attr": {"spam_score": "default"}},
                   reply=spam_score("edit_spam_score_default"))
    result = run(mailcow, address="alice@example.org", spam_score="Default")
    assert result["diff"]["before"]["spam_score"] == "15,8" and result["diff"]["after"]["spam_score"] == "5,15"
