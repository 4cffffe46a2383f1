# SPDX-License-Identifier: GPL-3.0-or-later
"""mailcow_mailbox's template, rate_limit and sender_acl as exact HTTP conversations (replies recorded from a real Mailcow)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ansible_collections.glassdome.mailcow.plugins.module_utils._api.client import MailcowClient
from ansible_collections.glassdome.mailcow.plugins.module_utils._errors import MailcowForbiddenError, MailcowValidationError
from ansible_collections.glassdome.mailcow.plugins.module_utils._mailbox.manager import manage_many, manage_one
from ...scripted_mailcow import domain_read, transcript, policy_read

LIFECYCLE = Path(__file__).resolve().parents[4] / "fixtures" / "mailcow-api" / "transcripts-lifecycle.jsonl"
RECORDED = {case["case"]: case["response"] for case in map(json.loads, LIFECYCLE.read_text(encoding="utf-8").splitlines())}
RAW = RECORDED["get_mailbox_after_sender_acl_default"]["body"]  # alice@lc.example: no limit of her own, no grants
WITH_ACL = RECORDED["get_mailbox_after_sender_acl"]["body"]  # sender_acl ["@lc2.example", "carol@lc.example"]
RL_SAVED = RECORDED["edit_rl_mbox_success"]["body"]
ALIAS_SHAPE = transcript("get_alias_by_address")["body"]
CAROL_SELF = dict(ALIAS_SHAPE, address="carol@lc.example", domain="lc.example", goto="carol@lc.example", sender_allowed=1)  # a mailbox's own alias
ADDED = transcript("add_mailbox_success")["body"]
GET_ALICE = "/api/v1/get/mailbox/alice@lc.example"
TEMPLATES = "/api/v1/get/mailbox/template/all"
# get/mailbox/template/all as Mailcow's source builds it: rows of the `templates` table, attributes decoded, quota in bytes.
STAFF = {"id": 3, "template": "Staff", "type": "mailbox", "attributes": {
    "quota": 1024 * 1048576, "tags": ["staff"], "rl_value": "50", "rl_frame": "h", "active": 2, "imap_access": 0, "pop3_access": 0,
    "smtp_access": 1, "sieve_access": 1, "sogo_access": 1, "eas_access": 1, "dav_access": 1, "tls_enforce_in": 1, "tls_enforce_out": 0,
    "force_pw_update": 1}}
DEFAULT = {"id": 2, "template": "Default", "type": "mailbox", "attributes": {"quota": 0, "tags": [], "rl_value": "", "rl_frame": "s", "active": 1}}


def limited(value: str, frame: str, scope: str = "mailbox") -> dict:
    return dict(RAW, rl={"value": value, "frame": frame}, rl_scope=scope)


def one(server, check_mode=False, **kwargs):
    params = dict({"state": "present", "update_password": "on_create", "purge_tags": True, "domain": None, "address": "alice@lc.example"}, **kwargs)
    return manage_one(MailcowClient(server.url, "K"), params, check_mode=check_mode, diff=True)


def many(server, entries, check_mode=False):
    params = {"domain": "lc.example", "mailboxes": entries, "purge": False, "purge_allow_empty": False, "purge_max_share": 50, "concurrency": 2,
              "purge_tags": True}
    return manage_many(MailcowClient(server.url, "K"), params, check_mode=check_mode, diff=True)


def entry(name, **kwargs):
    return dict({"local_part": name, "state": "present", "update_password": "on_create"}, **kwargs)


# -- rate_limit ----------------------------------------------------------------------------------


def test_rate_limit_changed_then_unchanged(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/rl-mbox", {"items": ["alice@lc.example"], "attr": {"rl_value": 10, "rl_frame": "h"}}, reply=RL_SAVED)
    result = one(mailcow, rate_limit={"value": 10, "frame": "h"})
    assert result["changed"] and result["mailbox"]["rate_limit"] == {"value": 10, "frame": "h"}
    assert result["diff"]["before"]["rate_limit"] is None and result["diff"]["after"]["rate_limit"] == {"value": 10, "frame": "h"}
    mailcow.expect("GET", GET_ALICE, reply=limited("10", "h"))
    assert not one(mailcow, rate_limit={"value": 10, "frame": "h"})["changed"]


def test_rate_limit_zero_removes_it_and_the_domains_limit_is_not_the_mailboxs(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=limited("10", "h"))
    mailcow.expect("POST", "/api/v1/edit/rl-mbox", {"items": ["alice@lc.example"], "attr": {"rl_value": 0, "rl_frame": "s"}}, reply=RL_SAVED)
    assert one(mailcow, rate_limit={"value": 0, "frame": "s"})["diff"]["after"]["rate_limit"] is None
    # get/mailbox shows the domain's limit (rl_scope "domain") when the mailbox has none of its own.
    mailcow.expect("GET", GET_ALICE, reply=limited("5", "m", scope="domain"))
    result = one(mailcow, rate_limit={"value": 0, "frame": "s"})
    assert not result["changed"] and result["mailbox"]["rate_limit"] is None


def test_rate_limit_with_a_read_only_key_fails_clearly(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    mailcow.expect("POST", "/api/v1/edit/rl-mbox", reply=RECORDED["edit_rl_mbox_ro_key"]["body"], status=403, body={
        "items": ["alice@lc.example"], "attr": {"rl_value": 5, "rl_frame": "m"}})
    with pytest.raises(MailcowForbiddenError, match="the API key is read-only"):
        one(mailcow, rate_limit={"value": 5, "frame": "m"})


# -- sender_acl ----------------------------------------------------------------------------------


def test_sender_acl_changed_then_unchanged_then_cleared(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    mailcow.expect("GET", "/api/v1/get/alias/carol@lc.example", reply=CAROL_SELF)  # a new address grant: is it an alias's already?
    domain_read(mailcow, "lc2.example")  # a grant of another domain: is it one of this Mailcow's?
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@lc.example"], "attr": {"sender_acl": ["@lc2.example", "carol@lc.example"]}},
                   reply=RECORDED["edit_mailbox_sender_acl"]["body"])
    result = one(mailcow, sender_acl=["Carol@LC.example", "lc2.example"])
    assert result["changed"] and result["diff"]["before"]["sender_acl"] == [] and result["diff"]["after"]["sender_acl"] == ["@lc2.example", "carol@lc.example"]
    mailcow.expect("GET", GET_ALICE, reply=WITH_ACL)
    assert not one(mailcow, sender_acl=["@lc2.example", "carol@lc.example"])["changed"]
    mailcow.expect("GET", GET_ALICE, reply=WITH_ACL)
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@lc.example"], "attr": {"sender_acl": ["default"]}},
                   reply=RECORDED["edit_mailbox_sender_acl_default"]["body"])
    assert one(mailcow, sender_acl=[])["diff"]["after"]["sender_acl"] == []


def alias_to(address: str, goto: str, sender_allowed: int) -> dict:
    """get/alias/<address> as Mailcow answers it (recorded shape)."""
    return dict(ALIAS_SHAPE, address=address, domain=address.rpartition("@")[2], goto=goto, sender_allowed=sender_allowed)


def test_sender_acl_entry_an_alias_already_grants_is_left_out_with_a_warning(mailcow) -> None:
    # Mailcow skips a grant the mailbox has through an alias with sender_allowed (its goto names the mailbox): it never reads back.
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    mailcow.expect("GET", "/api/v1/get/alias/sales@lc.example", reply=alias_to("sales@lc.example", "bob@lc.example,Alice@lc.example", 1))
    domain_read(mailcow, "lc2.example")
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@lc.example"], "attr": {"sender_acl": ["@lc2.example"]}},
                   reply=RECORDED["edit_mailbox_sender_acl"]["body"])
    result = one(mailcow, sender_acl=["sales@lc.example", "@lc2.example"])
    assert result["changed"] and result["diff"]["after"]["sender_acl"] == ["@lc2.example"]
    assert result["warnings"] == ["sender_acl of mailbox alice@lc.example: it may already send as sales@lc.example through the alias of that address "
                                  "(sender_allowed), which Mailcow does not store as a grant; left out of the comparison. Remove it from sender_acl "
                                  "to silence this warning"]
    mailcow.expect("GET", GET_ALICE, reply=dict(RAW, sender_acl=["@lc2.example"]))
    mailcow.expect("GET", "/api/v1/get/alias/sales@lc.example", reply=alias_to("sales@lc.example", "bob@lc.example,Alice@lc.example", 1))
    again = one(mailcow, sender_acl=["sales@lc.example", "@lc2.example"])
    assert not again["changed"] and again["warnings"]


def test_sender_acl_entry_of_an_alias_without_sender_allowed_or_to_others_is_granted(mailcow) -> None:
    for goto, allowed in (("alice@lc.example", 0), ("bob@lc.example", 1)):
        mailcow.expect("GET", GET_ALICE, reply=RAW)
        mailcow.expect("GET", "/api/v1/get/alias/sales@lc.example", reply=alias_to("sales@lc.example", goto, allowed))
        mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@lc.example"], "attr": {"sender_acl": ["sales@lc.example"]}},
                       reply=RECORDED["edit_mailbox_sender_acl"]["body"])
        result = one(mailcow, sender_acl=["sales@lc.example"])
        assert result["changed"] and "warnings" not in result


def test_sender_acl_matching_the_stored_grants_reads_no_alias(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=WITH_ACL)
    assert not one(mailcow, sender_acl=["@lc2.example", "carol@lc.example"])["changed"]
    assert [s[:2] for s in mailcow.seen] == [("GET", GET_ALICE)]


def test_sender_acl_entry_mailcow_drops_fails_naming_it(mailcow) -> None:
    # Mailcow drops an address grant that is no mailbox or alias of its own and saves the rest (recorded): not foreseeable, reported after the write.
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    mailcow.expect("GET", "/api/v1/get/alias/nobody@lc.example", reply={})
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["alice@lc.example"], "attr": {"sender_acl": ["nobody@lc.example"]}},
                   reply=[dict(entry, msg=["sender_acl_invalid", "nobody@lc.example"]) if entry["type"] == "danger" else entry
                          for entry in RECORDED["edit_mailbox_sender_acl_foreign_domain"]["body"]])
    with pytest.raises(MailcowValidationError, match="sender_acl entry nobody@lc.example was refused and dropped.*other entries were saved"):
        one(mailcow, sender_acl=["nobody@lc.example"])


def test_sender_acl_entry_of_a_foreign_domain_is_refused_before_any_write(mailcow) -> None:
    # Mailcow would drop @gmail.com (recorded: edit_mailbox_sender_acl_foreign_domain): refused after one read of that domain, in check mode too.
    for check_mode in (True, False):
        mailcow.expect("GET", GET_ALICE, reply=RAW)
        mailcow.expect("GET", "/api/v1/get/domain/gmail.com", reply={})
        domain_read(mailcow, "lc2.example")
        with pytest.raises(MailcowValidationError, match=r"^Mailcow would refuse 1 entry in domain lc.example, so nothing was "
                                                         r"written: alice@lc.example: sender_acl entry @gmail.com: gmail.com is not a domain") as info:
            one(mailcow, check_mode=check_mode, sender_acl=["@gmail.com", "@lc2.example"])
        assert info.value.to_result()["failed_entries"][0]["item"] == "alice@lc.example"
    assert [s[0] for s in mailcow.seen] == ["GET"] * 6


def test_check_mode_only_reads(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    result = one(mailcow, check_mode=True, rate_limit={"value": 3, "frame": "d"}, sender_acl=["*"])
    assert result["changed"] and result["mailbox"]["sender_acl"] == ["*"] and result["mailbox"]["rate_limit"] == {"value": 3, "frame": "d"}
    assert [s[0] for s in mailcow.seen] == ["GET"]


def test_create_sends_the_rate_limit_with_the_add_and_the_sender_acl_after_it(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/mailbox/dave@lc.example", reply={})
    domain_read(mailcow, "lc.example")
    mailcow.expect("POST", "/api/v1/add/mailbox", {"local_part": "dave", "domain": "lc.example", "password": "Pw-123456", "password2": "Pw-123456",
                                                   "rl_value": 20, "rl_frame": "m", "active": 1}, reply=ADDED)
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["dave@lc.example"], "attr": {"sender_acl": ["@lc.example"]}},
                   reply=RECORDED["edit_mailbox_sender_acl"]["body"])
    result = one(mailcow, address="dave@lc.example", password="Pw-123456", rate_limit={"value": 20, "frame": "m"}, sender_acl=["@lc.example"])
    assert result["action"] == "created" and result["mailbox"]["sender_acl"] == ["@lc.example"]


# -- template ------------------------------------------------------------------------------------


def test_template_is_sent_by_id_and_its_values_are_predicted(mailcow) -> None:
    for check_mode in (True, False):
        policy_read(mailcow)
        mailcow.expect("GET", "/api/v1/get/mailbox/dave@lc.example", reply={})
        mailcow.expect("GET", TEMPLATES, reply=[DEFAULT, STAFF])
        domain_read(mailcow, "lc.example")
        if not check_mode:
            mailcow.expect("POST", "/api/v1/add/mailbox", {"local_part": "dave", "domain": "lc.example", "password": "Pw-123456",
                                                           "password2": "Pw-123456", "template": 3, "active": 2}, reply=ADDED)
        result = one(mailcow, check_mode=check_mode, address="dave@lc.example", password="Pw-123456", template="Staff")
        after = result["mailbox"]
        assert result["changed"] and after["quota"] == 1024 and after["tags"] == ["staff"] and after["active"] == "login-disabled"
        assert after["rate_limit"] == {"value": 50, "frame": "h"} and after["imap_access"] is False and after["tls_enforce_in"] is True
        assert after["force_pw_update"] is True and after["sender_acl"] == []


def test_options_given_win_over_the_template(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/mailbox/dave@lc.example", reply={})
    mailcow.expect("GET", TEMPLATES, reply=[DEFAULT, STAFF])
    domain_read(mailcow, "lc.example")
    result = one(mailcow, check_mode=True, address="dave@lc.example", password="Pw-123456", template="Staff", quota=10, tags=[],
                 rate_limit={"value": 0}, active=True)
    assert (result["mailbox"]["quota"], result["mailbox"]["tags"], result["mailbox"]["rate_limit"], result["mailbox"]["active"]) == (10, [], None, "yes")


def test_template_of_an_existing_mailbox_is_not_read(mailcow) -> None:
    mailcow.expect("GET", GET_ALICE, reply=RAW)
    assert not one(mailcow, template="Staff")["changed"]


# -- bulk form: the full listing only when an entry compares what only it shows -----------------


def test_bulk_reads_the_reduced_listing_without_rate_limit_or_sender_acl(mailcow) -> None:
    policy_read(mailcow)
    mailcow.expect("GET", "/api/v1/get/mailbox/reduced/lc.example", reply=[RAW])
    mailcow.expect("GET", TEMPLATES, reply=[DEFAULT, STAFF])
    domain_read(mailcow, "lc.example")
    mailcow.expect("POST", "/api/v1/add/mailbox", {"local_part": "dave", "domain": "lc.example", "password": "Pw-123456", "password2": "Pw-123456",
                                                   "template": 3, "active": 2}, reply=ADDED)
    result = many(mailcow, [entry("alice"), entry("dave", password="Pw-123456", template="Staff")])
    assert result["summary"] == {"created": 1, "updated": 0, "deleted": 0, "unchanged": 1}


def test_bulk_reads_the_full_listing_and_batches_rate_limits(mailcow) -> None:
    policy_read(mailcow)
    bob = dict(RAW, username="bob@lc.example", local_part="bob")
    carol = dict(limited("10", "h"), username="carol@lc.example", local_part="carol")
    mailcow.expect("GET", "/api/v1/get/mailbox/all/lc.example", reply=[RAW, bob, carol])
    domain_read(mailcow, "lc.example")
    mailcow.expect("POST", "/api/v1/edit/rl-mbox", {"items": ["alice@lc.example", "bob@lc.example"], "attr": {"rl_value": 10, "rl_frame": "h"}},
                   reply=RL_SAVED)
    mailcow.expect("POST", "/api/v1/add/mailbox", {"local_part": "dave", "domain": "lc.example", "password": "Pw-123456", "password2": "Pw-123456",
                                                   "active": 1}, reply=ADDED)
    mailcow.expect("POST", "/api/v1/edit/mailbox", {"items": ["dave@lc.example"], "attr": {"sender_acl": ["alice@lc.example"]}},
                   reply=RECORDED["edit_mailbox_sender_acl"]["body"])
    hourly = {"value": 10, "frame": "h"}
    result = many(mailcow, [entry("alice", rate_limit=hourly), entry("bob", rate_limit=hourly), entry("carol", rate_limit=hourly),
                            entry("dave", password="Pw-123456", sender_acl=["alice@lc.example"])])
    assert result["summary"] == {"created": 1, "updated": 2, "deleted": 0, "unchanged": 1}
    assert [d["after"].get("rate_limit") for d in result["diff"]] == [hourly, hourly, None]
